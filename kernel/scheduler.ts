// Runs the threads of one computer: resumes ready threads, turns their yields
// into syscalls, event waits or time slices, and delivers queued events to
// waiting threads (reference/phoenix.md §1.3 "Scheduling loop").
import { lauxlib, lua, LuaState, LUA_OK, LUA_YIELD, nameAt, yieldTagAt, pushString, stringAt, trimThread } from './vm/lua.js';
import { pushLua, pushName, LuaValue } from './vm/values.js';
import { isKernelWait, readArgs, SyscallError, type Syscall } from '../syscalls/types.js';
import type { Computer } from './computer.js';
import type { Process, Thread } from './process.js';

/** Resume values: (true, ...results). */
export function okValues(values: LuaValue[] | void): (T: LuaState) => number {
  const vals = values ?? [];
  return (T) => {
    lua.lua_pushboolean(T, true);
    for (const v of vals) pushLua(T, v);
    return vals.length + 1;
  };
}

/** Resume values: (false, message). */
export function errorValues(message: string): (T: LuaState) => number {
  return (T) => { lua.lua_pushboolean(T, false); pushString(T, message); return 2; };
}

export class Scheduler {
  constructor(private readonly c: Computer) {}

  /** Threads that used up their whole time slice in the last pass (a virtual clock charges for them). */
  preemptions = 0;

  /** One pass over every process. Returns true if any thread ran. */
  step(): boolean {
    let ran = false;
    this.preemptions = 0;
    for (const proc of [...this.c.processes.values()]) {
      if (!proc.alive || proc.paused) continue;
      this.deliverEvent(proc);
      if (!hasReady(proc)) continue; // most processes wait: skip copying their thread list
      for (const thread of [...proc.threads.values()]) {
        if (thread.status !== 'ready' || !proc.alive || proc.paused) continue;
        this.resume(thread);
        ran = true;
      }
    }
    return ran;
  }

  /** True when some thread could run now. */
  runnable(): boolean {
    for (const proc of this.c.processes.values()) {
      if (!proc.alive || proc.paused) continue;
      let waiting = false;
      for (const t of proc.threads.values()) {
        if (t.status === 'ready') return true;
        if (t.status === 'event') waiting = true;
      }
      if (waiting && proc.eventQueue.length) return true;
    }
    return false;
  }

  // The first waiting thread pops one event; every waiting thread gets it (a fresh table each).
  private deliverEvent(proc: Process): void {
    if (!proc.eventQueue.length) return;
    let resume: ((T: LuaState) => number) | null = null;
    for (const t of proc.threads.values()) {
      if (t.status !== 'event') continue;
      if (!resume) {
        const ev = proc.eventQueue.shift()!;
        resume = (T) => { pushName(T, ev.name); pushLua(T, ev.params ?? {}); return 2; };
      }
      t.status = 'ready';
      t.resume = resume;
    }
  }

  private resume(thread: Thread): void {
    const c = this.c;
    const proc = thread.process;
    const T = thread.L;
    const G = c.runtime.L.l_G;
    G.mt = proc.typeMetatables;
    c.currentThread = thread;
    const nargs = thread.resume ? thread.resume(T) : 0;
    thread.resume = null;
    thread.generation++;
    const started = c.clock.cpuNow();
    let status: number;
    try {
      status = lua.lua_resume(T, null, nargs);
    } catch (e) {
      // A JS exception escaping the VM is a kernel bug: it ends this process, never the host.
      c.internalError(`thread ${thread.id} of process ${proc.id}`, e);
      c.lifecycle.threadFinished(thread, { values: [], error: `internal kernel error: ${e instanceof Error ? e.message : String(e)}` });
      return;
    } finally {
      c.currentThread = null;
      proc.cputime += (c.clock.cpuNow() - started) / 1000;
    }
    // Optional housekeeping: a failure is logged, never fatal to the thread or the host.
    try { trimThread(T); } catch (e) { c.internalError(`trimming thread ${thread.id} of process ${proc.id}`, e); }
    if (thread.status === 'dead' || !proc.alive) return;
    if (status === LUA_YIELD) {
      if (c.runtime.preempted.delete(T)) { thread.status = 'ready'; this.preemptions++; return; }
      const parked = c.runtime.parked.get(T);
      if (parked) { c.runtime.parked.delete(T); lua.lua_settop(T, 0); this.park(thread, parked, 'syscall'); return; }
      const n = lua.lua_gettop(T);
      const tag = n >= 1 ? yieldTagAt(T, 1) : null;
      if (tag === 'syscall' || tag === 'secure_syscall') { this.dispatch(thread, n); return; }
      if (tag === 'preempt') {
        lua.lua_settop(T, 0);
        thread.status = 'ready';
        return;
      }
      // A bare yield, "secure_event", or anything else: wait for the next event.
      lua.lua_settop(T, 0);
      thread.status = 'event';
      return;
    }
    if (status === LUA_OK) {
      const n = lua.lua_gettop(T);
      const values: LuaValue[] = [];
      for (let i = 1; i <= n; i++) values.push(c.valueAt(T, i));
      c.lifecycle.threadFinished(thread, { values });
      return;
    }
    // Runtime error: message and traceback from the dead thread's frames.
    const L = c.runtime.L;
    lua.lua_xmove(T, L, 1);
    const message = lauxlib.luaL_tolstring(L, -1) ? stringAt(L, -1) : 'error';
    lua.lua_pop(L, 2);
    lauxlib.luaL_traceback(L, T, null, 0);
    const traceback = stringAt(L, -1);
    lua.lua_pop(L, 1);
    c.lifecycle.threadFinished(thread, { values: [], error: message, traceback });
  }

  /** A yielded ("syscall", name, args...) at kernel level. */
  private dispatch(thread: Thread, n: number): void {
    const c = this.c;
    const T = thread.L;
    const name = n >= 2 && lua.lua_type(T, 2) === lua.LUA_TSTRING ? nameAt(T, 2) : '';
    const sc = c.syscalls.get(name);
    let result: unknown;
    try {
      if (!sc) throw new SyscallError('No such syscall');
      const args = readArgs(T, sc, 3);
      lua.lua_settop(T, 0);
      result = this.call(sc, thread, c.runtime.L, args); // T is suspended: kernel calls into Lua use the main state
    } catch (e) {
      lua.lua_settop(T, 0);
      this.wake(thread, errorValues(c.errorMessage(name, e)));
      return;
    }
    if (thread.status === 'dead' || !thread.process.alive) return;
    if (result instanceof Promise) { this.park(thread, result, name); return; }
    this.wake(thread, okValues(result as LuaValue[] | void));
  }

  /** Park a thread until a syscall's promise settles; it is resumed with (true, ...) or (false, msg). */
  private park(thread: Thread, result: Promise<unknown>, name: string): void {
    const c = this.c;
    thread.status = 'syscall';
    const gen = thread.generation;
    // Waits inside the World do not hold a virtual clock still; host I/O does, until it
    // settles or the thread is killed (Lifecycle.killThread lets go of it).
    thread.hostWait = !isKernelWait(result);
    if (thread.hostWait) c.pendingAsync++;
    result.then(
      (values) => this.settle(thread, gen, okValues(values as LuaValue[] | void)),
      (e) => this.settle(thread, gen, errorValues(c.errorMessage(name, e))),
    );
  }

  private settle(thread: Thread, gen: number, values: (T: LuaState) => number): void {
    this.releaseHostWait(thread);
    if (thread.generation !== gen || thread.status !== 'syscall') { this.c.wake(); return; }
    this.wake(thread, values);
  }

  /** The thread no longer waits on host I/O (settled or killed). */
  releaseHostWait(thread: Thread): void {
    if (!thread.hostWait) return;
    thread.hostWait = false;
    this.c.pendingAsync--;
  }

  wake(thread: Thread, values: (T: LuaState) => number): void {
    thread.status = 'ready';
    thread.resume = values;
    this.c.wake();
  }

  call(sc: Syscall, thread: Thread, L: LuaState, args: unknown[]): unknown {
    const proc = thread.process;
    if (sc.root && !proc.isRoot) throw new SyscallError('Permission denied');
    const prevL = this.c.callerL;
    this.c.callerL = L;
    try {
      // Most syscalls take 0–2 arguments: a direct call avoids building a spread call's list.
      switch (args.length) {
        case 0: return sc.handler(proc, thread);
        case 1: return sc.handler(proc, thread, args[0]);
        case 2: return sc.handler(proc, thread, args[0], args[1]);
        default: return sc.handler(proc, thread, ...args);
      }
    } finally {
      this.c.callerL = prevL;
    }
  }
}

function hasReady(proc: Process): boolean {
  for (const t of proc.threads.values()) if (t.status === 'ready') return true;
  return false;
}
