// One declaration per syscall: name, argument types, doc line and handler.
// The declaration checks arguments ("bad argument #2 to 'open' (string
// expected, got table)"), converts them to JS, and generates docs/syscalls.md.
import { lua, LuaRef, LuaState, bytesAt, refAt, stringAt } from '../kernel/vm/lua.js';
import { fromLua, LuaValue } from '../kernel/vm/values.js';
import { typeName } from '../kernel/vm/methods.js';
import type { Process, Thread } from '../kernel/process.js';

const KERNEL_WAIT = Symbol('kernelWait');

/** Mark a handler's Promise as a wait on something inside the World (a lock, a pipe, a terminal,
 * another process), so it does not hold a virtual clock still the way host I/O does. */
export function kernelWait<T>(p: Promise<T>): Promise<T> {
  (p as Promise<T> & { [KERNEL_WAIT]?: true })[KERNEL_WAIT] = true;
  return p;
}

export function isKernelWait(p: Promise<unknown>): boolean {
  return (p as Promise<unknown> & { [KERNEL_WAIT]?: true })[KERNEL_WAIT] === true;
}

/** An error whose message is shown to the Lua program as-is ("No such file or directory"). */
export class SyscallError extends Error {}

export type SyscallResult = LuaValue[] | void;
export type Handler = (proc: Process, thread: Thread, ...args: any[]) => SyscallResult | Promise<SyscallResult>;

/** Lua-side types an argument may have. `bytes` is a string kept as raw bytes;
 * `ref` is a table kept by identity (mutexes); `any` accepts everything. */
type BaseType = 'string' | 'bytes' | 'number' | 'integer' | 'boolean' | 'table' | 'function' | 'ref' | 'any' | 'value';

export interface ArgSpec {
  name: string;
  types: BaseType[];
  optional: boolean;
  rest: boolean;
}

export interface SyscallDecl {
  name: string;
  /** e.g. ['path: string', 'mode: string?', '...values: any'] */
  args: string[];
  returns?: string;
  doc: string;
  /** Blocking syscalls yield the thread to the scheduler; the others are answered in place. */
  blocking?: boolean;
  /** Only root may call it. */
  root?: boolean;
  handler: Handler;
}

export interface Syscall extends SyscallDecl {
  specs: ArgSpec[];
  category: string;
}

const LUA_NAMES: Record<BaseType, string> = {
  string: 'string', bytes: 'string', number: 'number', integer: 'number', boolean: 'boolean',
  table: 'table', function: 'function', ref: 'table', any: 'value', value: 'value',
};

function parseArg(text: string): ArgSpec {
  const m = /^(\.\.\.)?([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([a-z|]+)(\?)?$/.exec(text.trim());
  if (!m) throw new Error(`bad syscall argument declaration '${text}'`);
  const types = m[3].split('|') as BaseType[];
  for (const t of types) if (!(t in LUA_NAMES)) throw new Error(`unknown argument type '${t}' in '${text}'`);
  return { name: m[2], types, optional: !!m[4] || !!m[1] || types.includes('any') || types.includes('value'), rest: !!m[1] };
}

export function declare(category: string, decls: SyscallDecl[]): Syscall[] {
  return decls.map((d) => ({ ...d, category, specs: d.args.map(parseArg) }));
}

function expected(spec: ArgSpec): string {
  const names = [...new Set(spec.types.map((t) => LUA_NAMES[t]))];
  return names.join(' or ');
}

function convertOne(L: LuaState, idx: number, t: BaseType): unknown {
  switch (t) {
    case 'string': return stringAt(L, idx);
    case 'bytes': return bytesAt(L, idx);
    case 'number': return lua.lua_tonumber(L, idx);
    case 'integer': return lua.lua_tonumber(L, idx);
    case 'boolean': return lua.lua_toboolean(L, idx);
    case 'table': return fromLua(L, idx);
    case 'function': case 'ref': return refAt(L, idx);
    case 'any': return fromLua(L, idx);
    // Handed over as it is (same Lua state): tables, functions and coroutines by reference.
    case 'value': {
      const t = lua.lua_type(L, idx);
      return t === lua.LUA_TTABLE || t === lua.LUA_TFUNCTION || t === lua.LUA_TTHREAD || t === lua.LUA_TUSERDATA ? refAt(L, idx) : fromLua(L, idx);
    }
  }
}

function matches(L: LuaState, idx: number, t: BaseType): boolean {
  const lt = lua.lua_type(L, idx);
  switch (t) {
    case 'string': case 'bytes': return lt === lua.LUA_TSTRING;
    case 'number': return lt === lua.LUA_TNUMBER;
    case 'integer': return lt === lua.LUA_TNUMBER && Number.isInteger(lua.lua_tonumber(L, idx));
    case 'boolean': return lt === lua.LUA_TBOOLEAN;
    case 'table': case 'ref': return lt === lua.LUA_TTABLE;
    case 'function': return lt === lua.LUA_TFUNCTION;
    case 'any': case 'value': return true;
  }
}

/** What readArgs gives a syscall that takes no arguments: one shared empty list, nothing
 * allocated on the in-place path (getpid and friends). Handlers receive it spread, never kept. */
const NO_ARGS: readonly unknown[] = Object.freeze([]);

/** Check and convert arguments at stack slots first..top of L. Throws SyscallError. */
export function readArgs(L: LuaState, sc: Syscall, first: number): unknown[] {
  if (sc.specs.length === 0) return NO_ARGS as unknown[];
  const top = lua.lua_gettop(L);
  const out: unknown[] = [];
  let i = 0;
  for (const spec of sc.specs) {
    const count = spec.rest ? Math.max(0, top - (first + i) + 1) : 1;
    for (let k = 0; k < count; k++, i++) {
      const idx = first + i;
      const isNil = idx > top || lua.lua_isnil(L, idx);
      if (isNil) {
        if (!spec.optional) throw new SyscallError(`bad argument #${i + 1} to '${sc.name}' (${expected(spec)} expected, got ${typeName(L, idx)})`);
        out.push(undefined);
        continue;
      }
      const t = spec.types.find((ty) => matches(L, idx, ty));
      if (!t) {
        const got = typeName(L, idx);
        const detail = spec.types.includes('integer') && got === 'number' ? 'number has no integer representation' : `${expected(spec)} expected, got ${got}`;
        throw new SyscallError(`bad argument #${i + 1} to '${sc.name}' (${detail})`);
      }
      out.push(convertOne(L, idx, t));
    }
  }
  return out;
}

export type { LuaRef };
