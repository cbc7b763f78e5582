// The bare-fengari baselines: the same Lua source in a fresh state with
// luaL_openlibs, no kernel, no sandbox, no hook (unless asked for).
import { lua, lauxlib, lualib, to_luastring, LuaState, LUA_OK, LUA_YIELD } from '../kernel/vm/lua.js';
import { collect, stopwatch, type Timed } from './harness.js';

function newState(): LuaState {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  return L;
}

function resultString(L: LuaState, idx: number): string {
  if (lua.lua_isnoneornil(L, idx)) return 'nil';
  lauxlib.luaL_tolstring(L, idx);
  const s = lua.lua_tojsstring(L, -1);
  lua.lua_pop(L, 1);
  return s;
}

function load(L: LuaState, source: string, name: string): void {
  const src = to_luastring(source);
  if (lauxlib.luaL_loadbufferx(L, src, src.length, to_luastring(`=${name}`), to_luastring('t')) !== LUA_OK) {
    throw new Error(`load ${name}: ${lua.lua_tojsstring(L, -1)}`);
  }
}

/**
 * Load and run `source` with lua_pcall in a fresh state; the time covers
 * load + run (state creation is not timed). With `hookQuantum`, a no-op count
 * hook is installed first (to isolate the cost of running with a count hook).
 */
export function runBare(source: string, name: string, hookQuantum?: number): Timed {
  const L = newState();
  if (hookQuantum) lua.lua_sethook(L, () => { /* no-op */ }, lua.LUA_MASKCOUNT, hookQuantum);
  collect();
  const sw = stopwatch();
  load(L, source, name);
  const status = lua.lua_pcall(L, 0, 1, 0);
  const { ms, cpu } = sw();
  if (status !== LUA_OK) throw new Error(`${name}: ${lua.lua_tojsstring(L, -1)}`);
  return { ms, cpu, result: resultString(L, -1) };
}

/**
 * Run `source` in a fresh thread that yields ("syscall", "getpid") in a loop;
 * JS answers every yield by resuming with (true, 1) — the bare yield/resume
 * round trip of the Phoenix syscall ABI. Returns total time and yield count.
 */
export function runBareYieldLoop(source: string): Timed & { yields: number } {
  const L = newState();
  const T = lua.lua_newthread(L);
  load(T, source, 'yieldloop');
  collect();
  let yields = 0;
  const sw = stopwatch();
  let status = lua.lua_resume(T, null, 0);
  while (status === LUA_YIELD) {
    yields++;
    lua.lua_settop(T, 0);
    lua.lua_pushboolean(T, true);
    lua.lua_pushinteger(T, 1);
    status = lua.lua_resume(T, null, 2);
  }
  const { ms, cpu } = sw();
  if (status !== LUA_OK) throw new Error(`yieldloop: ${lua.lua_tojsstring(T, -1)}`);
  return { ms, cpu, result: resultString(T, -1), yields };
}
