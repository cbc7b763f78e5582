// A World owns computers, one Clock and one seeded RNG, and runs them all.
// On a VirtualClock, idle time is skipped: when no thread can run and no host
// I/O is pending, the clock jumps to the next timer.
import { setImmediate as yieldToHost } from 'node:timers/promises';
import { Computer, ComputerOptions } from './computer.js';
import { Clock, RealClock, VirtualClock } from './clock.js';
import { Rng } from './rng.js';

export interface WorldOptions {
  dataDir: string;
  seed?: number;
  /** 'virtual' (default for tests and sims) or 'real' (boot, run), or a clock instance. */
  clock?: 'real' | 'virtual' | Clock;
}

export interface RunOptions {
  /** Stop when this returns true (checked after every pass). */
  until?: () => boolean;
  /** Stop after this much clock time (ms). */
  forMs?: number;
  /** Keep waiting when idle (interactive use: input may still arrive from the host). */
  keepAlive?: boolean;
}

export type RunResult = 'done' | 'idle' | 'timeout';

/** Passes between returns to the host event loop, so host I/O keeps flowing. */
const PASSES_PER_HOST_TURN = 16;

export class World {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly computers = new Map<number, Computer>();
  readonly dataDir: string;
  private wakeResolve: (() => void) | null = null;
  private woken = false;

  constructor(opts: WorldOptions) {
    this.dataDir = opts.dataDir;
    this.rng = new Rng(opts.seed ?? 0);
    const c = opts.clock ?? 'virtual';
    this.clock = typeof c === 'object' ? c : c === 'real' ? new RealClock() : new VirtualClock();
  }

  /** Create and boot a computer. */
  addComputer(opts: Omit<ComputerOptions, 'clock' | 'rng' | 'dataDir'> & { dataDir?: string }): Computer {
    if (this.computers.has(opts.id)) throw new Error(`computer ${opts.id} already exists`);
    const computer = new Computer({
      ...opts,
      dataDir: opts.dataDir ?? this.dataDir,
      clock: this.clock,
      rng: this.rng.fork(),
      onWake: () => this.wake(),
    });
    this.computers.set(opts.id, computer);
    computer.boot();
    return computer;
  }

  wake(): void {
    this.woken = true;
    const r = this.wakeResolve;
    if (r) { this.wakeResolve = null; r(); }
  }

  private waitForWake(ms?: number): Promise<void> {
    if (this.woken) { this.woken = false; return Promise.resolve(); }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.wakeResolve = () => { if (timer) clearTimeout(timer); resolve(); };
      if (ms !== undefined) timer = setTimeout(() => { this.wakeResolve = null; resolve(); }, Math.max(0, ms));
    });
  }

  private pendingAsync(): number {
    let n = 0;
    for (const c of this.computers.values()) n += c.pendingAsync;
    return n;
  }

  private anyRunnable(): boolean {
    for (const c of this.computers.values()) if (c.runnable()) return true;
    return false;
  }

  async run(opts: RunOptions = {}): Promise<RunResult> {
    const clock = this.clock;
    const deadline = opts.forMs !== undefined ? clock.now() + opts.forMs : Infinity;
    let passes = 0;
    for (;;) {
      clock.fireDue();
      if (opts.until?.()) return 'done';
      if (clock.now() >= deadline) return 'timeout';
      this.woken = false;
      let ran = false;
      for (const c of this.computers.values()) if (c.step()) ran = true;
      if (opts.until?.()) return 'done';
      if (ran || this.anyRunnable()) {
        if (++passes % PASSES_PER_HOST_TURN === 0) await yieldToHost();
        continue;
      }
      const next = clock.nextDue();
      if (clock.virtual && this.pendingAsync() === 0 && !opts.keepAlive) {
        if (next === null) return 'idle';
        if (next > deadline) { (clock as VirtualClock).sleep(deadline - clock.now()); return 'timeout'; }
        clock.advance();
        continue;
      }
      if (!clock.virtual && next === null && this.pendingAsync() === 0 && !opts.keepAlive) return 'idle';
      const until = clock.virtual ? undefined : Math.min(next ?? Infinity, deadline) - clock.now();
      await this.waitForWake(until === undefined || until === Infinity ? undefined : until);
    }
  }

  /** Shut every computer down (syncs filesystems). */
  shutdown(): void {
    for (const c of this.computers.values()) c.shutdown();
  }
}
