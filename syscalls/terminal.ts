// Terminal I/O (reference/phoenix.md §2.4): writes and reads through the
// process's stdio (a TTY, a byte stream such as a pipe or the host terminal,
// or a Lua handle table), termctl, openterm, mktty, capture/release, chvt, and
// the cinder extension pipe().
import { readFileSync } from 'node:fs';
import { declare, kernelWait, SyscallError } from './types.js';
import { attachHost, hostOf, lua, LuaRef, LuaState, LUA_OK, refAt, stringAt } from '../kernel/vm/lua.js';
import { LuaTable, LuaValue } from '../kernel/vm/values.js';
import { luaMethod, tostringBytes, argBytes } from '../kernel/vm/methods.js';
import { releaseStdio, retainStdio, type Stdio } from '../kernel/stdio.js';
import { Tty, type KeyInput } from '../kernel/tty/tty.js';
import { openExclusive } from '../kernel/tty/objects.js';
import { devicesOf, ttyOfDevice } from '../devices/index.js';
import { Pipe, PipeError } from '../kernel/pipe.js';
import { projectPath } from '../kernel/paths.js';
import { loadText } from '../kernel/vm/chunks.js';

let pipeSource: Buffer | null = null;
const PIPE_LUA = () => (pipeSource ??= readFileSync(projectPath('kernel/lua/pipe.lua')));
import type { Process } from '../kernel/process.js';
import type { Computer } from '../kernel/computer.js';

/** Kernel objects behind Lua tables handed out here (TTY objects, pipe ends). */
interface Bindings {
  ttys: WeakMap<object, Tty>;
  pipes: Map<number, { pipe: Pipe; end: 'r' | 'w' }>;
  /** Pipe handles each process holds, like file descriptors: inherited by fork, dropped by exec, close and exit. */
  holds: Map<Process, Set<number>>;
  nextPipe: number;
  makePipe: LuaRef | null;
}
const bindings = new WeakMap<Computer, Bindings>();
function bound(c: Computer): Bindings {
  let b = bindings.get(c);
  if (!b) {
    const nb: Bindings = { ttys: new WeakMap(), pipes: new Map(), holds: new Map(), nextPipe: 1, makePipe: null };
    c.processHooks.fork.push((parent, child) => { for (const id of nb.holds.get(parent) ?? []) hold(c, nb, child, id); });
    c.processHooks.exec.push((proc) => dropHolds(nb, proc));
    bindings.set(c, nb);
    b = nb;
  }
  return b;
}

function hold(c: Computer, b: Bindings, p: Process, id: number): void {
  const e = b.pipes.get(id);
  if (!e) return;
  let set = b.holds.get(p);
  if (!set) {
    set = new Set();
    b.holds.set(p, set);
    p.dependents.push(() => dropHolds(b, p));
  }
  if (set.has(id)) return;
  set.add(id);
  if (e.end === 'r') e.pipe.source.retain(); else e.pipe.sink.retain();
}

function dropHold(b: Bindings, p: Process, id: number): boolean {
  const set = b.holds.get(p);
  const e = b.pipes.get(id);
  if (!set?.delete(id) || !e) return false;
  if (e.end === 'r') e.pipe.source.release(); else e.pipe.sink.release();
  return true;
}

function dropHolds(b: Bindings, p: Process): void {
  for (const id of [...(b.holds.get(p) ?? [])]) dropHold(b, p, id);
  b.holds.delete(p);
}

/** Arguments at the caller's stack, through tostring, joined with tabs. */
function textOfArgs(p: Process, count: number): Uint8Array {
  const L = p.computer.callerL!;
  const parts: Uint8Array[] = [];
  for (let i = 3; i < 3 + count; i++) {
    parts.push(tostringBytes(L, i));
    if (i < 2 + count) parts.push(Buffer.from('\t'));
  }
  return Buffer.concat(parts);
}

/** Write to a stdio target. A full pipe makes the writer wait; a pipe nobody reads raises SIGPIPE
 * (which ends the writer unless it handles it; then the write fails with "Broken pipe"). */
function writeTo(p: Process, s: Stdio | null, data: Uint8Array, err: boolean): LuaValue[] | Promise<LuaValue[]> {
  if (s?.kind === 'tty') { if (err) s.tty.writeErr(data); else s.tty.write(data); return []; }
  return waitOrPipe(p, () => p.computer.writeStream(s, data));
}

function waitOrPipe(p: Process, write: () => void | Promise<void>): LuaValue[] | Promise<LuaValue[]> {
  try {
    const r = write();
    return r instanceof Promise ? kernelWait(r.then(() => [], (e) => brokenPipe(p, e))) : [];
  } catch (e) {
    return brokenPipe(p, e);
  }
}

function brokenPipe(p: Process, e: unknown): never {
  if (e instanceof PipeError) {
    p.computer.lifecycle.signal(p, 13);
    throw new SyscallError('Broken pipe');
  }
  throw new SyscallError(e instanceof Error ? e.message : String(e));
}

async function readFrom(p: Process, s: Stdio | null, mode: 'line' | number): Promise<LuaValue[]> {
  if (!s) return [undefined];
  if (s.kind === 'tty') return [(mode === 'line' ? await s.tty.readLine(p) : await s.tty.read(mode, p)) ?? undefined];
  if (s.kind === 'stream') {
    if (!s.source) return [undefined];
    const data = mode === 'line' ? await s.source.readLine() : await s.source.read(mode);
    return [data ?? undefined];
  }
  const fn = p.computer.methodOf(s.ref, mode === 'line' ? 'readLine' : 'read');
  if (!fn) throw new SyscallError('Input handle cannot be read');
  return p.computer.callLua(fn, mode === 'line' ? [] : [mode], 1);
}

/** Terminal and pipe reads wait on the World itself; host streams are host I/O. */
function waitKind(s: Stdio | null, p: Promise<LuaValue[]>): Promise<LuaValue[]> {
  const internal = s?.kind === 'tty' || (s?.kind === 'stream' && !!s.source?.internal);
  return internal ? kernelWait(p) : p;
}

function ttyOf(s: Stdio | null): Tty | null { return s?.kind === 'tty' ? s.tty : null; }

/** The terminal of a process: its stdout TTY, else its stdin TTY. */
function terminalOf(p: Process): Tty | null { return ttyOf(p.stdout) ?? ttyOf(p.stdin); }

function toStdio(p: Process, v: LuaValue, slot: 'stdin' | 'stdout' | 'stderr'): Stdio | null {
  const c = p.computer;
  const b = bound(c);
  if (v === undefined || v === null) return null;
  // "stdin"/"stdout"/"stderr": the caller's own current target (for 2>&1 and >&2).
  if (v === 'stdin' || v === 'stdout' || v === 'stderr') return p[v];
  // Any other string names a device with a terminal (a monitor), by path, UUID or name.
  if (typeof v === 'string') {
    const node = devicesOf(c).lookup(v)[0];
    if (!node) throw new SyscallError('No such device');
    const tty = ttyOfDevice(node);
    if (!tty) throw new SyscallError('Not a terminal device');
    return { kind: 'tty', tty };
  }
  if (typeof v === 'number') {
    try { return { kind: 'tty', tty: c.consoles.get(v) }; } catch { throw new SyscallError(`No such terminal ${v}`); }
  }
  if (v instanceof LuaRef && v.kind === 'table') {
    const tty = b.ttys.get(v.value as object);
    if (tty) return { kind: 'tty', tty };
    const pipeEnd = pipeOfTable(c, v);
    if (pipeEnd) {
      if ((slot === 'stdin') !== (pipeEnd.end === 'r')) throw new SyscallError(`Cannot use the ${pipeEnd.end === 'r' ? 'read' : 'write'} end of a pipe as ${slot}`);
      return { kind: 'stream', name: 'pipe', source: pipeEnd.end === 'r' ? pipeEnd.pipe.source : undefined, sink: pipeEnd.end === 'w' ? pipeEnd.pipe.sink : undefined };
    }
    return { kind: 'handle', ref: v };
  }
  throw new SyscallError(`bad argument #1 to '${slot}' (handle, terminal number or nil expected)`);
}

/** Pipe handles are Lua tables made by kernel/lua/pipe.lua; the kernel attaches the pipe end's id to each. */
class PipeEndId { constructor(readonly id: number) {} }
function pipeOfTable(c: Computer, ref: LuaRef): { pipe: Pipe; end: 'r' | 'w' } | null {
  const host = hostOf(ref);
  return host instanceof PipeEndId ? bound(c).pipes.get(host.id) ?? null : null;
}

function setStdio(p: Process, slot: 'stdin' | 'stdout' | 'stderr', next: Stdio | null): void {
  const role = slot === 'stdin' ? 'in' : 'out';
  const prev = p[slot];
  retainStdio(next, role);
  releaseStdio(prev, role);
  p[slot] = next;
  if (slot === 'stdin') {
    const oldTty = ttyOf(prev), newTty = ttyOf(next);
    if (oldTty && oldTty !== newTty) oldTty.removeProcess(p);
    if (newTty && !newTty.frontmost()) p.computer.attachForeground(p, newTty);
  }
}

function flagsTable(t: Tty): Record<string, LuaValue> {
  return { ...t.flags, hasgfx: false };
}

function openTerminal(p: Process): LuaValue[] {
  const tty = terminalOf(p);
  if (!tty) return [undefined, 'Not a terminal'];
  return openExclusive(tty, p);
}

const KEY_EVENTS = new Set(['char', 'key', 'key_up', 'paste']);

function ttyObject(p: Process, tty: Tty): LuaRef {
  const c = p.computer;
  const obj: Record<string, LuaValue> = {
    isTTY: true,
    write: luaMethod('write', (L, b) => { tty.write(argBytes(L, b, 1)); }),
    sendEvent: luaMethod('sendEvent', (L, b) => {
      const name = stringAt(L, b);
      if (!KEY_EVENTS.has(name)) throw new SyscallError(`Unsupported event '${name}'`);
      const params = c.valueAt(L, b + 1);
      const rec = params instanceof LuaTable ? params.record() : {};
      const ev: KeyInput = name === 'char' ? { type: 'char', ch: String(rec.character ?? '') }
        : name === 'paste' ? { type: 'paste', text: String(rec.text ?? '') }
        : { type: name as 'key' | 'key_up', code: Number(rec.keycode ?? 0), ctrl: !!rec.ctrlHeld, alt: !!rec.altHeld, shift: !!rec.shiftHeld, repeat: !!rec.isRepeat };
      tty.input(ev, (proc, sig) => c.lifecycle.signal(proc, sig));
    }),
  };
  const ref = c.makeRef(obj);
  bound(c).ttys.set(ref.value as object, tty);
  // Live fields (cursor, size, lines) through __index.
  const L = c.runtime.L;
  ref.push(L);
  lua.lua_newtable(L);
  lua.lua_pushjsfunction(L, (L2: LuaState) => {
    const key = lua.lua_type(L2, 2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L2, 2) : stringAt(L2, 2);
    const s = tty.visible;
    let v: LuaValue;
    if (typeof key === 'number') {
      const y = Math.floor(key) - 1;
      if (y >= 0 && y < s.height) { const col = s.lineColors(y); v = { text: Buffer.from(s.chars[y]), fg: col.fg, bg: col.bg }; }
    } else if (key === 'cursor') v = { x: s.cursorX + 1, y: s.cursorY + 1 };
    else if (key === 'cursorBlink') v = s.cursorBlink;
    else if (key === 'colors') v = { fg: s.fg, bg: s.bg };
    else if (key === 'size') v = { width: s.width, height: s.height };
    else if (key === 'flags') v = flagsTable(tty);
    else if (key === 'palette') v = [...s.palette];
    else if (key === 'isLocked') v = !!tty.exclusive;
    else if (key === 'isGraphics') v = false;
    c.pushValue(L2, v);
    return 1;
  });
  lua.lua_setfield(L, -2, '__index');
  lua.lua_setmetatable(L, -2);
  lua.lua_pop(L, 1);
  return ref;
}

function makePipe(p: Process): LuaValue[] {
  const c = p.computer;
  const b = bound(c);
  if (!b.makePipe) {
    const L = c.runtime.L;
    if (loadText(L, PIPE_LUA(), '=pipe') !== LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== LUA_OK) {
      const msg = stringAt(L, -1); lua.lua_pop(L, 1);
      throw new Error(`pipe.lua: ${msg}`);
    }
    b.makePipe = refAt(L, -1);
    lua.lua_pop(L, 1);
  }
  const pipe = new Pipe();
  const rid = b.nextPipe++, wid = b.nextPipe++;
  b.pipes.set(rid, { pipe, end: 'r' });
  b.pipes.set(wid, { pipe, end: 'w' });
  hold(c, b, p, rid);
  hold(c, b, p, wid);
  const [r, w] = c.callLua(b.makePipe, [rid, wid], 2, true) as LuaRef[];
  attachHost(r, new PipeEndId(rid));
  attachHost(w, new PipeEndId(wid));
  return [r, w];
}

function pipeEnd(p: Process, id: number, end: 'r' | 'w' | null) {
  const b = bound(p.computer);
  const e = b.pipes.get(id);
  if (!e || (end && e.end !== end)) throw new SyscallError('No such pipe');
  if (!b.holds.get(p)?.has(id)) throw new SyscallError('attempt to use a closed pipe');
  return e;
}

export const terminalSyscalls = declare('terminal', [
  {
    name: 'write', args: ['...values: any'], doc: 'Write values (tostring\'d, joined with tabs) to stdout; ANSI escapes work on a terminal.',
    handler: (p, _t, ...vals: LuaValue[]) => writeTo(p, p.stdout, textOfArgs(p, vals.length), false),
  },
  {
    name: 'writeerr', args: ['...values: any'], doc: 'Write values to stderr (red on a terminal).',
    handler: (p, _t, ...vals: LuaValue[]) => writeTo(p, p.stderr, textOfArgs(p, vals.length), true),
  },
  {
    name: 'read', args: ['count: number'], returns: 'string | nil', blocking: true,
    doc: 'Read up to count bytes from stdin; nil at end of input (Ctrl+D on a terminal, the end of a pipe or file).',
    handler: (p, _t, n: number) => waitKind(p.stdin, readFrom(p, p.stdin, Math.max(1, Math.floor(n)))),
  },
  {
    name: 'readline', args: [], returns: 'string | nil', blocking: true, doc: 'Read one line from stdin (without the newline); nil at end of input.',
    handler: (p) => waitKind(p.stdin, readFrom(p, p.stdin, 'line')),
  },
  {
    name: 'istty', args: [], returns: 'boolean, boolean', doc: 'Whether stdin and stdout are terminals.',
    handler: (p) => [p.stdin?.kind === 'tty', p.stdout?.kind === 'tty'],
  },
  {
    name: 'termsize', args: [], returns: 'number?, number?', doc: 'Width and height of the terminal of the process, or nothing when it has none.',
    handler: (p) => { const t = terminalOf(p); return t ? [t.width, t.height] : []; },
  },
  {
    name: 'termctl', args: ['flags: table?'], returns: 'table?',
    doc: 'Read or change the flags of the stdin terminal: cbreak (reads return each key), delay, echo, keypad, raw (no line editing or Ctrl+C/Z/\\ signals), nlcr. Returns the flags (and hasgfx), or nil when stdin is not a terminal.',
    handler: (p, _t, flags: LuaTable | undefined) => {
      const t = ttyOf(p.stdin);
      if (!t) return [undefined];
      if (flags) {
        for (const k of Object.keys(t.flags) as Array<keyof Tty['flags']>) {
          const v = flags.get(k);
          if (typeof v === 'boolean') t.flags[k] = v;
          else if (v !== undefined) throw new SyscallError(`bad field '${k}' (boolean expected)`);
        }
      }
      return [flagsTable(t)];
    },
  },
  {
    name: 'openterm', args: [], returns: 'Terminal | nil, string',
    doc: 'Exclusive use of the terminal: a Terminal object (write, blit, clear, clearLine, get/setCursorPos, get/setCursorBlink, isColor, getSize, scroll, get/setTextColor, get/setBackgroundColor, get/setPaletteColor, nativePaletteColor, getLine, close). Other output goes to the background until it is closed. Calling it again returns the same object.',
    handler: (p) => openTerminal(p),
  },
  {
    name: 'mktty', args: ['width: number', 'height: number'], returns: 'TTY',
    doc: 'A pseudo-terminal of the given size: a TTY object with write(text) and sendEvent(event, params), and live fields (cursor, size, colors, flags, [y] = {text, fg, bg}); usable with stdin/stdout/stderr.',
    handler: (p, _t, w: number, h: number) => {
      if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > 1024 || h > 1024) throw new SyscallError('Invalid terminal size');
      return [ttyObject(p, new Tty(0, w, h))];
    },
  },
  {
    name: 'capture', args: [], doc: 'Receive the keyboard events of the terminal (stdin\'s, else stdout\'s) even when another process is in front (line editors, pagers reading a pipe).',
    handler: (p) => {
      const t = ttyOf(p.stdin) ?? ttyOf(p.stdout);
      if (!t) throw new SyscallError('Not a terminal');
      t.capturer = p;
      p.dependents.push(() => { if (t.capturer === p) t.capturer = null; });
    },
  },
  {
    name: 'release', args: [], doc: 'Undo capture.',
    handler: (p) => { const t = ttyOf(p.stdin) ?? ttyOf(p.stdout); if (t && t.capturer === p) t.capturer = null; },
  },
  ...(['stdin', 'stdout', 'stderr'] as const).map((slot) => ({
    name: slot, args: ['target: ref|number|string?'],
    doc: `Redirect ${slot} to a virtual terminal number (1–8), a TTY from mktty, a device with a terminal (a monitor: path, UUID or name), a pipe end, a handle table with ${slot === 'stdin' ? 'read/readLine' : 'write'} methods, the caller's current "stdin", "stdout" or "stderr" (to copy a slot, as 2>&1 does), or detach it with nil.`,
    handler: (p: Process, _t: unknown, h: LuaValue) => { setStdio(p, slot, toStdio(p, h, slot)); },
  })),
  {
    name: 'chvt', args: ['vt: number'], root: true, doc: 'Show another virtual terminal (1–8).',
    handler: (p, _t, vt: number) => {
      if (!Number.isInteger(vt) || vt < 1 || vt > 8) throw new SyscallError('No such terminal');
      p.computer.consoles.switchTo(vt);
    },
  },
  {
    name: 'pipe', args: [], returns: 'readEnd, writeEnd',
    doc: 'A pipe (cinder extension): two handles (read(n), readLine(), readAll(), close() / write(s), writeLine(s), close()). Pass them to stdin/stdout of child processes; reads block until data arrives or every writer (handles and processes) has gone.',
    handler: (p) => makePipe(p),
  },
  {
    name: '__piperead', args: ['id: number', 'mode: string', 'n: number?'], blocking: true, doc: 'Private: blocking read on a pipe handle.',
    handler: (p, _t, id: number, mode: string, n: number | undefined) => {
      const e = pipeEnd(p, id, 'r');
      const read = async (): Promise<LuaValue[]> => {
        if (mode === 'line') return [(await e.pipe.readLine()) ?? undefined];
        if (mode === 'all') return [await e.pipe.readAll()];
        return [(await e.pipe.read(Math.max(1, Math.floor(n ?? 1)))) ?? undefined];
      };
      return kernelWait(read());
    },
  },
  {
    name: '__pipewrite', args: ['id: number', 'data: bytes'], doc: 'Private: write to a pipe handle.',
    handler: (p, _t, id: number, data: Uint8Array) => {
      const e = pipeEnd(p, id, 'w');
      return waitOrPipe(p, () => e.pipe.write(data));
    },
  },
  {
    name: '__pipeclose', args: ['id: number'], doc: 'Private: close a pipe handle.',
    handler: (p, _t, id: number) => { pipeEnd(p, id, null); dropHold(bound(p.computer), p, id); },
  },
]);
