// Compiled chunks shared by every computer in the host process. Parsing is
// the biggest cost of booting a computer (the prelude, init, libsystem
// modules loaded by each process), and a prototype is immutable, so each
// source is compiled once and new closures are made from the prototype.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { lauxlib, lua, LuaState, LUA_OK, pushString, to_luastring } from './lua.js';
import { loadPrecompiled, precompiledChunk } from './precompiled.js';

const require = createRequire(import.meta.url);
const lobject = require('fengari/src/lobject.js');
const lfunc = require('fengari/src/lfunc.js');

const MAX_ENTRIES = 1024;
const MAX_BYTES = 32 * 1024 * 1024;
const cache = new Map<string, { proto: { upvalues: unknown[] }; size: number }>();
let cachedBytes = 0;


/**
 * Load a text chunk (binary chunks are refused) and push the function, or push
 * an error message. Returns LUA_OK or the error status, as luaL_loadbufferx.
 * The function's first upvalue (_ENV) is the state's global table, as lua_load sets it.
 */
export function loadText(L: LuaState, bytes: Uint8Array, chunkname: string): number {
  if (bytes[0] === 0x1b) {
    pushString(L, `attempt to load a binary chunk (mode is 't')`);
    return lua.LUA_ERRSYNTAX;
  }
  const digest = createHash('sha1').update(bytes).digest('base64');
  const key = chunkname + '\0' + digest;
  const hit = cache.get(key);
  if (hit) {
    const cl = new lobject.LClosure(L, hit.proto.upvalues.length);
    cl.p = hit.proto;
    lfunc.luaF_initupvals(L, cl);
    lua.lua_checkstack(L, 1);
    lobject.pushobj2s(L, { type: lua.LUA_TFUNCTION, value: cl });
    if (cl.nupvalues >= 1) {
      lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
      lua.lua_setupvalue(L, -2, 1);
    }
    return LUA_OK;
  }
  // Sources that ship with cinder were compiled at build time (kernel/vm/precompiled.ts).
  // A damaged store entry is dropped and the source parsed instead.
  const pre = precompiledChunk(digest);
  let status = pre ? loadPrecompiled(L, pre, chunkname) : -1;
  if (status !== LUA_OK) {
    if (pre) lua.lua_pop(L, 1);
    status = lauxlib.luaL_loadbufferx(L, bytes, bytes.length, to_luastring(chunkname), to_luastring('t'));
  }
  if (status !== LUA_OK) return status;
  const proto = L.stack[L.top - 1].value.p;
  const size = bytes.length;
  if (size <= MAX_BYTES / 4) {
    cache.set(key, { proto, size });
    cachedBytes += size;
    while (cache.size > MAX_ENTRIES || cachedBytes > MAX_BYTES) {
      const [k, v] = cache.entries().next().value as [string, { size: number }];
      cache.delete(k);
      cachedBytes -= v.size;
    }
  }
  return LUA_OK;
}
