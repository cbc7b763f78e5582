// The `computer` drivers (reference/phoenix.md §6.4): `root` on `/` (this
// computer) and `peripheral_computer` on a side where another computer of
// the same World is attached. turnOn/shutdown/reboot are root-only. They act
// on the next clock tick, never inside the caller's own syscall, so the
// calling thread is not torn down while it is still running.
import { World } from '../kernel/world.js';
import type { Computer } from '../kernel/computer.js';
import { DeviceError, DeviceNode, Driver } from './tree.js';

function later(c: Computer, fn: () => void): void { c.clock.setTimer(0, fn); c.wake(); }

function reboot(c: Computer): void {
  const w = World.of(c);
  later(c, () => { if (w) w.restart(c.id); else c.shutdown('reboot'); });
}

export const rootComputerDriver: Driver = {
  name: 'root', type: 'computer',
  properties: ['isOn', 'label'],
  rootOnly: ['turnOn', 'shutdown', 'reboot', 'setLabel'],
  methods: {
    getIsOn: () => [true],
    getLabel: (node) => [node.computer.label],
    setLabel: (node, _p, label) => {
      if (label !== undefined && label !== null && typeof label !== 'string') throw new DeviceError('bad argument #1 (string expected)');
      node.computer.label = label === null || label === undefined || label === '' ? undefined : label.slice(0, 32);
    },
    getID: (node) => [node.computer.id],
    turnOn: () => {},
    shutdown: (node) => { const c = node.computer; later(c, () => c.shutdown()); },
    reboot: (node) => { reboot(node.computer); },
  },
};

/** The computer a `peripheral_computer` node points at (it may be off, or rebooted into a new Computer object). */
function target(node: DeviceNode): { world: World | undefined; id: number; computer: Computer | undefined } {
  const id = node.metadata.id as number;
  const world = World.of(node.computer);
  return { world, id, computer: world?.computers.get(id) };
}

export const peripheralComputerDriver: Driver = {
  name: 'peripheral_computer', type: 'computer',
  properties: ['isOn', 'label'],
  rootOnly: ['turnOn', 'shutdown', 'reboot'],
  methods: {
    getIsOn: (node) => { const t = target(node); return [!!t.computer && !t.computer.halted]; },
    getLabel: (node) => [target(node).computer?.label],
    getID: (node) => [node.metadata.id],
    turnOn: (node) => {
      const t = target(node);
      if (t.world && t.computer?.halted) later(node.computer, () => t.world!.restart(t.id));
    },
    shutdown: (node) => { const t = target(node); if (t.computer) later(node.computer, () => t.computer!.shutdown()); },
    reboot: (node) => { const t = target(node); if (t.world) later(node.computer, () => t.world!.restart(t.id)); },
  },
};
