// A medium carries modem frames between the modems that joined it
// (reference/cc-reference.md §1.3): it decides who can hear a frame (range,
// cable, dimension), applies the link conditions and partitions, delivers a
// copy to each receiver on the World's clock and traces every copy.
// Subclasses only say whether and how far one modem is from another.
import type { Clock } from '../../kernel/clock.js';
import type { Rng } from '../../kernel/rng.js';
import type { LuaValue } from '../../kernel/vm/values.js';
import type { DeviceNode } from '../tree.js';
import { toJson } from '../payload.js';
import { LinkConditions, NO_CONDITIONS, Partition, planDelivery } from './conditions.js';
import { decodeRednet, DropCause, Trace, TraceRecord } from './trace.js';

export type Vec3 = [number, number, number];

/** Where a computer is: position in blocks and dimension. */
export interface Place { position: Vec3; dimension: string }

export interface Frame {
  id: number;
  channel: number;
  replyChannel: number;
  /** Already copied (devices/payload.ts); every receiver gets fresh Lua tables from it. */
  payload: LuaValue;
  from: Endpoint;
}

/** A modem joined to a medium. */
export interface Endpoint {
  readonly node: DeviceNode;
  readonly computerId: number;
  /** Ender modems: unlimited range, across dimensions. */
  readonly ender: boolean;
  /** Hand a frame to the modem; null when it was taken, or why it was dropped. */
  receive(frame: Frame, distance: number | undefined): DropCause | null;
  /** False once the computer is off: the endpoint stays joined until a new boot replaces it. */
  live(): boolean;
}

/** What a medium needs from the World's network. */
export interface MediumContext {
  readonly clock: Clock;
  readonly trace: Trace;
  place(computerId: number): Place;
  /** A partition covering every medium, if one is in force. */
  readonly partition: Partition | null;
  nextFrameId(): number;
}

export type Reach = { distance: number | undefined } | null;

export abstract class Medium {
  abstract readonly kind: 'wired' | 'wireless' | 'ender';
  readonly endpoints: Endpoint[] = [];
  conditions: LinkConditions = { ...NO_CONDITIONS };
  /** A partition of this medium only. */
  partition: Partition | null = null;
  /** Frames carried and copies dropped, for `cinder sim` summaries and benchmarks. */
  readonly stats = { frames: 0, delivered: 0, dropped: 0 };

  constructor(readonly name: string, protected readonly ctx: MediumContext, protected readonly rng: Rng) {}

  /** Whether `to` (standing at `b`) hears `from` (at `a`), and at what distance (undefined: across dimensions). */
  protected abstract reach(from: Endpoint, to: Endpoint, a: Place, b: Place): Reach;

  join(ep: Endpoint): void {
    // A rebooted computer's new modem replaces the old one on the same device path.
    for (let i = this.endpoints.length - 1; i >= 0; i--) {
      const e = this.endpoints[i];
      if (e.computerId === ep.computerId && e.node.path === ep.node.path) this.endpoints.splice(i, 1);
    }
    this.endpoints.push(ep);
  }

  leave(ep: Endpoint): void {
    const i = this.endpoints.indexOf(ep);
    if (i >= 0) this.endpoints.splice(i, 1);
  }

  connected(a: number, b: number): boolean {
    if (this.partition && !this.partition.connected(a, b)) return false;
    const g = this.ctx.partition;
    return !g || g.connected(a, b);
  }

  transmit(from: Endpoint, channel: number, replyChannel: number, payload: LuaValue): void {
    const frame: TracedFrame = { id: this.ctx.nextFrameId(), channel, replyChannel, payload, from, json: null };
    this.stats.frames++;
    let any = false;
    // With no link conditions a copy arrives inside this call (as in CC: Tweaked): no plan, no timer.
    const c = this.conditions;
    const instant = c.latency <= 0 && c.jitter <= 0 && c.loss <= 0 && c.duplicate <= 0 && c.reorder <= 0;
    const a = this.ctx.place(from.computerId);
    // Delivery only queues events (no Lua runs), so the endpoint list cannot change under this loop.
    const eps = this.endpoints;
    for (let k = 0, n = eps.length; k < n; k++) {
      const to = eps[k];
      if (to === from) continue; // a modem never hears itself (cc-reference.md §1.2)
      any = true;
      const reach = this.reach(from, to, a, this.ctx.place(to.computerId));
      if (!reach) { this.note(frame, to, 'out of range', undefined, false); continue; }
      const d = reach.distance;
      if (!this.connected(from.computerId, to.computerId)) { this.note(frame, to, 'partitioned', d, false); continue; }
      if (instant) { this.arrive(frame, to, d, false); continue; }
      const plan = planDelivery(c, this.rng);
      if (plan.drop) { this.note(frame, to, plan.drop, d, false); continue; }
      plan.delays.forEach((delay, i) => {
        if (delay <= 0 && i === 0) this.arrive(frame, to, d, false);
        else this.ctx.clock.setTimer(delay, () => this.arrive(frame, to, d, i > 0));
      });
    }
    if (!any) this.note(frame, null, 'no receivers', undefined, false);
  }

  private arrive(frame: TracedFrame, to: Endpoint, distance: number | undefined, duplicate: boolean): void {
    const cause = to.live() ? to.receive(frame, distance) : 'off';
    this.note(frame, to, cause, distance, duplicate);
  }

  /** Count one copy (cause null: delivered) and trace it when a trace is on. */
  private note(frame: TracedFrame, to: Endpoint | null, cause: DropCause | null, distance: number | undefined, duplicate: boolean): void {
    if (cause) this.stats.dropped++; else this.stats.delivered++;
    if (!this.ctx.trace.active) return;
    const json = (frame.json ??= { payload: toJson(frame.payload), rednet: decodeRednet(frame.payload) });
    const r: TraceRecord = {
      t: this.ctx.clock.now(), frame: frame.id, medium: this.name, from: frame.from.computerId, fromDevice: frame.from.node.path,
      to: to ? to.computerId : null, toDevice: to ? to.node.path : null, channel: frame.channel, replyChannel: frame.replyChannel,
      event: cause ? 'drop' : 'deliver',
    };
    if (cause) r.cause = cause;
    if (to) r.distance = distance ?? null;
    if (duplicate) r.duplicate = true;
    if (json.rednet) r.rednet = json.rednet;
    r.payload = json.payload;
    this.ctx.trace.record(r);
  }
}

/** A frame with its JSON rendering, made once for all its trace records. */
interface TracedFrame extends Frame { json: { payload: unknown; rednet: unknown } | null }

export function distance(a: Vec3, b: Vec3): number {
  const dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}
