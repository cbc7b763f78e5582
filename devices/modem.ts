// The modem driver (reference/phoenix.md §6.4 "Modem specifics",
// cc-reference.md §1.1–1.2). Channels are opened per owner — a process, or a
// kernel service such as rednet — on top of the modem-wide limit of 128 open
// channels. A frame reaches a process as `modem_message` only when the
// process opened that channel itself and listens to the modem (devlisten);
// kernel owners get it through `onFrame`.
import type { Process } from '../kernel/process.js';
import type { LuaValue } from '../kernel/vm/values.js';
import { DeviceError, DeviceNode, Driver } from './tree.js';
import { copyPayload } from './payload.js';
import type { Endpoint, Frame, Medium } from './media/medium.js';
import type { DropCause } from './media/trace.js';

export const MAX_OPEN_CHANNELS = 128;

/** A kernel-side channel owner (the rednet service, the network stack). */
export interface KernelOwner {
  onFrame(node: DeviceNode, frame: Frame, distance: number | undefined): void;
}

type Owner = Process | KernelOwner;

/** How a modem sends: into a medium, back to itself (loopback), or nowhere (not attached). */
export interface Transport {
  transmit(channel: number, replyChannel: number, payload: LuaValue): void;
  readonly wireless: boolean;
}

export class ModemState {
  /** channel → owners that opened it (insertion order: deterministic delivery). */
  readonly channels = new Map<number, Set<Owner>>();
  /** Processes whose cleanup is registered, so a dead process's channels close. */
  private readonly tracked = new WeakSet<Process>();
  transport: Transport | null = null;
  /** Frames dropped because a receiving process's event queue was full. */
  queueDrops = 0;

  constructor(readonly node: DeviceNode) {}

  get openCount(): number { return this.channels.size; }

  open(owner: Owner, ch: number): void {
    const set = this.channels.get(ch);
    if (set) { set.add(owner); return; }
    if (this.channels.size >= MAX_OPEN_CHANNELS) throw new DeviceError('Too many open channels');
    this.channels.set(ch, new Set([owner]));
    if (isProcess(owner) && !this.tracked.has(owner)) {
      this.tracked.add(owner);
      owner.dependents.push(() => this.closeAll(owner));
    }
  }

  isOpen(owner: Owner | null, ch: number): boolean {
    const set = this.channels.get(ch);
    return !!set && (owner === null || set.has(owner));
  }

  close(owner: Owner, ch: number): void {
    const set = this.channels.get(ch);
    if (!set) return;
    set.delete(owner);
    if (!set.size) this.channels.delete(ch);
  }

  closeAll(owner: Owner): void {
    for (const ch of [...this.channels.keys()]) this.close(owner, ch);
  }

  /** A frame arrived from the medium. */
  receive(frame: Frame, distance: number | undefined): DropCause | null {
    const node = this.node;
    if (node.removed) return 'off';
    const owners = this.channels.get(frame.channel);
    if (!owners) return 'channel closed';
    let params: Record<string, LuaValue> | null = null;
    let taken = 0, full = 0;
    // Owners only queue events or buffer messages here (no Lua runs), so the set is stable.
    for (const o of owners) {
      if (!isProcess(o)) { o.onFrame(node, frame, distance); taken++; continue; }
      if (!o.alive || !node.listeners.has(o) || !node.usableBy(o)) continue;
      if (!params) {
        params = { device: node.path, channel: frame.channel, replyChannel: frame.replyChannel, message: frame.payload };
        if (distance !== undefined) params.distance = distance;
      }
      if (o.eventQueue.length >= o.computer.limits.eventQueue) { full++; continue; }
      o.queueEvent('modem_message', params);
      taken++;
    }
    if (node.hooks.size) {
      const p: Record<string, LuaValue> = { device: node.path, channel: frame.channel, replyChannel: frame.replyChannel, message: frame.payload };
      if (distance !== undefined) p.distance = distance;
      for (const h of node.hooks) h('modem_message', p);
    }
    if (full) this.queueDrops += full;
    return full && !taken ? 'queue full' : null;
  }
}

function isProcess(o: Owner): o is Process {
  return typeof (o as Process).queueEvent === 'function';
}

export function modemState(node: DeviceNode): ModemState {
  let s = node.state.get('modem') as ModemState | undefined;
  if (!s) { s = new ModemState(node); node.state.set('modem', s); }
  return s;
}

/** Channel argument check with CC: Tweaked's messages. */
export function channelArg(v: LuaValue, argn: number): number {
  if (typeof v !== 'number') throw new DeviceError(`bad argument #${argn} (number expected, got ${v === undefined || v === null ? 'nil' : typeof v === 'object' ? 'table' : typeof v})`);
  if (!Number.isInteger(v) || v < 0 || v > 65535) throw new DeviceError('Expected number in range 0-65535');
  return v;
}

const owner = (node: DeviceNode, p: Process | null): Owner => p ?? kernelSink(node);

/** Calls made by the kernel with no owner of their own share one silent owner per modem. */
function kernelSink(node: DeviceNode): KernelOwner {
  let k = node.state.get('modem.kernel') as KernelOwner | undefined;
  if (!k) { k = { onFrame: () => {} }; node.state.set('modem.kernel', k); }
  return k;
}

function makeDriver(name: string): Driver {
  return {
    name, type: 'modem',
    properties: ['remainingChannels'],
    // Leaving the medium when the node goes (detach), so nothing is delivered to a removed modem.
    deinit: (node) => {
      const t = modemState(node).transport;
      if (t instanceof ModemEndpoint) t.medium.leave(t);
      modemState(node).transport = null;
    },
    methods: {
      open: (node, p, ch) => { modemState(node).open(owner(node, p), channelArg(ch, 1)); },
      isOpen: (node, p, ch) => [modemState(node).isOpen(p ? p : null, channelArg(ch, 1))],
      close: (node, p, ch) => { modemState(node).close(owner(node, p), channelArg(ch, 1)); },
      closeAll: (node, p) => { modemState(node).closeAll(owner(node, p)); },
      transmit: (node, _p, ch, reply, payload) => {
        const c = channelArg(ch, 1);
        const r = reply === undefined || reply === null ? c : channelArg(reply, 2);
        const copy = copyPayload(payload);
        modemState(node).transport?.transmit(c, r, copy);
      },
      getRemainingChannels: (node) => [MAX_OPEN_CHANNELS - modemState(node).openCount],
      isWireless: (node) => [!!modemState(node).transport?.wireless],
    },
  };
}

/** A modem peripheral on a side, joined to a medium. */
export const modemDriver = makeDriver('peripheral_modem');
/** The loopback modem /lo. */
export const loopbackDriver = makeDriver('loopback_modem');

/** The endpoint a modem presents to its medium. */
export class ModemEndpoint implements Endpoint, Transport {
  readonly computerId: number;
  constructor(readonly node: DeviceNode, readonly medium: Medium, readonly ender = false) {
    this.computerId = node.computer.id;
  }
  get wireless(): boolean { return this.medium.kind !== 'wired'; }
  receive(frame: Frame, distance: number | undefined): DropCause | null { return modemState(this.node).receive(frame, distance); }
  live(): boolean { return !this.node.computer.halted && !this.node.removed; }
  transmit(channel: number, replyChannel: number, payload: LuaValue): void {
    if (this.node.computer.halted) return;
    this.medium.transmit(this, channel, replyChannel, payload);
  }
}

/** Join a modem node to a medium. */
export function connectModem(node: DeviceNode, medium: Medium, ender = false): ModemEndpoint {
  const ep = new ModemEndpoint(node, medium, ender);
  modemState(node).transport = ep;
  medium.join(ep);
  return ep;
}
