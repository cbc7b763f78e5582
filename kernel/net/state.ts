// Per-computer network state: the address policy, the scheme registry, the
// HTTP request slots and the host-I/O accounting the World uses to decide
// whether the computer is idle.
import type { Computer } from '../computer.js';
import { loadPolicy, NetPolicy } from './policy.js';
import { SchemeRegistry, builtinSchemes } from './schemes.js';

/** Host I/O the World must wait for: 'active' work finishes by itself (a request, a handshake) and freezes
 * a virtual clock; 'passive' work (an open socket, a listening server) only keeps the World from idling. */
export type IoKind = 'active' | 'passive';

export class IoHold {
  private kind: IoKind | null = null;
  constructor(private readonly c: Computer, kind: IoKind | null) { this.set(kind); }
  set(kind: IoKind | null): void {
    if (kind === this.kind) return;
    if (this.kind === 'active') this.c.pendingAsync--;
    if (this.kind === 'passive') this.c.hostIO--;
    this.kind = kind;
    if (kind === 'active') this.c.pendingAsync++;
    if (kind === 'passive') this.c.hostIO++;
    this.c.wake();
  }
  release(): void { this.set(null); }
}

/** A slot limit with a waiting queue (16 requests in flight, 512 waiting). */
export class Slots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: () => number, private readonly maxWaiting: () => number) {}
  /** Run `start` now or when a slot frees; false when the queue is full. */
  acquire(start: () => void): boolean {
    const lim = this.limit();
    if (lim <= 0 || this.running < lim) { this.running++; start(); return true; }
    if (this.waiting.length >= this.maxWaiting()) return false;
    this.waiting.push(start);
    return true;
  }
  /** Forget a start that has not run yet. */
  cancel(start: () => void): void {
    const i = this.waiting.indexOf(start);
    if (i >= 0) this.waiting.splice(i, 1);
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) { queueMicrotask(next); return; }
    this.running = Math.max(0, this.running - 1);
  }
  get inFlight(): number { return this.running; }
}

export class NetState {
  policy: NetPolicy;
  readonly schemes: SchemeRegistry;
  readonly requests: Slots;
  constructor(readonly computer: Computer) {
    this.policy = loadPolicy(computer.dataDir);
    this.schemes = new SchemeRegistry(builtinSchemes());
    this.requests = new Slots(() => this.policy.maxRequests, () => this.policy.maxPending);
  }
}

const states = new WeakMap<Computer, NetState>();

export function netState(c: Computer): NetState {
  let s = states.get(c);
  if (!s) { s = new NetState(c); states.set(c, s); }
  return s;
}

/** The computer's address policy (tests and `cinder run --allow-local` change it). */
export function netPolicy(c: Computer): NetPolicy {
  return netState(c).policy;
}
