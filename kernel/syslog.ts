// The system logger (reference/phoenix.md §1.12, §2.7): named logs, levels,
// streaming to processes through `syslog` events with a filter language.
import type { Computer } from './computer.js';
import type { Process } from './process.js';
import { LuaTable, LuaValue } from './vm/values.js';

export const LEVEL_NAMES = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'panic'];

export interface LogEntry {
  name?: string;
  level: number;
  message: string;
  category?: string;
  process?: number;
  thread?: number;
  module?: string;
  time?: number;
  traceback?: boolean;
}

type Op = '==' | '!=' | '~=' | '=%' | '!%' | '~%' | '<' | '<=' | '>=' | '>';
interface Clause { field: string; op: Op; values: string[] }

interface Stream { id: number; proc: Process; clauses: Clause[] }

interface Log {
  name: string;
  streamed: boolean;
  path?: string;
  entries: LogEntry[];
  streams: Stream[];
  tty?: { tty: number; level: number };
}

const MAX_ENTRIES = 1000;

export class SyslogService {
  readonly logs = new Map<string, Log>();
  private nextStreamId = 1;
  constructor(private readonly c: Computer) {
    this.logs.set('default', { name: 'default', streamed: true, entries: [], streams: [] });
  }

  has(name: string): boolean { return this.logs.has(name); }

  create(name: string, streamed: boolean, path?: string): void {
    if (this.logs.has(name)) return;
    this.logs.set(name, { name, streamed, path, entries: [], streams: [] });
  }

  remove(name: string): void {
    if (name === 'default') throw new Error('Cannot remove default log');
    const log = this.logs.get(name);
    if (!log) throw new Error('No such log');
    for (const s of log.streams) s.proc.queueEvent('syslog_close', { id: s.id });
    this.logs.delete(name);
  }

  log(entry: LogEntry): void {
    const log = this.logs.get(entry.name ?? 'default');
    if (!log) throw new Error('No such log');
    const e: LogEntry = { ...entry, name: log.name, time: entry.time ?? this.c.clock.epoch() };
    log.entries.push(e);
    if (log.entries.length > MAX_ENTRIES) log.entries.shift();
    if (log.path) this.appendFile(log, e);
    for (const s of log.streams) {
      if (s.proc.alive && matches(s.clauses, e)) {
        const ev = LuaTable.from(toRecord(e));
        ev.set('id', s.id);
        s.proc.queueEvent('syslog', ev);
      }
    }
  }

  private appendFile(log: Log, e: LogEntry): void {
    try {
      const line = `[${new Date(e.time ?? 0).toISOString()}] ${LEVEL_NAMES[e.level] ?? e.level}: ${e.message}\n`;
      this.c.vfs.appendFile({ user: 'root' }, log.path!, Buffer.from(line));
    } catch { /* a log file that cannot be written must not break logging */ }
  }

  open(proc: Process, name: string, filter?: string): number {
    const log = this.logs.get(name);
    if (!log) throw new Error('No such log');
    if (!log.streamed) throw new Error('Log is not streamed');
    const id = this.nextStreamId++;
    log.streams.push({ id, proc, clauses: filter ? parseFilter(filter) : [] });
    proc.dependents.push(() => this.closeStreams((s) => s.proc === proc));
    return id;
  }

  close(proc: Process, target: string | number): void {
    this.closeStreams((s, log) => s.proc === proc && (typeof target === 'number' ? s.id === target : log.name === target), true);
  }

  private closeStreams(pred: (s: Stream, log: Log) => boolean, notify = false): void {
    for (const log of this.logs.values()) {
      log.streams = log.streams.filter((s) => {
        if (!pred(s, log)) return true;
        if (notify) s.proc.queueEvent('syslog_close', { id: s.id });
        return false;
      });
    }
  }

  setTTY(name: string, tty: number, level: number): void {
    const log = this.logs.get(name);
    if (!log) throw new Error('No such log');
    log.tty = { tty, level };
  }

  entries(name = 'default'): LogEntry[] { return this.logs.get(name)?.entries ?? []; }
}

function toRecord(e: LogEntry): Record<string, LuaValue> {
  return { name: e.name, level: e.level, message: e.message, category: e.category, process: e.process, thread: e.thread, module: e.module, time: e.time, traceback: e.traceback };
}

export function parseFilter(text: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of text.split(';')) {
    if (!part.trim()) continue;
    const m = /^\s*([A-Za-z_]+)\s*(==|!=|~=|=%|!%|~%|<=|>=|<|>)\s*(.*?)\s*$/.exec(part);
    if (!m) throw new Error(`Invalid filter clause '${part.trim()}'`);
    const values = m[3].split('|').map((v) => v.trim().replace(/^"(.*)"$/, '$1'));
    clauses.push({ field: m[1], op: m[2] as Op, values });
  }
  return clauses;
}

function matches(clauses: Clause[], e: LogEntry): boolean {
  const rec = toRecord(e) as Record<string, unknown>;
  return clauses.every((c) => {
    const raw = rec[c.field];
    const v = c.field === 'level' && typeof raw === 'number' ? raw : raw;
    const any = (f: (x: string) => boolean) => c.values.some(f);
    const str = v === undefined ? '' : String(v);
    const num = (x: string) => {
      const lv = LEVEL_NAMES.indexOf(x.toLowerCase());
      return c.field === 'level' && lv >= 0 ? lv : Number(x);
    };
    switch (c.op) {
      case '==': return any((x) => str === x || (c.field === 'level' && Number(v) === num(x)));
      case '!=': case '~=': return !any((x) => str === x || (c.field === 'level' && Number(v) === num(x)));
      case '=%': return any((x) => safeRegex(x).test(str));
      case '!%': case '~%': return !any((x) => safeRegex(x).test(str));
      case '<': return any((x) => Number(v) < num(x));
      case '<=': return any((x) => Number(v) <= num(x));
      case '>': return any((x) => Number(v) > num(x));
      case '>=': return any((x) => Number(v) >= num(x));
    }
  });
}

function safeRegex(pattern: string): RegExp {
  try { return new RegExp(pattern); } catch { return /$^/; }
}
