// System logger syscalls (reference/phoenix.md §2.7).
import { declare, SyscallError } from './types.js';
import { lauxlib, lua, stringAt } from '../kernel/vm/lua.js';
import { LuaTable, LuaValue } from '../kernel/vm/values.js';
import { LEVEL_NAMES } from '../kernel/syslog.js';
import type { Process } from '../kernel/process.js';

function level(v: LuaValue): number {
  if (v === undefined) return 1;
  if (typeof v === 'number' && v >= 0 && v <= 6) return Math.floor(v);
  if (typeof v === 'string') {
    const i = LEVEL_NAMES.indexOf(v.toLowerCase() === 'warn' ? 'warning' : v.toLowerCase());
    if (i >= 0) return i;
  }
  throw new SyscallError('Invalid log level');
}

/** Message parts from the caller's stack, each serialized with tostring, joined with spaces. */
function messageOf(p: Process, first: number, count: number): string {
  const L = p.computer.callerL!;
  const parts: string[] = [];
  for (let i = first; i < first + count; i++) {
    lauxlib.luaL_tolstring(L, i);
    parts.push(stringAt(L, -1));
    lua.lua_pop(L, 1);
  }
  return parts.join(' ');
}

function wrap<T>(fn: () => T): T {
  try { return fn(); } catch (e) { throw e instanceof SyscallError ? e : new SyscallError(e instanceof Error ? e.message : String(e)); }
}

export const syslogSyscalls = declare('syslog', [
  {
    name: 'syslog', args: ['...message: any'],
    doc: 'Log a message. A first table argument holds options: name, category, level (0–6 or a name), time, process, thread, module, traceback.',
    handler: (p, t, ...vals: LuaValue[]) => {
      let opts: Record<string, LuaValue> = {};
      let first = 3;
      let count = vals.length;
      if (vals[0] instanceof LuaTable) { opts = vals[0].record(); first = 4; count--; }
      const name = typeof opts.name === 'string' ? opts.name : 'default';
      if (!p.computer.syslogService.has(name)) throw new SyscallError('No such log');
      p.computer.syslogService.log({
        name, level: level(opts.level), message: messageOf(p, first, count),
        category: typeof opts.category === 'string' ? opts.category : undefined,
        process: typeof opts.process === 'number' ? opts.process : p.id,
        thread: typeof opts.thread === 'number' ? opts.thread : t.id,
        module: typeof opts.module === 'string' ? opts.module : undefined,
        time: typeof opts.time === 'number' ? opts.time : undefined,
        traceback: opts.traceback === true,
      });
    },
  },
  {
    name: 'mklog', args: ['name: string', 'streamed: boolean?', 'path: string?'], doc: 'Create a log (no error if it exists), optionally written to a file.',
    handler: (p, _t, name: string, streamed: boolean | undefined, path: string | undefined) => {
      wrap(() => p.computer.syslogService.create(name, !!streamed, path ? p.computer.resolvePath(p, path) : undefined));
    },
  },
  {
    name: 'rmlog', args: ['name: string'], doc: 'Remove a log (not "default").',
    handler: (p, _t, name: string) => { wrap(() => p.computer.syslogService.remove(name)); },
  },
  {
    name: 'openlog', args: ['name: string', 'filter: string?'], returns: 'number',
    doc: 'Stream matching messages of a streamed log to the caller as syslog events; returns a connection ID. Filter: `field op value[|value]` clauses separated by `;` (ops == != ~= =% !% ~% < <= >= >; =% matches a regular expression).',
    handler: (p, _t, name: string, filter: string | undefined) => [wrap(() => p.computer.syslogService.open(p, name, filter))],
  },
  {
    name: 'closelog', args: ['log: string|number'], doc: 'Close every connection of the caller to a log, or one connection by ID.',
    handler: (p, _t, target: string | number) => { p.computer.syslogService.close(p, target); },
  },
  {
    name: 'readlog', args: ['name: string?', 'count: number?'], returns: 'table',
    doc: 'The newest entries of a log (default "default"; at most count, default all kept — up to 1000) as {level, message, time, process, thread, category, module} tables, oldest first (cinder extension, for dmesg).',
    handler: (p, _t, name: string | undefined, count: number | undefined) => {
      const svc = p.computer.syslogService;
      const log = name ?? 'default';
      if (!svc.has(log)) throw new SyscallError('No such log');
      const all = svc.entries(log);
      const n = count === undefined ? all.length : Math.max(0, Math.floor(count));
      return [all.slice(all.length - Math.min(n, all.length)).map((e) => ({
        level: e.level, message: e.message, time: e.time, process: e.process, thread: e.thread, category: e.category, module: e.module,
      }))];
    },
  },
  {
    name: 'logtty', args: ['name: string', 'tty: number?', 'level: number?'], root: true, doc: 'Set the console TTY output of a log (root only).',
    handler: (p, _t, name: string, tty: number | undefined, lvl: number | undefined) => {
      wrap(() => p.computer.syslogService.setTTY(name, tty ?? 0, lvl ?? 1));
    },
  },
]);
