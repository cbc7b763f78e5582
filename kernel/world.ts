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

type AddOptions = Omit<ComputerOptions, 'clock' | 'rng' | 'dataDir'> & { dataDir?: string };

export type RunResult = 'done' | 'idle' | 'timeout';

/** Virtual time a pass costs when some thread used its whole time slice: CPU-bound programs
 * move a virtual clock forward too (computers run side by side, so it is charged once per pass). */
export const VIRTUAL_SLICE_MS = 1;

/** Passes between returns to the host event loop, so host I/O keeps flowing. */
const PASSES_PER_HOST_TURN = 16;

export class World {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly computers = new Map<number, Computer>();
  readonly dataDir: string;
  private wakeResolve: (() => void) | null = null;
  private woken = false;
  /** Computers that may have work: woken (an event, a settled syscall, a new thread) since a pass
   * last left them with nothing to run. A pass steps only these — in `computers` order, so runs
   * replay — which keeps passes cheap when a few of many computers are busy. */
  private readonly ready = new Set<Computer>();
  /** Computers with a thread parked in a syscall after their last step. */
  private readonly parked = new Set<Computer>();
  /** The computer a pass is stepping right now. */
  private stepping: Computer | null = null;
  /** How each computer was added, so it can be booted again (reboot, turnOn). */
  private readonly specs = new Map<number, AddOptions>();
  private readonly bootHooks: Array<(c: Computer) => void> = [];
  private readonly bootedHooks: Array<(c: Computer) => void> = [];
  private static readonly owners = new WeakMap<Computer, World>();

  /** The World a computer belongs to (drivers reach other computers and the network through it). */
  static of(c: Computer): World | undefined { return World.owners.get(c); }

  constructor(opts: WorldOptions) {
    this.dataDir = opts.dataDir;
    this.rng = new Rng(opts.seed ?? 0);
    const c = opts.clock ?? 'virtual';
    this.clock = typeof c === 'object' ? c : c === 'real' ? new RealClock() : new VirtualClock();
  }

  /** Create and boot a computer. */
  addComputer(opts: AddOptions): Computer {
    if (this.computers.has(opts.id)) throw new Error(`computer ${opts.id} already exists`);
    this.specs.set(opts.id, opts);
    return this.start(opts);
  }

  private start(opts: AddOptions): Computer {
    let self: Computer | null = null;
    const computer = new Computer({
      ...opts,
      dataDir: opts.dataDir ?? this.dataDir,
      clock: this.clock,
      rng: this.rng.fork(),
      // A replaced computer (rebooted: a new object has its ID) may still wake; it is never stepped again.
      // A wake from inside the computer's own step (it queued itself an event, a request took an I/O hold)
      // needs nothing: the pass checks that computer's state as soon as the step returns.
      onWake: () => {
        if (self === this.stepping) return;
        if (self && this.computers.get(self.id) === self) this.ready.add(self);
        this.wake();
      },
    });
    self = computer;
    const old = this.computers.get(opts.id);
    if (old) { this.ready.delete(old); this.parked.delete(old); }
    this.ready.add(computer);
    World.owners.set(computer, this);
    this.computers.set(opts.id, computer);
    for (const fn of this.bootHooks) fn(computer);
    computer.boot();
    for (const fn of this.bootedHooks) fn(computer);
    return computer;
  }

  /** Run `fn` for every computer created from now on, right after it booted (start its programs). */
  onBooted(fn: (c: Computer) => void): () => void {
    this.bootedHooks.push(fn);
    return () => { const i = this.bootedHooks.indexOf(fn); if (i >= 0) this.bootedHooks.splice(i, 1); };
  }

  /** Run `fn` for every computer created from now on, before it boots (attach its hardware). */
  onBoot(fn: (c: Computer) => void): () => void {
    this.bootHooks.push(fn);
    return () => { const i = this.bootHooks.indexOf(fn); if (i >= 0) this.bootHooks.splice(i, 1); };
  }

  /** Boot computer `id` again as a new Computer (same ID, label and files): reboot, or turn on a halted one. */
  restart(id: number): Computer {
    const spec = this.specs.get(id);
    if (!spec) throw new Error(`no computer ${id}`);
    const old = this.computers.get(id);
    if (old && !old.halted) old.shutdown('reboot');
    return this.start({ ...spec, label: old?.label ?? spec.label });
  }

  /** Forget a halted computer (reboot creates it again with the same ID). */
  removeComputer(id: number): void {
    const c = this.computers.get(id);
    if (c && !c.halted) c.shutdown();
    if (c) { this.ready.delete(c); this.parked.delete(c); }
    this.computers.delete(id);
  }

  wake(): void {
    this.woken = true;
    const r = this.wakeResolve;
    if (r) { this.wakeResolve = null; r(); }
  }

  private waitForWake(ms?: number): Promise<void> {
    if (this.woken) { this.woken = false; return Promise.resolve(); }
    if (ms !== undefined) this.armHostTimer(Math.max(0, ms));
    return new Promise((resolve) => { this.wakeResolve = resolve; });
  }

  // One host timer wakes the World when the clock's next timer is due. It stays armed
  // across waits (a wait for host I/O usually ends long before it) and is re-armed only
  // when an earlier wake is needed: a Node timer per wait cost microseconds per request.
  // One that fires early only makes an extra pass.
  private hostTimer: NodeJS.Timeout | null = null;
  private hostTimerAt = Infinity;

  private armHostTimer(ms: number): void {
    const at = this.clock.now() + ms;
    if (this.hostTimer && this.hostTimerAt <= at) return;
    if (this.hostTimer) clearTimeout(this.hostTimer);
    this.hostTimerAt = at;
    this.hostTimer = setTimeout(() => { this.hostTimer = null; this.hostTimerAt = Infinity; this.wake(); }, ms);
  }

  private disarmHostTimer(): void {
    if (this.hostTimer) clearTimeout(this.hostTimer);
    this.hostTimer = null;
    this.hostTimerAt = Infinity;
  }

  private count(field: 'pendingAsync' | 'hostIO'): number {
    let n = 0;
    for (const c of this.computers.values()) n += c[field];
    return n;
  }

  private anyRunnable(): boolean {
    let any = false;
    for (const c of this.computers.values()) if (c.runnable()) { this.ready.add(c); any = true; }
    return any;
  }

  /** Some thread waits in a syscall (its result may be settling in a promise callback right now).
   * Threads park only while their computer is stepped, and leave by a wake (which steps it again),
   * so the set kept after each step is current. */
  private anyParked(): boolean {
    for (const c of this.parked) if (c.halted || this.computers.get(c.id) !== c) this.parked.delete(c);
    return this.parked.size > 0;
  }

  async run(opts: RunOptions = {}): Promise<RunResult> {
    try {
      return await this.loop(opts);
    } finally {
      this.disarmHostTimer(); // a returned run must not keep the host process alive
    }
  }

  private async loop(opts: RunOptions): Promise<RunResult> {
    const clock = this.clock;
    const deadline = opts.forMs !== undefined ? clock.now() + opts.forMs : Infinity;
    let passes = 0;
    let settled = false;
    for (;;) {
      clock.fireDue();
      if (opts.until?.()) return 'done';
      if (clock.now() >= deadline) return 'timeout';
      this.woken = false;
      let ran = false;
      let busy = false;
      for (const c of this.computers.values()) {
        if (!this.ready.has(c)) continue;
        this.ready.delete(c);
        this.stepping = c;
        try {
          if (c.step()) ran = true;
        } finally {
          this.stepping = null;
        }
        if (c.scheduler.preemptions > 0) busy = true;
        if (c.runnable()) this.ready.add(c);
        if (hasParked(c)) this.parked.add(c); else this.parked.delete(c);
      }
      if (busy && clock.virtual) (clock as VirtualClock).sleep(VIRTUAL_SLICE_MS);
      if (opts.until?.()) return 'done';
      if (ran || this.ready.size > 0) {
        settled = false;
        if (++passes % PASSES_PER_HOST_TURN === 0) await yieldToHost();
        continue;
      }
      // Parked syscalls may be settling already (a pipe with data, a lock just freed): let them.
      // Without any, nothing can have changed since the pass, so go straight to waiting.
      if (!settled && this.anyParked()) { settled = true; await yieldToHost(); continue; }
      settled = false;
      const next = clock.nextDue();
      // Before giving up as idle, make sure no computer became runnable without waking the World.
      if (next === null && this.anyRunnable()) continue;
      const active = this.count('pendingAsync');   // host work that finishes by itself
      const passive = this.count('hostIO');        // open sockets and servers: input may come
      if (clock.virtual && active === 0 && !opts.keepAlive) {
        if (next !== null) {
          if (next > deadline) { (clock as VirtualClock).sleep(deadline - clock.now()); return 'timeout'; }
          clock.advance();
          continue;
        }
        if (passive === 0) return 'idle';
      }
      if (!clock.virtual && next === null && active === 0 && passive === 0 && !opts.keepAlive) return 'idle';
      const wait = clock.virtual ? undefined : Math.min(next ?? Infinity, deadline) - clock.now();
      await this.waitForWake(wait === undefined || wait === Infinity ? undefined : wait);
    }
  }

  /** Shut every computer down (syncs filesystems). */
  shutdown(): void {
    for (const c of this.computers.values()) c.shutdown();
  }
}

function hasParked(c: Computer): boolean {
  for (const p of c.processes.values()) for (const t of p.threads.values()) if (t.status === 'syscall') return true;
  return false;
}
