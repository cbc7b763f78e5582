// Building Lua methods in JS for kernel objects (file, terminal, pipe and
// network handles): argument helpers and one error convention. Errors with a
// Lua-facing message (SyscallError, FsError, MethodError) become Lua errors
// with the caller's position; ArgError becomes "bad argument #n to 'name' (...)".
import { bytesAt, lauxlib, lua, LuaState, pushString, stringAt } from './lua.js';
import { pushLua, LuaValue, JsFunction } from './values.js';

export class ArgError extends Error {
  constructor(readonly n: number, readonly detail: string) { super(detail); }
}

/** An error whose message is shown to Lua as-is. */
export class MethodError extends Error {}

const LUA_FACING = new Set(['SyscallError', 'FsError', 'MethodError']);

function isLuaFacing(e: unknown): e is Error {
  return e instanceof Error && (e instanceof MethodError || LUA_FACING.has(e.name) || LUA_FACING.has(e.constructor.name));
}

export function typeName(L: LuaState, idx: number): string {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TNONE) return 'no value';
  const n = lua.lua_typename(L, t);
  return typeof n === 'string' ? n : Buffer.from(n).toString('latin1');
}

/** Raise a Lua error with position information from inside a JS function. */
export function raise(L: LuaState, msg: string): never {
  lauxlib.luaL_where(L, 1);
  pushString(L, msg);
  lua.lua_concat(L, 2);
  lua.lua_error(L);
  throw new Error('unreachable');
}

/**
 * A method callable with dot or colon syntax: a leading table argument is
 * taken as `self` and skipped, so `base` is the stack index of argument 1.
 */
export function luaMethod(name: string, body: (L: LuaState, base: number) => LuaValue[] | void, selfIsTable = true): JsFunction {
  return (L: LuaState) => {
    const base = selfIsTable && lua.lua_type(L, 1) === lua.LUA_TTABLE ? 2 : 1;
    let out: LuaValue[] | void = [];
    let err: string | undefined;
    try { out = body(L, base); } catch (e) {
      if (e instanceof ArgError) err = `bad argument #${e.n} to '${name}' (${e.detail})`;
      else if (isLuaFacing(e)) err = e.message;
      else throw e;
    }
    if (err !== undefined) raise(L, err);
    const vals = out || [];
    for (const v of vals) pushLua(L, v);
    return vals.length;
  };
}

export function optNumber(L: LuaState, idx: number, argn: number): number | undefined {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TNONE || t === lua.LUA_TNIL) return undefined;
  if (t !== lua.LUA_TNUMBER) throw new ArgError(argn, `number expected, got ${typeName(L, idx)}`);
  return lua.lua_tonumber(L, idx);
}

export function argNumber(L: LuaState, idx: number, argn: number): number {
  const n = optNumber(L, idx, argn);
  if (n === undefined) throw new ArgError(argn, `number expected, got ${typeName(L, idx)}`);
  return n;
}

export function argBoolean(L: LuaState, idx: number, argn: number): boolean {
  const t = lua.lua_type(L, idx);
  if (t !== lua.LUA_TBOOLEAN) throw new ArgError(argn, `boolean expected, got ${typeName(L, idx)}`);
  return lua.lua_toboolean(L, idx);
}

export function argString(L: LuaState, idx: number, argn: number): string {
  const t = lua.lua_type(L, idx);
  if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) throw new ArgError(argn, `string expected, got ${typeName(L, idx)}`);
  return stringAt(L, idx);
}

/** A string (or number) argument as raw bytes. */
export function argBytes(L: LuaState, idx: number, argn: number): Uint8Array {
  const t = lua.lua_type(L, idx);
  if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) throw new ArgError(argn, `string expected, got ${typeName(L, idx)}`);
  return bytesAt(L, idx);
}

/** Any value converted with tostring (honours __tostring), as bytes. */
export function tostringBytes(L: LuaState, idx: number): Uint8Array {
  lauxlib.luaL_tolstring(L, idx);
  const b = bytesAt(L, -1);
  lua.lua_pop(L, 1);
  return b;
}
