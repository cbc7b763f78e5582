// Terminal I/O for processes whose stdio are streams or Lua handles
// (reference/phoenix.md §2.4). TTYs come with the terminal issue.
import { declare, SyscallError } from './types.js';
import { lauxlib, lua, LuaRef, bytesAt } from '../kernel/vm/lua.js';
import { LuaValue } from '../kernel/vm/values.js';
import type { Process } from '../kernel/process.js';
import type { Stdio } from '../kernel/stdio.js';

/** Arguments at the caller's stack joined with tabs, each through tostring (as print does). */
function textOfArgs(p: Process, count: number): Uint8Array {
  const L = p.computer.callerL!;
  const parts: Buffer[] = [];
  for (let i = 3; i < 3 + count; i++) {
    lauxlib.luaL_tolstring(L, i);
    parts.push(Buffer.from(bytesAt(L, -1)));
    lua.lua_pop(L, 1);
    if (i < 2 + count) parts.push(Buffer.from('\t'));
  }
  return Buffer.concat(parts);
}

async function readFrom(p: Process, s: Stdio | null, mode: 'line' | number): Promise<LuaValue[]> {
  if (!s) return [undefined];
  if (s.kind === 'stream') {
    if (!s.source) return [undefined];
    const data = mode === 'line' ? await s.source.readLine() : await s.source.read(mode);
    return [data ?? undefined];
  }
  const method = mode === 'line' ? 'readLine' : 'read';
  const fn = handleMethod(p, s.ref, method);
  if (!fn) throw new SyscallError('Input handle cannot be read');
  return p.computer.callLua(fn, mode === 'line' ? [] : [mode], 1);
}

function handleMethod(p: Process, ref: LuaRef, name: string): LuaRef | null {
  const L = p.computer.runtime.L;
  ref.push(L);
  lua.lua_getfield(L, -1, name);
  const isFn = lua.lua_type(L, -1) === lua.LUA_TFUNCTION;
  const fn = isFn ? p.computer.makeRefFromTop() : null;
  lua.lua_pop(L, isFn ? 1 : 2);
  return fn;
}

function toStdio(p: Process, v: LuaValue, slot: 'stdin' | 'stdout' | 'stderr'): Stdio | null {
  if (v === undefined || v === null) return null;
  if (v instanceof LuaRef && v.kind === 'table') return { kind: 'handle', ref: v };
  throw new SyscallError(`bad argument #1 to '${slot}' (handle expected)`);
}

function isTTY(s: Stdio | null, dir: 'in' | 'out'): boolean {
  if (!s || s.kind !== 'stream') return false;
  return !!(dir === 'in' ? s.source?.isTTY : s.sink?.isTTY);
}

export const terminalSyscalls = declare('terminal', [
  {
    name: 'write', args: ['...values: any'], doc: 'Write values (tostring\'d, joined with tabs) to stdout.',
    handler: (p, _t, ...vals: LuaValue[]) => { p.computer.writeStream(p.stdout, textOfArgs(p, vals.length)); },
  },
  {
    name: 'writeerr', args: ['...values: any'], doc: 'Write values to stderr.',
    handler: (p, _t, ...vals: LuaValue[]) => { p.computer.writeStream(p.stderr, textOfArgs(p, vals.length)); },
  },
  {
    name: 'read', args: ['count: number'], returns: 'string | nil', blocking: true,
    doc: 'Read up to count bytes from stdin; nil at end of input.',
    handler: (p, _t, n: number) => readFrom(p, p.stdin, Math.max(1, Math.floor(n))),
  },
  {
    name: 'readline', args: [], returns: 'string | nil', blocking: true, doc: 'Read one line from stdin (without the newline); nil at end of input.',
    handler: (p) => readFrom(p, p.stdin, 'line'),
  },
  {
    name: 'istty', args: [], returns: 'boolean, boolean', doc: 'Whether stdin and stdout are terminals.',
    handler: (p) => [isTTY(p.stdin, 'in'), isTTY(p.stdout, 'out')],
  },
  {
    name: 'termsize', args: [], returns: 'number?, number?', doc: 'Width and height of the terminal on stdout, or nothing when it is not a terminal.',
    handler: () => [],
  },
  {
    name: 'termctl', args: ['flags: table?'], returns: 'table?', doc: 'Terminal flags (cbreak, delay, echo, keypad, raw, nlcr); nil when stdin is not a terminal.',
    handler: () => [undefined],
  },
  {
    name: 'openterm', args: [], returns: 'Terminal | nil, string', doc: 'Exclusive terminal handle; fails when stdout is not a terminal.',
    handler: () => [undefined, 'Not a terminal'],
  },
  ...(['stdin', 'stdout', 'stderr'] as const).map((slot) => ({
    name: slot, args: ['handle: table?'],
    doc: `Redirect ${slot} to a handle with ${slot === 'stdin' ? 'read/readLine' : 'write'} methods, or detach it with nil.`,
    handler: (p: Process, _t: unknown, h: LuaValue) => { p[slot] = toStdio(p, h, slot); },
  })),
]);

