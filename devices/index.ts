// Devices of a computer: the tree with its built-in nodes (/, /redstone/*,
// /lo) and the peripherals that can be attached to a side (attach/detach).
// syscalls/hardware.ts and the World's network use this entry point.
import { World } from '../kernel/world.js';
import type { Computer } from '../kernel/computer.js';
import { DeviceError, DeviceNode, DeviceTree, Driver } from './tree.js';
import { rootComputerDriver, peripheralComputerDriver } from './computer.js';
import { installRedstone } from './redstone.js';
import { installLoopback } from './loopback.js';
import { connectModem, modemDriver } from './modem.js';
import { monitorDriver, monitorState } from './monitor.js';
import type { Tty } from '../kernel/tty/tty.js';
import { printerDriver } from './printer.js';
import { speakerDriver } from './speaker.js';
import { driveDriver } from './drive.js';
import { Network, networkOf } from './network.js';

export { DeviceError, DeviceNode, DeviceTree } from './tree.js';
export { networkOf } from './network.js';

const trees = new WeakMap<Computer, DeviceTree>();

/** The device tree of a computer, created with its built-in nodes on first use. */
/** The terminal of a device that has one (a monitor), for stdin/stdout redirection. */
export function ttyOfDevice(node: DeviceNode): Tty | null {
  return node.hasType('monitor') ? monitorState(node).tty : null;
}

export function devicesOf(computer: Computer): DeviceTree {
  let t = trees.get(computer);
  if (!t) {
    t = new DeviceTree(computer);
    trees.set(computer, t);
    t.register(t.root, rootComputerDriver);
    installRedstone(t);
    installLoopback(t);
  }
  return t;
}

/** Names that are not sides for peripherals. */
const RESERVED = new Set(['lo', 'redstone']);

const SIMPLE: Record<string, Driver> = { monitor: monitorDriver, printer: printerDriver, speaker: speakerDriver, drive: driveDriver };

export const PERIPHERAL_TYPES = ['modem', 'computer', ...Object.keys(SIMPLE)];

/**
 * Attach a peripheral of `type` at `/<side>`. Arguments by type:
 * modem (medium name, {ender?: boolean}), computer (computer ID), monitor, printer, speaker, drive (none).
 */
export function attachPeripheral(c: Computer, side: string, type: string, args: unknown[] = []): DeviceNode {
  const tree = devicesOf(c);
  if (typeof side !== 'string' || !/^[A-Za-z0-9_:.\-]+$/.test(side) || RESERVED.has(side)) throw new DeviceError(`Invalid side '${side}'`);
  if (tree.root.children.has(side)) throw new DeviceError(`A device is already attached at ${side}`);
  if (type === 'modem') {
    const world = World.of(c);
    const name = args[0];
    if (!world) throw new DeviceError('This computer is not part of a world with a network');
    if (typeof name !== 'string') throw new DeviceError('bad argument #3 (medium name expected)');
    const medium = networkOf(world).media.get(name);
    if (!medium) throw new DeviceError(`No such medium '${name}'`);
    const ender = !!(args[1] && typeof args[1] === 'object' && (args[1] as { ender?: boolean }).ender) || medium.kind === 'ender';
    const node = tree.add(tree.root, side, { metadata: { wireless: medium.kind !== 'wired', medium: name, ender }, drivers: [modemDriver] });
    connectModem(node, medium, ender);
    return node;
  }
  if (type === 'computer') {
    const id = args[0];
    if (typeof id !== 'number' || !Number.isInteger(id)) throw new DeviceError('bad argument #3 (computer ID expected)');
    return tree.add(tree.root, side, { metadata: { id }, displayName: `computer_${id}`, drivers: [peripheralComputerDriver] });
  }
  const driver = SIMPLE[type];
  if (!driver) throw new DeviceError(`Unknown peripheral type '${type}' (expected one of ${PERIPHERAL_TYPES.join(', ')})`);
  return tree.add(tree.root, side, { drivers: [driver] });
}

export function detachPeripheral(c: Computer, side: string): void {
  const tree = devicesOf(c);
  const node = tree.root.children.get(side);
  if (!node || RESERVED.has(side)) throw new DeviceError(`No peripheral attached at ${side}`);
  tree.remove(node);
}

Network.attach = (c, spec) => {
  try {
    attachPeripheral(c, spec.side, spec.type, spec.args);
  } catch (e) {
    c.syslog(null, 3, `Could not attach ${spec.type} at ${spec.side}: ${e instanceof Error ? e.message : String(e)}`);
  }
};
