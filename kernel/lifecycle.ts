// Process lifecycle: creating processes and threads, loading programs
// (exec with .lua fallback, shebangs, execute permission), completion and
// reaping, and signals with their default actions (reference/phoenix.md
// §1.3, §1.7).
import { cloneFunction, lua, LuaRef, LUA_OK, refAt, stringAt } from './vm/lua.js';
import { loadText } from './vm/chunks.js';
import { LuaTable, LuaValue } from './vm/values.js';
import { SyscallError } from '../syscalls/types.js';
import { Completion, Process, Thread } from './process.js';
import type { Computer } from './computer.js';
import { releaseStdio, retainStdio, type Stdio } from './stdio.js';

export const SIG = {
  HUP: 1, INT: 2, QUIT: 3, TRAP: 5, ABRT: 6, KILL: 9, USR1: 10, USR2: 12, PIPE: 13,
  TERM: 15, CONT: 18, STOP: 19, TTIN: 21, TTOU: 22,
} as const;

const TERMINATE = new Set<number>([SIG.HUP, SIG.INT, SIG.PIPE, SIG.TERM]);
const TERMINATE_TRACE = new Set<number>([SIG.QUIT, SIG.ABRT]);
const STOP = new Set<number>([SIG.STOP, SIG.TTIN, SIG.TTOU]);

export interface ThreadResult { values: LuaValue[]; error?: string; traceback?: string }

export interface SpawnOptions {
  parent?: Process | null;
  name?: string;
  user?: string;
  dir?: string;
  stdin?: Stdio | null;
  stdout?: Stdio | null;
  stderr?: Stdio | null;
  vars?: Record<string, string>;
}

const MAX_SHEBANG_DEPTH = 4;

export class Lifecycle {
  constructor(private readonly c: Computer) {}

  /** A new process with a fresh environment and no threads (fork without the function). */
  createProcess(opts: SpawnOptions): Process {
    const c = this.c;
    const parent = opts.parent ?? null;
    const id = c.nextPid++;
    const proc = new Process(c, id, parent ? parent.id : null, opts.name ?? parent?.name ?? 'process',
      opts.user ?? parent?.user ?? 'root', c.quantum);
    proc.dir = opts.dir ?? parent?.dir ?? '/';
    proc.root = parent?.root ?? '/';
    proc.realuser = parent?.realuser;
    proc.stdin = opts.stdin !== undefined ? opts.stdin : parent?.stdin ?? null;
    proc.stdout = opts.stdout !== undefined ? opts.stdout : parent?.stdout ?? null;
    proc.stderr = opts.stderr !== undefined ? opts.stderr : parent?.stderr ?? null;
    retainStdio(proc.stdin, 'in');
    retainStdio(proc.stdout, 'out');
    retainStdio(proc.stderr, 'out');
    // A child reading from its parent's terminal takes the keyboard until it ends.
    if (parent && proc.stdin?.kind === 'tty' && parent.stdin === proc.stdin) c.attachForeground(proc, proc.stdin.tty);
    proc.rng = c.rng.fork();
    if (parent) for (const hook of c.processHooks.fork) hook(parent, proc);
    proc.nice = parent?.nice ?? 0;
    proc.quantum = quantumFor(c.quantum, proc.nice);
    const vars = new LuaTable();
    if (parent) for (const [k, v] of c.tableEntries(parent.vars)) vars.set(k, v);
    for (const [k, v] of Object.entries(opts.vars ?? {})) vars.set(k, v);
    proc.vars = c.makeRef(vars);
    this.resetEnv(proc);
    c.processes.set(id, proc);
    return proc;
  }

  resetEnv(proc: Process): void {
    const { env, metatables } = this.c.runtime.newEnv({ vars: proc.vars });
    proc.env = env;
    proc.typeMetatables.length = 0;
    proc.typeMetatables.push(...metatables);
  }

  /** Start a thread running `fn` (bound to the process env) with `args`. */
  startThread(proc: Process, fn: LuaRef, args: LuaValue[], name?: string, bindEnv = false): Thread {
    const c = this.c;
    if (bindEnv) {
      fn = cloneFunction(c.runtime.L, fn);
      c.runtime.bindEnv(fn, proc.env);
    }
    const T = c.runtime.newThread(fn, proc.quantum);
    const id = proc.nextThreadId++;
    const thread = new Thread(proc, id, name ?? (id === 0 ? 'main' : `thread ${id}`), T);
    c.runtime.kernelThreads.set(T, thread);
    proc.threads.set(id, thread);
    thread.resume = (T2) => { for (const a of args) c.pushValue(T2, a); return args.length; };
    thread.status = 'ready';
    c.wake();
    return thread;
  }

  /** Load a program file as a function for `proc` (exec). Handles `.lua`, shebangs and permissions. */
  loadProgram(proc: Process, path: string, args: LuaValue[], depth = 0): { fn: LuaRef; path: string; args: LuaValue[]; owner?: string } {
    const c = this.c;
    const vfs = c.vfs;
    const cred = { user: proc.user };
    let abs = c.resolvePath(proc, path);
    let st = vfs.statOrNull(cred, abs);
    if ((!st || st.type === 'directory') && !abs.endsWith('.lua')) {
      const alt = vfs.statOrNull(cred, abs + '.lua');
      if (alt && alt.type !== 'directory') { abs = abs + '.lua'; st = alt; }
    }
    if (!st) throw new SyscallError(`${path}: No such file or directory`);
    if (st.type === 'directory') throw new SyscallError(`${path}: Is a directory`);
    if (!vfs.canExecute(cred, abs)) throw new SyscallError(`${path}: Permission denied`);
    let data = Buffer.from(vfs.readFile(cred, abs));
    if (data[0] === 0x23 && data[1] === 0x21) { // #!
      const nl = data.indexOf(10);
      const line = data.subarray(2, nl < 0 ? data.length : nl).toString('utf8').trim();
      const parts = line.split(/\s+/).filter(Boolean);
      const isLua = /^(\/usr)?\/bin\/lua$/.test(parts[0] ?? '') || (parts[0] === '/usr/bin/env' && parts[1] === 'lua');
      if (!isLua && parts.length) {
        if (depth >= MAX_SHEBANG_DEPTH) throw new SyscallError(`${path}: Recursive shebang`);
        return this.loadProgram(proc, parts[0], [...parts.slice(1), abs, ...args], depth + 1);
      }
      data = Buffer.concat([Buffer.from('--'), data]);
    }
    const L = c.runtime.L;
    if (data[0] === 0x1b) throw new SyscallError(`${path}: attempt to load a binary chunk`);
    if (loadText(L, data, '@' + abs) !== LUA_OK) {
      const msg = stringAt(L, -1);
      lua.lua_pop(L, 1);
      throw new SyscallError(msg);
    }
    const fn = refAt(L, -1);
    lua.lua_pop(L, 1);
    return { fn, path: abs, args, owner: st.setuser ? st.owner : undefined };
  }

  /** Replace the process's code: new environment, every thread ends, a new main thread runs `path`. */
  exec(proc: Process, path: string, args: LuaValue[]): void {
    const prog = this.loadProgram(proc, path, args);
    for (const hook of this.c.processHooks.exec) hook(proc);
    for (const t of proc.threads.values()) this.killThread(t);
    proc.threads.clear();
    proc.nextThreadId = 0;
    // The old program's handlers and exit functions go with it.
    proc.signalHandlers.clear();
    proc.atexit.length = 0;
    proc.name = prog.path.replace(/^.*\//, '').replace(/\.lua$/, '') || proc.name;
    if (prog.owner !== undefined && prog.owner !== proc.user) {
      // setuser program: run as the file's owner; handle stdio could leak the caller's data, so drop it.
      proc.realuser = proc.user;
      proc.user = prog.owner;
      for (const slot of ['stdin', 'stdout', 'stderr'] as const) if (proc[slot]?.kind === 'handle') proc[slot] = null;
    }
    this.resetEnv(proc);
    const argTable = new LuaTable();
    argTable.set(0, prog.path);
    prog.args.forEach((a, i) => argTable.set(i + 1, a));
    this.c.setGlobal(proc, 'arg', argTable);
    this.startThread(proc, prog.fn, prog.args, 'main', true);
  }

  private killThread(t: Thread): void {
    this.c.scheduler.releaseHostWait(t);
    t.status = 'dead';
    t.resume = null;
    t.generation++;
    this.c.runtime.kernelThreads.delete(t.L);
    this.c.runtime.preempted.delete(t.L);
  }

  /** A thread returned or died. */
  threadFinished(thread: Thread, result: ThreadResult): void {
    const proc = thread.process;
    this.killThread(thread);
    proc.threads.delete(thread.id);
    if (result.error !== undefined) {
      const handler = proc.signalHandlers.get(SIG.ABRT);
      if (handler) {
        this.runHandler(proc, SIG.ABRT, handler, result.error);
        return;
      }
      this.complete(proc, { code: 1, values: [], error: result.error, traceback: result.traceback, thread: thread.id });
      return;
    }
    if (proc.threads.size === 0) {
      this.complete(proc, { code: 0, values: result.values, thread: thread.id });
    }
  }

  /** End the process: every thread stops, resources are released, the parent is told. */
  complete(proc: Process, completion: Completion): void {
    if (!proc.alive) return;
    const c = this.c;
    if (completion.error !== undefined) {
      try {
        void c.writeStream(proc.stderr, `${completion.error}\n${completion.traceback ? completion.traceback + '\n' : ''}`);
      } catch { /* stderr may be a pipe nobody reads any more */ }
      c.syslog(proc, 4, `Process ${proc.id} (${proc.name}) errored: ${completion.error}`);
    }
    for (const t of proc.threads.values()) this.killThread(t);
    proc.threads.clear();
    this.runAtexit(proc);
    proc.completion = completion;
    for (const fn of proc.dependents.splice(0)) {
      try { fn(); } catch (e) { c.internalError(`cleanup of process ${proc.id}`, e); }
    }
    proc.eventQueue.length = 0;
    releaseStdio(proc.stdin, 'in');
    releaseStdio(proc.stdout, 'out');
    releaseStdio(proc.stderr, 'out');
    c.processes.delete(proc.id);
    // Orphans go to init.
    for (const p of c.processes.values()) if (p.parent === proc.id) (p as { parent: number | null }).parent = 1;
    const parent = proc.parent !== null ? c.processes.get(proc.parent) : undefined;
    if (parent) parent.queueEvent('process_complete', completionEvent(proc.id, completion));
    c.processExited(proc);
  }

  /** atexit functions run in a temporary thread with a small resume budget. */
  private runAtexit(proc: Process): void {
    const c = this.c;
    for (const fn of proc.atexit.splice(0)) {
      const T = c.runtime.newThread(fn, proc.quantum);
      for (let i = 0; i < 100; i++) {
        const prev = c.currentThread;
        c.currentThread = new Thread(proc, -1, '<atexit>', T);
        let st: number;
        try { st = lua.lua_resume(T, null, 0); } finally { c.currentThread = prev; }
        if (st !== lua.LUA_YIELD) break;
        lua.lua_settop(T, 0);
      }
    }
  }

  /** Deliver signal `sig` to `proc` (reference/phoenix.md §1.7 table). */
  signal(proc: Process, sig: number, error?: string): void {
    if (!proc.alive) return;
    // As on Unix, init only gets the signals it has a handler for: killing it would panic the computer.
    if (proc.id === 1 && !proc.signalHandlers.has(sig)) { proc.queueEvent('signal', { signal: sig }); return; }
    if (sig === SIG.KILL) {
      this.complete(proc, { code: 128 + sig, signal: sig, values: [], thread: 0 });
      return;
    }
    if (sig === SIG.CONT && proc.paused) { proc.paused = false; this.c.wake(); }
    const handler = proc.signalHandlers.get(sig);
    if (handler) { this.runHandler(proc, sig, handler, error); return; }
    if (TERMINATE.has(sig)) {
      this.complete(proc, { code: 128 + sig, signal: sig, values: [], thread: 0 });
    } else if (TERMINATE_TRACE.has(sig)) {
      this.c.syslog(proc, 4, `Process ${proc.id} (${proc.name}) ${sig === SIG.QUIT ? 'quit' : 'aborted'}${error ? ': ' + error : ''}`);
      this.complete(proc, { code: 128 + sig, signal: sig, values: [], error, thread: 0 });
    } else if (STOP.has(sig)) {
      this.stop(proc);
    } else {
      // Ignored by default: still visible to the program as an event.
      proc.queueEvent('signal', { signal: sig });
    }
  }

  /** Stop a process (SIGSTOP and friends); its parent hears of it (cinder's process_stopped). */
  stop(proc: Process): void {
    if (proc.paused) return;
    proc.paused = true;
    const parent = proc.parent !== null ? this.c.processes.get(proc.parent) : undefined;
    parent?.queueEvent('process_stopped', { id: proc.id });
  }

  private runHandler(proc: Process, sig: number, handler: LuaRef, error?: string): void {
    const args: LuaValue[] = error !== undefined ? [sig, error] : [sig];
    this.startThread(proc, handler, args, `<signal handler:${sig}>`);
  }
}

export function quantumFor(base: number, nice: number): number {
  return Math.max(100, Math.round(base * Math.pow(10, -nice / 10)));
}

function completionEvent(pid: number, c: Completion): LuaTable {
  const ev = LuaTable.from({ id: pid, pid, thread: c.thread, n: c.values.length, result: c.code, value: c.values[0] });
  if (c.error !== undefined) { ev.set('error', c.error); ev.set('traceback', c.traceback); }
  if (c.signal !== undefined) ev.set('signal', c.signal);
  c.values.forEach((v, i) => ev.set(i + 1, v));
  return ev;
}
