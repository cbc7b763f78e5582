// Device syscalls (reference/phoenix.md §2.5, §6): lookup and inspection of
// the device tree, calls into drivers, event subscription, exclusive locks,
// and root's attach/detach of emulated peripherals.
import { declare, kernelWait, SyscallError } from './types.js';
import { LuaTable, type LuaValue } from '../kernel/vm/values.js';
import type { Process } from '../kernel/process.js';
import { attachPeripheral, detachPeripheral, devicesOf, DeviceError, type DeviceNode } from '../devices/index.js';

function node(p: Process, name: string): DeviceNode {
  const n = devicesOf(p.computer).lookup(name)[0];
  if (!n) throw new SyscallError('No such device');
  return n;
}

/** Driver errors reach Lua with their message; anything else is a kernel bug (reported as such by the scheduler). */
function driverCall<T>(fn: () => T): T {
  try { return fn(); } catch (e) { if (e instanceof DeviceError) throw new SyscallError(e.message); throw e; }
}

interface LockWaiter { proc: Process; resolve: (v: LuaValue[]) => void }
const lockQueues = new WeakMap<DeviceNode, LockWaiter[]>();

function grant(n: DeviceNode, p: Process): void {
  n.lockedBy = p;
  p.dependents.push(() => release(n, p));
}

function release(n: DeviceNode, p: Process): void {
  if (n.lockedBy !== p) return;
  n.lockedBy = null;
  const q = lockQueues.get(n) ?? [];
  while (q.length) {
    const w = q.shift()!;
    if (!w.proc.alive) continue;
    grant(n, w.proc);
    w.resolve([true]);
    return;
  }
}

export const hardwareSyscalls = declare('hardware', [
  {
    name: 'devlookup', args: ['name: string'], returns: 'string...',
    doc: 'Paths of every device whose ID or alias is name; a path or UUID gives that one device. Never throws.',
    handler: (p, _t, name: string) => devicesOf(p.computer).lookup(name).map((n) => n.path),
  },
  {
    name: 'devfind', args: ['type: string'], returns: 'string...', doc: 'Paths of every device with a driver of this type, in tree order.',
    handler: (p, _t, type: string) => devicesOf(p.computer).find(type).map((n) => n.path),
  },
  {
    name: 'devinfo', args: ['device: string'], returns: 'HWInfo | nil',
    doc: 'The device\'s {id, uuid, alias, parent, displayName, types = {[type] = driverName}, metadata}, or nil when it does not exist.',
    handler: (p, _t, name: string) => {
      const n = devicesOf(p.computer).lookup(name)[0];
      if (!n) return [undefined];
      const types = new LuaTable();
      for (const d of n.drivers) if (types.get(d.type) === undefined) types.set(d.type, d.name);
      return [{ id: n.id, uuid: n.uuid, alias: n.alias, parent: n.parent?.path, displayName: n.displayName, types, metadata: { ...n.metadata } }];
    },
  },
  {
    name: 'devalias', args: ['device: string', 'alias: string?'], doc: 'Set, or with nil remove, the alias of a device.',
    handler: (p, _t, name: string, alias: string | undefined) => { node(p, name).alias = alias || undefined; },
  },
  {
    name: 'devmethods', args: ['device: string'], returns: 'string[]', doc: 'Names of every method of the device (including get/set methods of properties).',
    handler: (p, _t, name: string) => [node(p, name).methodNames()],
  },
  {
    name: 'devproperties', args: ['device: string'], returns: 'string[]', doc: 'Names of the device\'s properties (`foo` means getFoo exists, and setFoo when writable).',
    handler: (p, _t, name: string) => [node(p, name).propertyNames()],
  },
  {
    name: 'devchildren', args: ['device: string'], returns: 'string[]', doc: 'Names of the device\'s children, sorted.',
    handler: (p, _t, name: string) => [[...node(p, name).children.keys()].sort()],
  },
  {
    name: 'devcall', args: ['device: string', 'method: string', '...args: any'], returns: 'any...',
    doc: 'Call a driver method. Fails with "No such device", "Device is locked" (another process holds the lock), "No such method", or the method\'s own error.',
    handler: (p, _t, name: string, method: string, ...args: LuaValue[]) => driverCall(() => node(p, name).call(p, method, args)),
  },
  {
    name: 'devlisten', args: ['device: string', 'state: boolean?'], doc: 'Subscribe to (or with false, unsubscribe from) the device\'s events.',
    handler: (p, _t, name: string, state: boolean | undefined) => {
      const n = node(p, name);
      if (state === false) { n.listeners.delete(p); return; }
      if (n.listeners.has(p)) return;
      n.listeners.add(p);
      p.dependents.push(() => n.listeners.delete(p));
    },
  },
  {
    name: 'devlock', args: ['device: string', 'wait: boolean?'], returns: 'boolean', blocking: true,
    doc: 'Become the exclusive user of a device: other processes\' devcalls fail with "Device is locked" and they get none of its events. Waits for the holder unless wait is false. Not recursive.',
    handler: (p, _t, name: string, wait: boolean | undefined) => {
      const n = node(p, name);
      if (n.lockedBy === p) return [true];
      if (!n.lockedBy || !n.lockedBy.alive) { grant(n, p); return [true]; }
      if (wait === false) return [false];
      let q = lockQueues.get(n);
      if (!q) { q = []; lockQueues.set(n, q); }
      const queue = q;
      return kernelWait(new Promise<LuaValue[]>((resolve) => {
        const w: LockWaiter = { proc: p, resolve };
        queue.push(w);
        // A waiter that dies gives up its place; the promise then never settles (the thread is gone).
        p.dependents.push(() => { const i = queue.indexOf(w); if (i >= 0) queue.splice(i, 1); });
      }));
    },
  },
  {
    name: 'devunlock', args: ['device: string'], doc: 'Release a lock held by the calling process. Fails if another process holds it.',
    handler: (p, _t, name: string) => {
      const n = node(p, name);
      if (!n.lockedBy || !n.lockedBy.alive) return;
      if (n.lockedBy !== p) throw new SyscallError('Device is locked by another process');
      release(n, p);
    },
  },
  {
    name: 'attach', args: ['side: string', 'type: string', '...args: any'], returns: 'boolean, string?', root: true,
    doc: 'Attach an emulated peripheral at /<side>: modem (medium name[, {ender = true}]), computer (ID), monitor, printer, speaker or drive. Returns false and a message on failure.',
    handler: (p, _t, side: string, type: string, ...args: LuaValue[]) => {
      try { attachPeripheral(p.computer, side, type, args.map((a) => (a instanceof LuaTable ? a.record() : a))); return [true]; } catch (e) {
        if (e instanceof DeviceError) return [false, e.message];
        throw e;
      }
    },
  },
  {
    name: 'detach', args: ['side: string'], returns: 'boolean, string?', root: true, doc: 'Detach the peripheral at /<side>; false and a message if there is none.',
    handler: (p, _t, side: string) => {
      try { detachPeripheral(p.computer, side); return [true]; } catch (e) {
        if (e instanceof DeviceError) return [false, e.message];
        throw e;
      }
    },
  },
]);
