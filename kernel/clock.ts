// Time for kernels, devices and the network. Nothing below bin/ reads the wall
// clock directly: RealClock serves `cinder boot`/`run`, VirtualClock serves
// simulations and tests, jumping to the next timer when nothing is runnable.

export interface Clock {
  /** Milliseconds since the clock started. */
  now(): number;
  /** Milliseconds since the Unix epoch (for os.epoch, file times). */
  epoch(): number;
  /** Run `cb` once `delayMs` from now; returns an id for cancelTimer. */
  setTimer(delayMs: number, cb: () => void): number;
  cancelTimer(id: number): boolean;
  /** Fire every timer that is due; returns how many fired. */
  fireDue(): number;
  /** Time of the earliest pending timer, or null. */
  nextDue(): number | null;
  readonly virtual: boolean;
  /** Virtual clocks only: jump to the next timer. Returns false when none is pending. */
  advance(): boolean;
  /** A monotonic reading for CPU-time accounting only (never affects scheduling). */
  cpuNow(): number;
}

interface Timer { id: number; at: number; seq: number; cb: () => void }

/** Timers in a binary heap ordered by (due time, creation order), so ties fire deterministically. */
abstract class TimerClock implements Clock {
  private heap: Timer[] = [];
  private live = new Map<number, Timer>();
  private nextId = 1;
  private seq = 0;
  abstract now(): number;
  abstract epoch(): number;
  abstract readonly virtual: boolean;
  abstract advance(): boolean;
  cpuNow(): number { return performance.now(); }

  setTimer(delayMs: number, cb: () => void): number {
    const t: Timer = { id: this.nextId++, at: this.now() + Math.max(0, delayMs), seq: this.seq++, cb };
    this.live.set(t.id, t);
    this.push(t);
    return t.id;
  }
  cancelTimer(id: number): boolean { return this.live.delete(id); }
  nextDue(): number | null {
    this.dropCancelled();
    return this.heap.length ? this.heap[0].at : null;
  }
  fireDue(): number {
    let n = 0;
    const now = this.now();
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (!top || top.at > now) return n;
      this.pop();
      this.live.delete(top.id);
      n++;
      top.cb();
    }
  }
  private dropCancelled(): void {
    while (this.heap.length && !this.live.has(this.heap[0].id)) this.pop();
  }
  private less(a: Timer, b: Timer): boolean { return a.at < b.at || (a.at === b.at && a.seq < b.seq); }
  private push(t: Timer): void {
    const h = this.heap; h.push(t);
    let i = h.length - 1;
    while (i > 0) { const p = (i - 1) >> 1; if (!this.less(h[i], h[p])) break; [h[i], h[p]] = [h[p], h[i]]; i = p; }
  }
  private pop(): Timer | undefined {
    const h = this.heap; const top = h[0]; const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1; let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]]; i = m;
      }
    }
    return top;
  }
}

export class RealClock extends TimerClock {
  readonly virtual = false;
  private readonly start = performance.now();
  private readonly startEpoch = Date.now();
  now(): number { return performance.now() - this.start; }
  epoch(): number { return this.startEpoch + this.now(); }
  advance(): boolean { return false; }
}

export class VirtualClock extends TimerClock {
  readonly virtual = true;
  private t = 0;
  /** `startEpoch` fixes what os.epoch() reports at time 0, so runs are reproducible. */
  constructor(private readonly startEpoch = Date.UTC(2026, 0, 1)) { super(); }
  now(): number { return this.t; }
  epoch(): number { return this.startEpoch + this.t; }
  advance(): boolean {
    const next = this.nextDue();
    if (next === null) return false;
    if (next > this.t) this.t = next;
    return true;
  }
  /** Move time forward by `ms` (tests and fault schedules). */
  sleep(ms: number): void { this.t += Math.max(0, ms); }
}
