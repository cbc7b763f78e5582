// The single entry point to fengari. Everything else imports the VM from here,
// so a different backend could replace fengari behind the same names.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fengari = require('fengari');
const lobject = require('fengari/src/lobject.js');
const ldo = require('fengari/src/ldo.js');
const lstring = require('fengari/src/lstring.js');
const { LUA_TLNGSTR } = require('fengari/src/defs.js').constant_types;

export type LuaState = any;
export const lua = fengari.lua;
export const lauxlib = fengari.lauxlib;
export const lualib = fengari.lualib;
export const to_luastring: (s: string, cache?: boolean) => Uint8Array = fengari.to_luastring;

export const LUA_OK: number = lua.LUA_OK;
export const LUA_YIELD: number = lua.LUA_YIELD;
export const LUA_REGISTRYINDEX: number = lua.LUA_REGISTRYINDEX;

/** A raw handle to a Lua object (table, function, thread). fengari's values are
 * JS objects owned by the JS GC, so holding the handle keeps the object alive
 * without registry bookkeeping. */
export class LuaRef {
  constructor(readonly type: number, readonly value: unknown) {}
  push(L: LuaState): void {
    lua.lua_checkstack(L, 1);
    lobject.pushobj2s(L, this);
  }
  get kind(): 'table' | 'function' | 'thread' | 'userdata' | 'other' {
    const t = this.type & 0x0f;
    if (t === lua.LUA_TTABLE) return 'table';
    if (t === lua.LUA_TFUNCTION) return 'function';
    if (t === lua.LUA_TTHREAD) return 'thread';
    if (t === lua.LUA_TUSERDATA || t === lua.LUA_TLIGHTUSERDATA) return 'userdata';
    return 'other';
  }
}

/** Stack length above which a suspended thread is trimmed (the default stack is 40 slots). */
const TRIM_ABOVE = 8192;

/**
 * Give back what a deep recursion left in a suspended thread: its unused call
 * frames and the stack above what it uses. cinder's fengari patch reuses both
 * (as C Lua does), and C Lua's collector trims them; fengari has none.
 */
export function trimThread(T: LuaState): void {
  if (T.stack.length > TRIM_ABOVE) ldo.luaD_trim(T);
}

/** Capture the value at `idx` as a LuaRef. */
export function refAt(L: LuaState, idx: number): LuaRef {
  lua.lua_pushvalue(L, idx);
  const tv = L.stack[L.top - 1];
  const ref = new LuaRef(tv.type, tv.value);
  lua.lua_pop(L, 1);
  return ref;
}

/** Attach a kernel object (a network handle, a pipe end) to a Lua table. It lives in a
 * field of fengari's table object (added by cinder's patch) that Lua code cannot reach,
 * so the table cannot be forged; a WeakMap keyed by short-lived tables would instead
 * make every V8 scavenge keep and promote them (≈ 4 MB per scavenge in a connect loop). */
export function attachHost(table: LuaRef, host: object): void {
  (table.value as { host: unknown }).host = host;
}

/** The kernel object attached to a table (undefined for other values, or none). */
export function hostOf(ref: LuaRef): unknown {
  return ref.kind === 'table' ? (ref.value as { host: unknown }).host : undefined;
}

/** The kernel object attached to the table at idx, or undefined (not a table, or none). */
export function hostAt(L: LuaState, idx: number): unknown {
  return lua.lua_type(L, idx) === lua.LUA_TTABLE ? (lua.lua_topointer(L, idx) as { host: unknown }).host : undefined;
}

/** Identity of a reference-typed value at idx (table, function, thread), or null. */
export function identityAt(L: LuaState, idx: number): unknown {
  return lua.lua_topointer(L, idx);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');

/** Lua string at idx as raw bytes (a copy: the VM's own array must stay untouched). */
export function bytesAt(L: LuaState, idx: number): Uint8Array {
  const s: Uint8Array = lua.lua_tolstring(L, idx);
  return Uint8Array.from(s);
}

/** Lua bytes as a JS string when they are valid UTF-8 (so re-encoding gives the
 * same bytes), otherwise null. */
export function tryUtf8(b: Uint8Array): string | null {
  let ascii = true;
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) { ascii = false; break; }
  if (ascii) return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
  try { return utf8.decode(b); } catch { return null; }
}

/** Lua bytes as a JS string, replacing invalid UTF-8 (for names and messages). */
export function bytesToString(b: Uint8Array): string {
  return tryUtf8(b) ?? utf8Lossy.decode(b);
}

export function stringAt(L: LuaState, idx: number): string {
  return bytesToString(lua.lua_tolstring(L, idx));
}

// Decoded names, keyed by the VM's own byte array: a string constant of a loaded chunk
// keeps that array, so syscall tags and names are decoded once, not on every call.
const names = new WeakMap<Uint8Array, string>();

/** A short string at idx that recurs (a syscall tag or name), decoded once per Lua string object. */
export function nameAt(L: LuaState, idx: number): string {
  const b: Uint8Array = lua.lua_tolstring(L, idx);
  let s = names.get(b);
  if (s === undefined) {
    s = bytesToString(b);
    if (b.length <= 32) names.set(b, s);
  }
  return s;
}

export type YieldTag = 'syscall' | 'secure_syscall' | 'secure_event' | 'preempt';
const SYSCALL = Buffer.from('syscall');
const PREEMPT = Buffer.from('preempt');
const SECURE_SYSCALL = Buffer.from('secure_syscall');
const SECURE_EVENT = Buffer.from('secure_event');

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The kernel tag a yield starts with ("syscall", "preempt", ...), or null. Compared as bytes,
 * nothing decoded or kept: the first value of a yield is often program data (a generator's
 * lines). Runs on every syscall, hence one test per tag length. */
export function yieldTagAt(L: LuaState, idx: number): YieldTag | null {
  if (lua.lua_type(L, idx) !== lua.LUA_TSTRING) return null;
  const b: Uint8Array = lua.lua_tolstring(L, idx);
  switch (b.length) {
    case 7: return sameBytes(b, SYSCALL) ? 'syscall' : sameBytes(b, PREEMPT) ? 'preempt' : null;
    case 14: return sameBytes(b, SECURE_SYSCALL) ? 'secure_syscall' : null;
    case 12: return sameBytes(b, SECURE_EVENT) ? 'secure_event' : null;
    default: return null;
  }
}

/** A Lua string made once and pushed many times (event names, table keys): fengari copies
 * and re-hashes every new string used as a key; a kept one is hashed once. `type` and `value`
 * make it a TValue for fengari to copy onto the stack. */
export class LuaName {
  readonly type: number = LUA_TLNGSTR;
  readonly value: unknown;
  constructor(s: string) { this.value = lstring.luaS_bless(null, to_luastring(s)); }
  push(L: LuaState): void {
    lua.lua_checkstack(L, 1);
    lobject.pushobj2s(L, this);
  }
}

/** A Lua string object for `s` (what a function prototype keeps as its source name). */
export function newLuaString(L: LuaState, s: string): unknown {
  return lstring.luaS_new(L, to_luastring(s));
}

const utf8Encoder = new TextEncoder();

/** A JS string as new UTF-8 bytes that a Lua string may own. ASCII (most names, headers and
 * URIs) is copied in one pass; fengari's to_luastring builds a JS array first, and
 * lua_pushstring then copies the bytes again. Never a pooled Buffer: a Lua string would keep
 * the whole pool alive. */
export function utf8Bytes(s: string): Uint8Array {
  const n = s.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return utf8Encoder.encode(s);
    out[i] = c;
  }
  return out;
}

export function pushString(L: LuaState, s: string | Uint8Array): void {
  if (typeof s === 'string') lobject.pushsvalue2s(L, lstring.luaS_bless(L, utf8Bytes(s)));
  // A copy the Lua string owns (the caller's bytes may change or share a larger buffer). fengari's
  // lua_pushlstring copies with Uint8Array.from, which walks an iterator; this is one memcpy.
  else lobject.pushsvalue2s(L, lstring.luaS_bless(L, new Uint8Array(s)));
}

/** A new Lua closure sharing `ref`'s prototype and upvalues, so its _ENV can be
 * rebound without touching the original (fork must not change the parent's function). */
export function cloneFunction(L: LuaState, ref: LuaRef): LuaRef {
  const f = ref.value as { nupvalues: number; p: unknown; upvals: unknown[] };
  if (!(f instanceof lobject.LClosure)) return ref;
  const c = new lobject.LClosure(L, f.nupvalues);
  c.p = f.p;
  c.upvals = f.upvals.slice();
  return new LuaRef(ref.type, c);
}
