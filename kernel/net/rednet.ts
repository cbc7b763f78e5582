// Rednet in the kernel (reference/phoenix.md §3.5.3, §3.11; cc-reference.md
// §2): one service per computer owns the rednet channels on its modems
// (`id % 65500` and 65535, opened when the first handle uses a modem, closed
// with the last), sends CraftOS-format envelopes (also on the repeat channel
// 65533), drops duplicates for 9.5 s and hands accepted messages to every
// matching handle. Receiving works, unlike Phoenix 0.0.9 (§3.5.3 note).
import type { Computer } from '../computer.js';
import type { Process } from '../process.js';
import { LuaTable, type LuaValue } from '../vm/values.js';
import { devicesOf, DeviceError, type DeviceNode } from '../../devices/index.js';
import { modemState, type KernelOwner } from '../../devices/modem.js';
import type { Frame } from '../../devices/media/medium.js';
import { copyPayload } from '../../devices/payload.js';

export const CHANNEL_BROADCAST = 65535;
export const CHANNEL_REPEAT = 65533;
export const MAX_ID_CHANNELS = 65500;
/** 255.255.255.255: broadcast when sending, any sender when receiving. */
export const ANY_HOST = 0xffffffff;
/** How long a message ID is remembered (CraftOS: 9.5 s), and how often the table is pruned. */
export const DEDUP_MS = 9500;
export const PRUNE_MS = 10000;
/** Messages kept per handle before the oldest is dropped. */
export const HANDLE_QUEUE_LIMIT = 4096;

export interface RednetMessage { message: LuaValue; sender: number; protocol: string | undefined; distance: number | undefined }

/** The kernel side of one rednet handle. */
export class RednetLink {
  readonly queue: RednetMessage[] = [];
  closed = false;
  constructor(
    readonly service: RednetService,
    readonly id: number,
    public owner: Process,
    /** Target computer ID, or ANY_HOST. */
    readonly target: number,
    readonly protocol: string | undefined,
    readonly devices: DeviceNode[],
  ) {}

  /** Send each value as one message (not stringified). */
  send(values: LuaValue[]): void {
    if (this.closed) throw new DeviceError('attempt to write to a closed handle');
    for (const v of values) this.service.send(this, v);
  }

  close(): void {
    if (this.closed) throw new DeviceError('attempt to close a closed handle');
    this.service.release(this);
  }
}

export class RednetService implements KernelOwner {
  private readonly links = new Set<RednetLink>();
  private readonly uses = new Map<DeviceNode, number>();
  /** message ID → time it may be forgotten */
  private readonly seen = new Map<number, number>();
  private pruneTimer: number | null = null;
  readonly stats = { sent: 0, received: 0, duplicates: 0 };

  constructor(readonly computer: Computer) {}

  get channel(): number { return this.computer.id % MAX_ID_CHANNELS; }

  /** Open a handle: the modems named by `device` (every match) or all modems, including /lo. */
  open(owner: Process, id: number, target: number, protocol: string | undefined, device?: string): RednetLink {
    const tree = devicesOf(this.computer);
    let nodes: DeviceNode[];
    if (device !== undefined) {
      nodes = tree.lookup(device);
      if (!nodes.length) throw new DeviceError('Could not find a modem');
      if (nodes.some((n) => !n.hasType('modem'))) throw new DeviceError('Not a modem');
    } else {
      nodes = tree.find('modem');
      if (!nodes.length) throw new DeviceError('Could not find a modem');
    }
    const opened: DeviceNode[] = [];
    try {
      for (const n of nodes) { this.use(n); opened.push(n); }
    } catch (e) {
      for (const n of opened) this.unuse(n);
      throw e;
    }
    const link = new RednetLink(this, id, owner, target, protocol, nodes);
    this.links.add(link);
    owner.dependents.push(() => { if (!link.closed) this.release(link); });
    return link;
  }

  release(link: RednetLink): void {
    if (link.closed) return;
    link.closed = true;
    link.queue.length = 0;
    this.links.delete(link);
    for (const n of link.devices) this.unuse(n);
  }

  private use(n: DeviceNode): void {
    const count = this.uses.get(n) ?? 0;
    if (count === 0) {
      const m = modemState(n);
      const had = m.isOpen(this, this.channel);
      m.open(this, this.channel);
      try { m.open(this, CHANNEL_BROADCAST); } catch (e) { if (!had) m.close(this, this.channel); throw e; }
    }
    this.uses.set(n, count + 1);
  }

  private unuse(n: DeviceNode): void {
    const count = (this.uses.get(n) ?? 1) - 1;
    if (count > 0) { this.uses.set(n, count); return; }
    this.uses.delete(n);
    const m = modemState(n);
    m.close(this, this.channel);
    m.close(this, CHANNEL_BROADCAST);
  }

  private remember(id: number): void {
    const c = this.computer;
    this.seen.set(id, c.clock.now() + DEDUP_MS);
    if (this.pruneTimer === null) this.pruneTimer = c.clock.setTimer(PRUNE_MS, () => this.prune());
  }

  /** Drop expired IDs; re-arm only while entries remain (as CraftOS's rednet.run does). */
  private prune(): void {
    this.pruneTimer = null;
    const now = this.computer.clock.now();
    for (const [id, until] of this.seen) if (until <= now) this.seen.delete(id);
    if (this.seen.size) this.pruneTimer = this.computer.clock.setTimer(PRUNE_MS, () => this.prune());
  }

  get seenCount(): number { return this.seen.size; }

  send(link: RednetLink, value: LuaValue): void {
    const c = this.computer;
    const message = copyPayload(value); // a clear error for a function, before anything is sent
    const me = c.id;
    const msgId = c.rng.int(1, 0x7fffffff);
    this.remember(msgId);
    this.stats.sent++;
    const broadcast = link.target === ANY_HOST || link.target === CHANNEL_BROADCAST;
    const recipient = broadcast ? CHANNEL_BROADCAST : link.target;
    const envelope = new LuaTable();
    envelope.set('nMessageID', msgId);
    envelope.set('nRecipient', recipient);
    envelope.set('nSender', me);
    envelope.set('message', message);
    envelope.set('sProtocol', link.protocol);
    if (!broadcast && link.target === me) {
      // Self-send: the payload is delivered here, no modem involved (cc-reference.md §2.7).
      this.deliver({ message, sender: me, protocol: link.protocol, distance: 0 }, null);
      return;
    }
    const channel = broadcast ? CHANNEL_BROADCAST : recipient % MAX_ID_CHANNELS;
    // The envelope holds an already-copied message and is never changed afterwards, so every
    // transmit can share it (receivers get fresh Lua tables); the driver's copy is skipped.
    for (const n of link.devices) {
      if (n.removed) continue;
      const t = modemState(n).transport;
      if (!t) continue;
      t.transmit(channel, this.channel, envelope);
      t.transmit(CHANNEL_REPEAT, this.channel, envelope);
    }
  }

  /** A frame on one of our channels (cc-reference.md §2.4 acceptance rules). */
  onFrame(node: DeviceNode, frame: Frame, distance: number | undefined): void {
    if (frame.channel !== this.channel && frame.channel !== CHANNEL_BROADCAST) return;
    const env = frame.payload;
    if (!(env instanceof LuaTable)) return;
    const id = env.get('nMessageID');
    if (typeof id !== 'number' || Number.isNaN(id)) return;
    if (this.seen.has(id)) { this.stats.duplicates++; return; }
    const sender = env.get('nSender');
    if (sender !== undefined && (typeof sender !== 'number' || Number.isNaN(sender))) return;
    if (env.get('nRecipient') !== this.computer.id && frame.channel !== CHANNEL_BROADCAST) return;
    this.remember(id);
    this.stats.received++;
    const proto = env.get('sProtocol');
    this.deliver({
      message: env.get('message'), sender: typeof sender === 'number' ? sender : frame.replyChannel,
      protocol: typeof proto === 'string' ? proto : undefined, distance,
    }, node);
  }

  /** Queue a message on every matching open handle and tell its owner. */
  private deliver(msg: RednetMessage, node: DeviceNode | null): void {
    for (const link of this.links) {
      if (link.closed || !link.owner.alive) continue;
      if (link.target !== ANY_HOST && link.target !== msg.sender) continue;
      if (link.protocol !== undefined && link.protocol !== msg.protocol) continue;
      if (node && !link.devices.includes(node)) continue;
      if (link.queue.length >= HANDLE_QUEUE_LIMIT) link.queue.shift();
      link.queue.push(msg);
      link.owner.queueEvent('handle_data_ready', { id: link.id });
    }
  }
}

const services = new WeakMap<Computer, RednetService>();

export function rednetOf(c: Computer): RednetService {
  let s = services.get(c);
  if (!s) { s = new RednetService(c); services.set(c, s); }
  return s;
}

/** The numeric value of a dotted-quad host (`0.0.2.56` is 568), or null. */
export function hostToId(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] * 256 + parts[1]) * 256 + parts[2]) * 256 + parts[3];
}
