// Conversion between Lua values on a fengari stack and JS values.
//
// JS representation (LuaValue):
//   nil -> undefined, boolean, number, string (when the Lua bytes are valid
//   UTF-8, so re-encoding is byte-exact) or Uint8Array (any other bytes),
//   tables -> LuaTable (keeps shared and cyclic structure), functions and other
//   reference types -> LuaRef (or dropped, when copying between computers).
// Plain JS objects and arrays are accepted when pushing, for convenience.
import { lua, LuaName, LuaRef, LuaState, pushString, refAt, tryUtf8, identityAt } from './lua.js';

export type LuaKey = string | number | boolean | Uint8Array | LuaTable | LuaRef;
export type LuaValue = undefined | null | boolean | number | string | Uint8Array | LuaTable | LuaRef
  | JsFunction | LuaValue[] | { [key: string]: LuaValue };

/** A JS function exposed to Lua with the C-function calling convention. */
export type JsFunction = (L: LuaState) => number;

export class LuaTable {
  readonly hash = new Map<LuaKey, LuaValue>();
  /** Keys whose value was an integral float in Lua (2.0): a JS number alone would come back as an integer. */
  floats?: Set<LuaKey>;
  get(k: LuaKey): LuaValue { return this.hash.get(k); }
  set(k: LuaKey, v: LuaValue): void {
    this.floats?.delete(k);
    if (v === undefined || v === null) this.hash.delete(k); else this.hash.set(k, v);
  }
  /** Array part as a JS array (1..n until the first nil). */
  list(): LuaValue[] {
    const out: LuaValue[] = [];
    for (let i = 1; this.hash.has(i); i++) out.push(this.hash.get(i));
    return out;
  }
  /** String-keyed entries as a plain record (other keys ignored). */
  record(): Record<string, LuaValue> {
    const out: Record<string, LuaValue> = {};
    for (const [k, v] of this.hash) if (typeof k === 'string') out[k] = v;
    return out;
  }
  static from(obj: Record<string, LuaValue>): LuaTable {
    const t = new LuaTable();
    for (const [k, v] of Object.entries(obj)) t.set(k, v);
    return t;
  }
}

export interface FromLuaOptions {
  /** What to do with functions, threads and userdata: keep a reference, or drop them (copying between computers). */
  refs?: 'keep' | 'drop';
  /** Maximum nesting depth; deeper tables raise an error. */
  maxDepth?: number;
}

export class ConversionError extends Error {}

export function fromLua(L: LuaState, idx: number, opts: FromLuaOptions = {}): LuaValue {
  const abs = lua.lua_absindex(L, idx);
  return convert(L, abs, opts, new Map(), 0);
}

function convert(L: LuaState, idx: number, opts: FromLuaOptions, seen: Map<unknown, LuaTable>, depth: number): LuaValue {
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TNIL: case lua.LUA_TNONE: return undefined;
    case lua.LUA_TBOOLEAN: return lua.lua_toboolean(L, idx);
    case lua.LUA_TNUMBER: return lua.lua_tonumber(L, idx);
    case lua.LUA_TSTRING: {
      const raw: Uint8Array = lua.lua_tolstring(L, idx);
      return tryUtf8(raw) ?? Uint8Array.from(raw);
    }
    case lua.LUA_TTABLE: {
      const id = identityAt(L, idx);
      const prev = seen.get(id);
      if (prev) return prev;
      if (depth > (opts.maxDepth ?? 200)) throw new ConversionError('table is nested too deeply');
      const t = new LuaTable();
      seen.set(id, t);
      lua.lua_checkstack(L, 3);
      lua.lua_pushnil(L);
      while (lua.lua_next(L, idx) !== 0) {
        const k = convert(L, lua.lua_gettop(L) - 1, opts, seen, depth + 1);
        const top = lua.lua_gettop(L);
        const v = convert(L, top, opts, seen, depth + 1);
        if (k !== undefined && v !== undefined) {
          t.hash.set(k as LuaKey, v);
          if (typeof v === 'number' && Number.isInteger(v) && !lua.lua_isinteger(L, top)) (t.floats ??= new Set()).add(k as LuaKey);
        }
        lua.lua_pop(L, 1);
      }
      return t;
    }
    default:
      return opts.refs === 'drop' ? undefined : refAt(L, idx);
  }
}

/** Field names as Lua strings: events and handles push the same few keys over and over. */
const KEY_CACHE = new Map<string, LuaName>();
const KEY_CACHE_MAX = 4096;
function fieldName(k: string): LuaName {
  let n = KEY_CACHE.get(k);
  if (n) return n;
  n = new LuaName(k);
  if (k.length <= 40 && KEY_CACHE.size < KEY_CACHE_MAX) KEY_CACHE.set(k, n);
  return n;
}

/** Push a string that recurs (event names, keys) without encoding it again. */
export function pushName(L: LuaState, s: string): void {
  fieldName(s).push(L);
}

/** A value pushed as a Lua table (so it may be shared or cyclic). */
function isTableLike(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof LuaRef);
}

/** Push a JS value; returns nothing. Shared and cyclic LuaTables keep their shape. */
export function pushLua(L: LuaState, v: LuaValue, seen?: Map<object, LuaRef>): void {
  lua.lua_checkstack(L, 4);
  if (v === undefined || v === null) { lua.lua_pushnil(L); return; }
  switch (typeof v) {
    case 'boolean': lua.lua_pushboolean(L, v); return;
    case 'number':
      if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0)) lua.lua_pushinteger(L, v);
      else lua.lua_pushnumber(L, v);
      return;
    case 'string': pushString(L, v); return;
    case 'function': lua.lua_pushjsfunction(L, v); return;
  }
  if (v instanceof Uint8Array) { pushString(L, v); return; }
  if (v instanceof LuaRef) { v.push(L); return; }
  const prev = seen?.get(v as object);
  if (prev) { prev.push(L); return; }
  lua.lua_newtable(L);
  const t = lua.lua_gettop(L);
  // The seen-map is only needed once a table holds tables (events are flat: most pushes skip it).
  let map = seen;
  if (map) map.set(v as object, refAt(L, t));
  const nested = (x: unknown): Map<object, LuaRef> | undefined => {
    if (!map && isTableLike(x)) { map = new Map(); map.set(v as object, refAt(L, t)); }
    return map;
  };
  if (v instanceof LuaTable) {
    const floats = v.floats;
    for (const [k, val] of v.hash) {
      pushLua(L, k as LuaValue, nested(k));
      if (floats?.has(k) && typeof val === 'number') lua.lua_pushnumber(L, val);
      else pushLua(L, val, nested(val));
      lua.lua_rawset(L, t);
    }
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) { pushLua(L, v[i], nested(v[i])); lua.lua_rawseti(L, t, i + 1); }
  } else {
    for (const k in v) {
      const val = (v as Record<string, LuaValue>)[k];
      if (val === undefined) continue;
      fieldName(k).push(L);
      pushLua(L, val, nested(val));
      lua.lua_rawset(L, t);
    }
  }
}

/** Lua's type name for a JS value as it would be seen in Lua. */
export function luaTypeOf(v: LuaValue): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string' || v instanceof Uint8Array) return 'string';
  if (typeof v === 'function') return 'function';
  if (v instanceof LuaRef) return v.kind;
  return 'table';
}

/** A value as bytes, for data payloads (strings only). */
export function toBytes(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}
