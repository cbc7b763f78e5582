// The Lua side of one computer: the fengari state, the sandboxed user
// environment each process gets, the preemption hook and the coroutine
// wrappers that forward preemption and syscall yields to the kernel
// (reference/phoenix.md §1.3–1.5, reference/ecosystem.md §1.4–1.5).
import { readFileSync } from 'node:fs';
import { lauxlib, lua, lualib, LuaRef, LuaState, LUA_OK, LUA_YIELD, nameAt, yieldTagAt, refAt, stringAt, to_luastring, pushString } from './vm/lua.js';
import { pushLua, LuaValue } from './vm/values.js';
import { readArgs, SyscallError, type Syscall } from '../syscalls/types.js';
import type { Thread } from './process.js';
import { projectPath } from './paths.js';
import { osDate } from './osdate.js';
import { loadText } from './vm/chunks.js';

let preludeSource: Buffer | null = null;
const PRELUDE = () => (preludeSource ??= readFileSync(projectPath('kernel/lua/prelude.lua')));

export interface RuntimeHost {
  syscalls: Map<string, Syscall>;
  /** The kernel thread being run right now (set by the scheduler). */
  current(): Thread | null;
  epoch(kind: string): number;
  random(): number;
  /** Run a syscall handler for `thread`; L is the state that made the call. */
  callHandler(sc: Syscall, thread: Thread, L: LuaState, args: unknown[]): unknown;
  /** The Lua-facing message for an exception thrown by a handler. */
  errorMessage(name: string, err: unknown): string;
  /** Called for JS exceptions escaping into the VM (kernel bugs). */
  internalError(where: string, err: unknown): void;
}

/** Hook ticks a thread may spend unable to yield before it is stopped. */
const STUCK_TICK_LIMIT = 250;
const KIND_YIELD = 0, KIND_WRAP = 1;

export class LuaRuntime {
  readonly L: LuaState;
  /** Threads and coroutines the hook preempted (the resumer reads and clears the mark). */
  readonly preempted = new Set<LuaState>();
  private readonly stuck = new Map<LuaState, number>();
  /** Coroutines being driven by a resume that is itself parked (preempted or in a syscall):
   * nobody else may resume them meanwhile. */
  private readonly busy = new Set<LuaState>();
  /** Non-blocking syscalls that found they must wait after all (a full pipe): the state that made
   * the call yields, and the kernel parks its thread on this promise (forwarded through user coroutines). */
  readonly parked = new Map<LuaState, Promise<unknown>>();
  /** lua_State of each kernel thread, so user code cannot resume one. */
  readonly kernelThreads = new WeakMap<object, Thread>();
  private makeEnvRef!: LuaRef;
  private origStatus!: (L: LuaState) => number;
  readonly hook: (L: LuaState) => void;

  constructor(private readonly host: RuntimeHost) {
    const L = lauxlib.luaL_newstate();
    this.L = L;
    // Only pure libraries: io/os/package touch the host and are replaced by the kernel's own.
    for (const [name, open] of [['_G', lualib.luaopen_base], ['coroutine', lualib.luaopen_coroutine],
      ['table', lualib.luaopen_table], ['string', lualib.luaopen_string], ['math', lualib.luaopen_math],
      ['utf8', lualib.luaopen_utf8], ['debug', lualib.luaopen_debug], ['os', lualib.luaopen_os]] as const) {
      lauxlib.luaL_requiref(L, to_luastring(name), open, 1);
      lua.lua_pop(L, 1);
    }
    lua.lua_atnativeerror(L, (L2: LuaState) => {
      const e = lua.lua_touserdata(L2, -1);
      this.host.internalError('VM', e);
      pushString(L2, `internal kernel error: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    });
    this.hook = (L2: LuaState) => {
      if (lua.lua_isyieldable(L2)) {
        this.stuck.delete(L2);
        this.preempted.add(L2);
        lua.lua_yield(L2, 0);
        return;
      }
      const n = (this.stuck.get(L2) ?? 0) + 1;
      this.stuck.set(L2, n);
      if (n > STUCK_TICK_LIMIT) {
        this.stuck.delete(L2);
        lauxlib.luaL_error(L2, to_luastring('Too long without yielding'));
      }
    };
    // Kernel calls into Lua on the main state (handle methods, metamethods) get a budget too:
    // the main state cannot yield, so a spinning call fails with "Too long without yielding".
    lua.lua_sethook(L, this.hook, lua.LUA_MASKCOUNT, 20000);
    this.loadPrelude();
  }

  /** Start a fresh budget for a kernel call into Lua on state L. */
  resetBudget(L: LuaState): void { this.stuck.delete(L); }

  /** Whether a JS exception is a Lua error unwinding (fengari throws the thread's error-jump record). */
  static isLuaUnwind(e: unknown): boolean {
    return typeof e === 'object' && e !== null && 'status' in e && 'previous' in e && !(e instanceof Error);
  }

  private loadPrelude(): void {
    const L = this.L;
    lua.lua_getglobal(L, to_luastring('coroutine'));
    lua.lua_getfield(L, -1, to_luastring('status'));
    const statusRef = refAt(L, -1);
    lua.lua_pop(L, 2);
    this.origStatus = (L2: LuaState) => { statusRef.push(L2); lua.lua_insert(L2, 1); lua.lua_call(L2, 1, 1); return 1; };
    if (loadText(L, PRELUDE(), '=kernel') !== LUA_OK) {
      throw new Error(`prelude: ${stringAt(L, -1)}`);
    }
    const natives: Record<string, LuaValue> = {
      yield: this.yieldNative,
      resume: (L2: LuaState) => this.resumeNative(L2),
      wrap: (L2: LuaState) => this.wrapNative(L2),
      status: (L2: LuaState) => {
        const co = lua.lua_tothread(L2, 1);
        if (!co) return lauxlib.luaL_argerror(L2, 1, to_luastring('coroutine expected'));
        if (this.busy.has(co)) { pushString(L2, 'normal'); return 1; }
        lua.lua_settop(L2, 1);
        return this.origStatus(L2);
      },
      date: (L2: LuaState) => osDate(L2, this.host.epoch('utc')),
      // load(text, chunkname, env) through the shared compiled-chunk cache.
      loadtext: (L2: LuaState) => {
        const bytes = lauxlib.luaL_checklstring(L2, 1);
        const name = lua.lua_isstring(L2, 2) ? stringAt(L2, 2) : '=(load)';
        if (loadText(L2, bytes, name) !== LUA_OK) { lua.lua_pushnil(L2); lua.lua_insert(L2, -2); return 2; }
        if (!lua.lua_isnone(L2, 3)) { lua.lua_pushvalue(L2, 3); if (lua.lua_setupvalue(L2, -2, 1) === null) lua.lua_pop(L2, 1); }
        return 1;
      },
      // fengari has no collector control; "count" reports the host heap in KiB (shared by all computers).
      collectgarbage: (L2: LuaState) => {
        const opt = lua.lua_isstring(L2, 1) ? stringAt(L2, 1) : 'collect';
        lua.lua_pushnumber(L2, opt === 'count' ? process.memoryUsage().heapUsed / 1024 : 0);
        return 1;
      },
      epoch: (L2: LuaState) => { lua.lua_pushnumber(L2, this.host.epoch(lua.lua_isstring(L2, 1) ? stringAt(L2, 1) : 'ingame')); return 1; },
      random: (L2: LuaState) => { lua.lua_pushnumber(L2, this.host.random()); return 1; },
    };
    pushLua(L, natives);
    if (lua.lua_pcall(L, 1, 1, 0) !== LUA_OK) throw new Error(`prelude: ${stringAt(L, -1)}`);
    this.makeEnvRef = refAt(L, -1);
    lua.lua_pop(L, 1);
  }

  /** Build a fresh global environment for a process; returns [env, string metatables array]. */
  newEnv(info: Record<string, LuaValue>): { env: LuaRef; metatables: unknown[] } {
    const L = this.L;
    const G = L.l_G;
    const saved = G.mt;
    G.mt = saved.slice();
    try {
      this.makeEnvRef.push(L);
      pushLua(L, info);
      if (lua.lua_pcall(L, 1, 1, 0) !== LUA_OK) throw new Error(`environment: ${stringAt(L, -1)}`);
      const env = refAt(L, -1);
      lua.lua_pop(L, 1);
      return { env, metatables: G.mt };
    } finally {
      G.mt = saved;
    }
  }

  /** Make a new Lua thread running function `fn` (already bound to its env), set up for preemption. */
  newThread(fn: LuaRef, quantum: number): LuaState {
    const L = this.L;
    const T = lua.lua_newthread(L);
    lua.lua_pop(L, 1);
    fn.push(T);
    lua.lua_sethook(T, this.hook, lua.LUA_MASKCOUNT, quantum);
    return T;
  }

  /** Give function `fn` its own _ENV upvalue holding `env` (without touching closures sharing the old one). */
  bindEnv(fn: LuaRef, env: LuaRef): void {
    const L = this.L;
    fn.push(L);
    const f = lua.lua_gettop(L);
    for (let i = 1; ; i++) {
      const name = lua.lua_getupvalue(L, f, i);
      if (name === null || name === undefined) break;
      lua.lua_pop(L, 1);
      if (Buffer.from(name).toString() === '_ENV') {
        // A throwaway closure owns a fresh upvalue cell; join it into fn.
        lauxlib.luaL_loadstring(L, to_luastring('local _ENV = nil; return function() return _ENV end'));
        lua.lua_call(L, 0, 1);
        env.push(L);
        lua.lua_setupvalue(L, -2, 1);
        lua.lua_upvaluejoin(L, f, i, -1, 1);
        lua.lua_pop(L, 1);
        break;
      }
    }
    lua.lua_pop(L, 1);
  }

  /** Set the hook quantum of a kernel thread (nice). */
  setQuantum(T: LuaState, quantum: number): void {
    lua.lua_sethook(T, this.hook, lua.LUA_MASKCOUNT, quantum);
  }

  // coroutine.yield: non-blocking syscalls are answered in place (no yield, ≈1 µs);
  // everything else yields to the resumer as usual.
  private readonly yieldNative = (L: LuaState): number => {
    const n = lua.lua_gettop(L);
    if (n >= 2 && lua.lua_type(L, 2) === lua.LUA_TSTRING) {
      const tag = yieldTagAt(L, 1);
      if (tag === 'syscall' || tag === 'secure_syscall') {
        const sc = this.syscallAt(L);
        if (sc && !sc.blocking) return this.directSyscall(L, sc);
      }
    }
    return lua.lua_yield(L, n);
  };

  // The syscall named at slot 2. A loop calling one syscall passes the same string constant
  // (the same byte array) every time: one identity check instead of a decode and two lookups.
  private lastName: Uint8Array | null = null;
  private lastSyscall: Syscall | undefined;
  private syscallAt(L: LuaState): Syscall | undefined {
    const b: Uint8Array = lua.lua_tolstring(L, 2);
    if (b === this.lastName) return this.lastSyscall;
    const sc = this.host.syscalls.get(nameAt(L, 2));
    if (sc) { this.lastName = b; this.lastSyscall = sc; }
    return sc;
  }

  private directSyscall(L: LuaState, sc: Syscall): number {
    const thread = this.host.current();
    let results: LuaValue[] | void;
    try {
      if (!thread) throw new SyscallError('No process');
      const args = readArgs(L, sc, 3);
      results = this.host.callHandler(sc, thread, L, args) as LuaValue[] | void;
    } catch (e) {
      // A Lua error raised while the syscall ran Lua code (a __tostring) propagates as Lua errors do.
      if (LuaRuntime.isLuaUnwind(e)) throw e;
      lua.lua_settop(L, 0);
      lua.lua_pushboolean(L, false);
      pushString(L, this.host.errorMessage(sc.name, e));
      return 2;
    }
    lua.lua_settop(L, 0);
    if ((results as unknown) instanceof Promise) {
      if (!lua.lua_isyieldable(L)) {
        lua.lua_pushboolean(L, false);
        pushString(L, 'attempt to yield across a JS-call boundary');
        return 2;
      }
      this.parked.set(L, results as unknown as Promise<unknown>);
      return lua.lua_yield(L, 0);
    }
    lua.lua_pushboolean(L, true);
    if (!results) return 1;
    for (const v of results) {
      // Integers (pids, ids, counts) are most results: pushed without pushLua's general checks.
      if (typeof v === 'number' && (v | 0) === v && (v !== 0 || 1 / v > 0)) lua.lua_pushinteger(L, v);
      else pushLua(L, v);
    }
    return results.length + 1;
  }

  private resumeNative(L: LuaState): number {
    const co = lua.lua_tothread(L, 1);
    if (!co) return lauxlib.luaL_argerror(L, 1, to_luastring('coroutine expected'));
    return this.startResume(L, co, KIND_YIELD);
  }

  private wrapNative(L: LuaState): number {
    lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION);
    const co = lua.lua_newthread(L);
    lua.lua_pushvalue(L, 1);
    lua.lua_xmove(L, co, 1);
    lua.lua_pushjsclosure(L, (L2: LuaState) => {
      lua.lua_pushvalue(L2, lua.lua_upvalueindex(1));
      lua.lua_insert(L2, 1);
      return this.startResume(L2, lua.lua_tothread(L2, 1), KIND_WRAP);
    }, 1);
    return 1;
  }

  // Stack on entry: [co, args...].
  private startResume(L: LuaState, co: LuaState, kind: number): number {
    if (this.kernelThreads.has(co)) {
      return this.finishResume(L, kind, false, () => pushString(L, 'cannot resume a kernel thread'));
    }
    const st = lua.lua_status(co);
    if (this.busy.has(co)) return this.finishResume(L, kind, false, () => pushString(L, 'cannot resume non-suspended coroutine'));
    if (co === L || (st === LUA_OK && lua.lua_gettop(co) === 0) || (st !== LUA_OK && st !== LUA_YIELD)) {
      const msg = co === L ? 'cannot resume non-suspended coroutine' : 'cannot resume dead coroutine';
      return this.finishResume(L, kind, false, () => pushString(L, msg));
    }
    const nargs = lua.lua_gettop(L) - 1;
    if (!lua.lua_checkstack(co, nargs)) return this.finishResume(L, kind, false, () => pushString(L, 'too many arguments to resume'));
    lua.lua_xmove(L, co, nargs);
    return this.resumeLoop(L, co, nargs, kind);
  }

  private resumeLoop(L: LuaState, co: LuaState, nargs: number, kind: number): number {
    for (;;) {
      const status = lua.lua_resume(co, L, nargs);
      nargs = 0;
      if (status === LUA_YIELD) {
        const n = lua.lua_gettop(co);
        const parked = this.parked.get(co);
        if (parked) {
          this.parked.delete(co);
          if (lua.lua_isyieldable(L)) {
            this.parked.set(L, parked);
            this.busy.add(co);
            return lua.lua_yieldk(L, 0, kind, this.continuation);
          }
          lua.lua_settop(co, 0);
          lua.lua_pushboolean(co, false);
          pushString(co, 'attempt to yield across a JS-call boundary');
          nargs = 2;
          continue;
        }
        if (this.preempted.delete(co)) {
          // Forward the time slice to the kernel, then carry on with the coroutine.
          if (lua.lua_isyieldable(L)) {
            this.preempted.add(L);
            this.busy.add(co);
            return lua.lua_yieldk(L, 0, kind, this.continuation);
          }
          continue;
        }
        if (n >= 1 && lua.lua_type(co, 1) === lua.LUA_TSTRING) {
          const tag = yieldTagAt(co, 1);
          if (n === 1 && tag === 'preempt') {
            // An explicit time-slice yield is the kernel's too, as one from the hook.
            lua.lua_settop(co, 0);
            if (lua.lua_isyieldable(L)) {
              this.preempted.add(L);
              this.busy.add(co);
              return lua.lua_yieldk(L, 0, kind, this.continuation);
            }
            continue;
          }
          if ((n >= 2 && (tag === 'syscall' || tag === 'secure_syscall')) || tag === 'secure_event') {
            if (lua.lua_isyieldable(L)) {
              lua.lua_xmove(co, L, n);
              this.busy.add(co);
              return lua.lua_yieldk(L, n, kind, this.continuation);
            }
            lua.lua_settop(co, 0);
            lua.lua_pushboolean(co, false);
            pushString(co, 'attempt to yield across a JS-call boundary');
            nargs = 2;
            continue;
          }
        }
        return this.finishResume(L, kind, true, () => lua.lua_xmove(co, L, n), n);
      }
      if (status === LUA_OK) {
        const n = lua.lua_gettop(co);
        return this.finishResume(L, kind, true, () => lua.lua_xmove(co, L, n), n);
      }
      return this.finishResume(L, kind, false, () => lua.lua_xmove(co, L, 1));
    }
  }

  // After the outer thread is resumed: [co, ...values sent back by the kernel].
  private readonly continuation = (L: LuaState, _status: number, kind: number): number => {
    const co = lua.lua_tothread(L, 1);
    this.busy.delete(co);
    const nargs = lua.lua_gettop(L) - 1;
    lua.lua_xmove(L, co, nargs);
    return this.resumeLoop(L, co, nargs, kind);
  };

  private finishResume(L: LuaState, kind: number, ok: boolean, pushValues: () => void, n = 1): number {
    lua.lua_settop(L, 0);
    if (kind === KIND_WRAP) {
      pushValues();
      if (!ok) {
        if (lua.lua_type(L, -1) === lua.LUA_TSTRING) {
          lauxlib.luaL_where(L, 1);
          lua.lua_insert(L, -2);
          lua.lua_concat(L, 2);
        }
        return lua.lua_error(L);
      }
      return lua.lua_gettop(L);
    }
    lua.lua_pushboolean(L, ok);
    pushValues();
    return ok ? n + 1 : 2;
  }
}
