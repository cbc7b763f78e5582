// The disk drive driver (reference/phoenix.md §6.4). A disk is a label and an
// ID (or an audio title); inserting and ejecting post `disk` / `disk_eject`.
// Disks are not mounted into the filesystem yet (getMountPath returns nil).
import { DeviceError, DeviceNode, Driver } from './tree.js';

interface Disk { id?: number; label?: string; audio?: string }
interface DriveState { disk: Disk | null; playing: boolean }


export function driveState(node: DeviceNode): DriveState {
  let s = node.state.get('drive') as DriveState | undefined;
  if (!s) { s = { disk: null, playing: false }; node.state.set('drive', s); }
  return s;
}

/** Host side (sims, tests, root's insert): put a disk in the drive. */
export function insertDisk(node: DeviceNode, disk: Disk): void {
  const s = driveState(node);
  if (s.disk) throw new DeviceError('Drive is not empty');
  // Disk IDs count per computer, so a replayed sim numbers its disks the same way.
  const root = node.tree.root;
  const next = (root.state.get('drive.nextId') as number | undefined) ?? 0;
  if (!disk.audio && disk.id === undefined) root.state.set('drive.nextId', next + 1);
  s.disk = { ...disk, id: disk.audio ? undefined : disk.id ?? next };
  node.broadcast('disk', { device: node.path });
}

export const driveDriver: Driver = {
  name: 'peripheral_drive', type: 'drive',
  properties: ['state', 'label'],
  rootOnly: ['insert'],
  methods: {
    getState: (n) => { const d = driveState(n).disk; return [d ? { ...d } : undefined]; },
    getLabel: (n) => [driveState(n).disk?.label],
    setLabel: (n, _p, label) => {
      const d = driveState(n).disk;
      if (!d || d.audio) throw new DeviceError('Disk does not have a label');
      d.label = typeof label === 'string' && label !== '' ? label.slice(0, 32) : undefined;
    },
    getMountPath: () => [undefined],
    play: (n) => { const s = driveState(n); if (s.disk?.audio) s.playing = true; },
    stop: (n) => { driveState(n).playing = false; },
    eject: (n) => {
      const s = driveState(n);
      if (!s.disk) return;
      s.disk = null; s.playing = false;
      n.broadcast('disk_eject', { device: n.path });
    },
    insert: (n, _p, label) => { insertDisk(n, { label: typeof label === 'string' ? label : undefined }); },
  },
};
