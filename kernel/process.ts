// Process and thread records (reference/phoenix.md §1.3). Behaviour lives in
// the scheduler and the syscall modules; these are the shared data shapes.
import type { LuaRef, LuaState } from './vm/lua.js';
import type { LuaValue } from './vm/values.js';
import type { Computer } from './computer.js';
import type { Stdio } from './stdio.js';
import type { Rng } from './rng.js';

export interface KernelEvent {
  name: string;
  /** Parameters; pushed as a fresh table for every receiving thread. */
  params: LuaValue;
}

export type ThreadStatus = 'ready' | 'event' | 'syscall' | 'dead';

/** Pushes the values a parked thread is resumed with; returns how many. */
export type ResumeValues = (T: LuaState) => number;

export class Thread {
  status: ThreadStatus = 'ready';
  /** Values to resume with on the next run (ready threads). */
  resume: ResumeValues | null = null;
  /** Set by the preemption hook so the scheduler can tell a time-slice yield from an event wait. */
  preempted = false;
  /** Consecutive hook ticks where the thread could not yield (inside a sort comparator...). */
  stuckTicks = 0;
  /** Parked on host I/O (counted in computer.pendingAsync). */
  hostWait = false;
  /** Bumped whenever the thread is resumed, so stale async results are ignored. */
  generation = 0;
  constructor(
    readonly process: Process,
    readonly id: number,
    readonly name: string,
    readonly L: LuaState,
  ) {}
}

export interface Completion {
  /** Exit code: 0 normal, exit(n), 1 uncaught error, the signal number for a signal kill. */
  code: number;
  values: LuaValue[];
  error?: string;
  traceback?: string;
  thread: number;
  signal?: number;
}

export class Process {
  name: string;
  user: string;
  realuser: string | undefined;
  dir = '/';
  root = '/';
  stdin: Stdio | null = null;
  stdout: Stdio | null = null;
  stderr: Stdio | null = null;
  /** Environment variables (`vars`), a Lua table shared with getenv(). */
  vars!: LuaRef;
  /** The Lua global table of the process. */
  env!: LuaRef;
  readonly eventQueue: KernelEvent[] = [];
  readonly signalHandlers = new Map<number, LuaRef>();
  readonly threads = new Map<number, Thread>();
  nextThreadId = 0;
  cputime = 0;
  systime = 0;
  nice = 0;
  quantum: number;
  paused = false;
  /** Per-process metatables for non-table types (string, number, ...), swapped in on every resume. */
  readonly typeMetatables: unknown[] = [];
  readonly atexit: LuaRef[] = [];
  /** Cleanup callbacks run when the process is reaped (release locks, listeners, handles). */
  readonly dependents: Array<() => void> = [];
  completion: Completion | null = null;
  readonly startTime: number;
  allowDebug = true;
  /** Per-process random numbers (math.random), derived from the computer's seeded generator. */
  rng!: Rng;

  constructor(
    readonly computer: Computer,
    readonly id: number,
    readonly parent: number | null,
    name: string,
    user: string,
    quantum: number,
  ) {
    this.name = name;
    this.user = user;
    this.quantum = quantum;
    this.startTime = computer.clock.now();
  }

  get alive(): boolean { return this.completion === null; }
  get isRoot(): boolean { return this.user === 'root'; }

  /** Queue an event for the process (FIFO). */
  queueEvent(name: string, params: LuaValue): void {
    if (!this.alive) return;
    if (this.eventQueue.length >= this.computer.limits.eventQueue) this.eventQueue.shift();
    this.eventQueue.push({ name, params });
    this.computer.wake();
  }
}
