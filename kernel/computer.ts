// One computer: a fengari state, its process table, event routing, VFS and
// the World's Clock. Boot creates PID 0 (the kernel) and PID 1 (init).
import { lauxlib, lua, LuaRef, LuaState, refAt, stringAt } from './vm/lua.js';
import { fromLua, LuaTable, LuaValue, pushLua } from './vm/values.js';
import { LuaRuntime } from './luaenv.js';
import { Scheduler } from './scheduler.js';
import { Lifecycle, SpawnOptions } from './lifecycle.js';
import { Process } from './process.js';
import { SyscallError, type Syscall } from '../syscalls/types.js';
import { allSyscalls } from '../syscalls/index.js';
import { createComputerVfs } from './fs/index.js';
import type { Vfs } from './fs/vfs.js';
import { normalize, resolve, underRoot } from './fs/path.js';
import type { Clock } from './clock.js';
import { Rng } from './rng.js';
import type { Stdio } from './stdio.js';
import { projectPath } from './paths.js';
import { SyslogService } from './syslog.js';
import { Consoles } from './tty/consoles.js';
import type { Tty } from './tty/tty.js';

export { CINDER_VERSION, PHOENIX_VERSION } from './version.js';

export interface Limits {
  /** Events kept per process queue; the oldest is dropped past this. */
  eventQueue: number;
}

export interface ComputerOptions {
  id: number;
  label?: string;
  dataDir: string;
  clock: Clock;
  rng: Rng;
  /** Kernel arguments (reference/phoenix.md §1.2), e.g. {init: '/rom/sbin/init.lua', quantum: '20000'}. */
  kernargs?: Record<string, string>;
  /** Console output for PID 0/1 and processes without their own stdio. */
  console?: Stdio | null;
  consoleIn?: Stdio | null;
  onWake?: () => void;
  /** Terminal size of the virtual terminals (default 51×19). */
  termSize?: { width: number; height: number };
  /** Called when the computer halts (shutdown, panic). */
  onHalt?: (reason: string) => void;
}

export type ProcessExitListener = (proc: Process) => void;

export class Computer {
  readonly id: number;
  label: string | undefined;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly dataDir: string;
  readonly kernargs: Record<string, string>;
  readonly runtime: LuaRuntime;
  readonly scheduler: Scheduler;
  readonly lifecycle: Lifecycle;
  readonly syscalls: Map<string, Syscall>;
  readonly processes = new Map<number, Process>();
  readonly vfs: Vfs;
  readonly syslogService: SyslogService;
  readonly consoles: Consoles;
  readonly limits: Limits = { eventQueue: 4096 };
  readonly quantum: number;
  readonly bootTime: number;
  nextPid = 0;
  /** Kernel-wide counter for network handle IDs (reference/phoenix.md §3.3). */
  nextHandleId = 0;
  /** The thread the scheduler is running, and the Lua state that made the current syscall. */
  currentThread: import('./process.js').Thread | null = null;
  callerL: LuaState | null = null;
  /** Host work in flight that finishes by itself (a syscall waiting on host I/O, an HTTP request):
   * a virtual clock does not jump while any is pending. Waits inside the World (locks, pipes,
   * terminals) are not counted (syscalls/types.ts kernelWait). */
  pendingAsync = 0;
  /** Open host connections and listening servers (kernel/net): the World does not stop as idle
   * while any are open, but unlike pendingAsync a virtual clock may still jump to its next timer. */
  hostIO = 0;
  halted: string | null = null;
  readonly services = new Map<string, number>();
  /** Kernel modules that keep per-process state follow forks and execs here (pipe handles are inherited like file descriptors). */
  readonly processHooks = { fork: [] as Array<(parent: Process, child: Process) => void>, exec: [] as Array<(proc: Process) => void> };
  private readonly exitListeners: ProcessExitListener[] = [];
  private readonly opts: ComputerOptions;

  constructor(opts: ComputerOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.label = opts.label;
    this.clock = opts.clock;
    this.rng = opts.rng;
    this.dataDir = opts.dataDir;
    this.kernargs = { init: '/rom/sbin/init.lua', quantum: '20000', ...(opts.kernargs ?? {}) };
    const q = Number(this.kernargs.quantum);
    this.quantum = Number.isFinite(q) && q >= 100 ? Math.floor(q) : 20000;
    this.bootTime = this.clock.now();
    this.syscalls = allSyscalls();
    this.runtime = new LuaRuntime({
      syscalls: this.syscalls,
      current: () => this.currentThread,
      epoch: (kind) => this.epoch(kind),
      random: () => this.currentThread?.process.rng.next() ?? this.rng.next(),
      callHandler: (sc, thread, L, args) => this.scheduler.call(sc, thread, L, args),
      errorMessage: (name, e) => this.errorMessage(name, e),
      internalError: (where, e) => this.internalError(where, e),
    });
    this.scheduler = new Scheduler(this);
    this.lifecycle = new Lifecycle(this);
    this.syslogService = new SyslogService(this);
    this.consoles = new Consoles(opts.termSize?.width ?? 51, opts.termSize?.height ?? 19, {
      signal: (p, sig) => this.lifecycle.signal(p, sig),
      switched: (vt) => this.init?.queueEvent('vt_switch', { vt }),
    });
    this.vfs = createComputerVfs({
      dataDir: opts.dataDir,
      computerId: opts.id,
      romDir: projectPath('rom'),
      libsystemDir: projectPath('libsystem'),
      clock: this.clock,
    });
  }

  /** Create PID 0 and start init as PID 1. */
  boot(): void {
    const kernel = this.lifecycle.createProcess({ name: 'kernel', user: 'root', stdin: this.opts.consoleIn ?? null, stdout: this.opts.console ?? null, stderr: this.opts.console ?? null });
    void kernel;
    const init = this.lifecycle.createProcess({ parent: kernel, name: 'init' });
    const candidates = [this.kernargs.init, '/sbin/init', '/etc/init', '/bin/init', '/bin/sh'];
    for (const path of candidates) {
      try {
        this.lifecycle.exec(init, path, []);
        return;
      } catch (e) {
        this.syslog(kernel, 3, `Could not start init ${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.panic('No working init found');
  }

  /** Start a program as a child of init (or of `parent`); the host side of fork + exec. */
  spawn(path: string, args: LuaValue[] = [], opts: SpawnOptions = {}): Process {
    const parent = opts.parent ?? this.processes.get(1) ?? this.processes.get(0) ?? null;
    const proc = this.lifecycle.createProcess({ ...opts, parent });
    try {
      this.lifecycle.exec(proc, path, args);
    } catch (e) {
      this.processes.delete(proc.id);
      throw e;
    }
    return proc;
  }

  get init(): Process | undefined { return this.processes.get(1); }

  onProcessExit(fn: ProcessExitListener): () => void {
    this.exitListeners.push(fn);
    return () => { const i = this.exitListeners.indexOf(fn); if (i >= 0) this.exitListeners.splice(i, 1); };
  }

  processExited(proc: Process): void {
    for (const fn of [...this.exitListeners]) fn(proc);
    if (proc.id === 1 && !this.halted) this.panic('init program exited');
  }

  /** Run one scheduling pass; true if any thread ran. */
  step(): boolean {
    if (this.halted) return false;
    return this.scheduler.step();
  }

  runnable(): boolean { return !this.halted && this.scheduler.runnable(); }

  wake(): void { this.opts.onWake?.(); }


  panic(reason: string): void {
    if (this.halted) return;
    this.syslog(this.processes.get(0) ?? null, 6, `Kernel panic: ${reason}`);
    this.writeStream(this.opts.console ?? null, `panic: ${reason}\n`);
    this.halt(`panic: ${reason}`);
  }

  /** Stop every process (SIGTERM, then SIGKILL) and sync the filesystem. */
  shutdown(reason = 'shutdown'): void {
    if (this.halted) return;
    this.halted = reason;
    for (const p of [...this.processes.values()].reverse()) {
      if (p.id > 1) this.lifecycle.signal(p, 9);
    }
    this.vfs.shutdown();
    this.opts.onHalt?.(reason);
  }

  private halt(reason: string): void {
    this.halted = reason;
    for (const p of [...this.processes.values()]) {
      for (const t of p.threads.values()) t.status = 'dead';
    }
    try { this.vfs.shutdown(); } catch (e) { this.internalError('sync', e); }
    this.opts.onHalt?.(reason);
  }

  /** Make `proc` the frontmost process of `tty` until it ends or leaves the terminal. */
  attachForeground(proc: Process, tty: Tty): void {
    tty.pushForeground(proc);
    proc.dependents.push(() => tty.removeProcess(proc));
  }

  // ---- helpers used by syscalls and the scheduler ----

  epoch(kind: string): number {
    switch (kind) {
      case 'utc': return this.clock.epoch();
      case 'local': return this.clock.epoch();
      default: return ((this.clock.now() / 50000 + 6) % 24) * 3600000; // in-game day: 20 minutes
    }
  }

  /** Milliseconds since boot. */
  uptimeMs(): number { return this.clock.now() - this.bootTime; }

  /** The real VFS path of `path` as `proc` sees it (its working directory and chroot applied). */
  resolvePath(proc: Process, path: string): string {
    return underRoot(proc.root || '/', resolve(normalize(proc.dir || '/'), path));
  }

  valueAt(L: LuaState, idx: number): LuaValue { return fromLua(L, idx); }
  pushValue(L: LuaState, v: LuaValue): void { pushLua(L, v); }

  makeRef(v: LuaValue): LuaRef {
    const L = this.runtime.L;
    pushLua(L, v);
    const r = refAt(L, -1);
    lua.lua_pop(L, 1);
    return r;
  }

  /** String keys and values of a Lua table (environment variables). */
  tableEntries(ref: LuaRef): Array<[string, LuaValue]> {
    const L = this.runtime.L;
    ref.push(L);
    const t = fromLua(L, -1);
    lua.lua_pop(L, 1);
    if (!(t instanceof LuaTable)) return [];
    return [...t.hash].filter(([k]) => typeof k === 'string') as Array<[string, LuaValue]>;
  }

  setGlobal(proc: Process, name: string, v: LuaValue): void {
    const L = this.runtime.L;
    proc.env.push(L);
    pushLua(L, v);
    lua.lua_setfield(L, -2, name);
    lua.lua_pop(L, 1);
  }

  /** Call a Lua function (a handle's write method) from the kernel, without yielding. */
  callLua(fn: LuaRef, args: LuaValue[], nresults = 0, asRefs = false): LuaValue[] {
    const L = this.callerL ?? this.runtime.L;
    this.runtime.resetBudget(L);
    const top = lua.lua_gettop(L);
    fn.push(L);
    for (const a of args) pushLua(L, a);
    if (lua.lua_pcall(L, args.length, nresults, 0) !== lua.LUA_OK) {
      const msg = lauxlib.luaL_tolstring(L, -1) ? stringAt(L, -1) : 'error';
      lua.lua_settop(L, top);
      throw new SyscallError(msg);
    }
    const out: LuaValue[] = [];
    for (let i = top + 1; i <= lua.lua_gettop(L); i++) out.push(asRefs && lua.lua_type(L, i) === lua.LUA_TTABLE ? refAt(L, i) : fromLua(L, i));
    lua.lua_settop(L, top);
    return out;
  }

  /** Write text to a stdio target (streams directly, Lua handles through their write method). */
  writeStream(target: Stdio | null, data: string | Uint8Array): void | Promise<void> {
    if (!target) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (target.kind === 'stream') return target.sink?.write(bytes);
    if (target.kind === 'tty') { target.tty.write(bytes); return; }
    const fn = this.methodOf(target.ref, 'write');
    if (fn) {
      try { this.callLua(fn, [target.ref, bytes]); } catch (e) { if (!(e instanceof SyscallError)) throw e; }
    }
  }

  /** Field `name` of a Lua handle table when it is a function (stdio handles' read/write). */
  methodOf(ref: LuaRef, name: string): LuaRef | null {
    const L = this.runtime.L;
    ref.push(L);
    lua.lua_getfield(L, -1, name);
    const fn = lua.lua_type(L, -1) === lua.LUA_TFUNCTION ? refAt(L, -1) : null;
    lua.lua_pop(L, 2);
    return fn;
  }

  syslog(proc: Process | null, level: number, message: string): void {
    this.syslogService.log({ level, message, process: proc?.id ?? 0, category: 'kernel' });
  }

  errorMessage(name: string, e: unknown): string {
    if (e instanceof SyscallError) return e.message;
    if (e instanceof Error && e.name === 'FsError') return e.message;
    this.internalError(`syscall ${name}`, e);
    return `Internal kernel error in ${name}: ${e instanceof Error ? e.message : String(e)}`;
  }

  internalError(where: string, e: unknown): void {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.syslogService.log({ level: 4, message: `internal error (${where}): ${text}`, process: 0, category: 'kernel' });
    if (process.env.CINDER_DEBUG) process.stderr.write(`[cinder ${this.id}] internal error (${where}): ${text}\n`);
  }

}
