// Events, signals, timers and the service registry (reference/phoenix.md §2.2).
import { declare, SyscallError } from './types.js';
import { LuaTable, LuaValue } from '../kernel/vm/values.js';
import type { LuaRef } from '../kernel/vm/lua.js';
import type { Process } from '../kernel/process.js';

/** Alarm IDs carry this bit so they never collide with timer IDs (kept below 2^31: fengari integers are 32-bit). */
export const ALARM_BIT = 0x40000000;
const MS_PER_GAME_HOUR = 50000;

interface TimerRecord { owner: Process; clockId: number }
const timers = new WeakMap<object, Map<number, TimerRecord>>();
const counters = new WeakMap<object, { timer: number; alarm: number }>();

function timerTable(p: Process): Map<number, TimerRecord> {
  let t = timers.get(p.computer);
  if (!t) { t = new Map(); timers.set(p.computer, t); }
  return t;
}
function nextId(p: Process, kind: 'timer' | 'alarm'): number {
  let c = counters.get(p.computer);
  if (!c) { c = { timer: 0, alarm: 0 }; counters.set(p.computer, c); }
  c[kind] = (c[kind] + 1) % ALARM_BIT || 1;
  return kind === 'timer' ? c.timer : (ALARM_BIT | c.alarm);
}

function startTimer(p: Process, kind: 'timer' | 'alarm', delayMs: number): number {
  const id = nextId(p, kind);
  const table = timerTable(p);
  const clockId = p.computer.clock.setTimer(delayMs, () => {
    table.delete(id);
    p.queueEvent(kind, { id });
  });
  table.set(id, { owner: p, clockId });
  if (table.size === 1 || !cleanupRegistered.has(p)) {
    cleanupRegistered.add(p);
    p.dependents.push(() => {
      for (const [tid, rec] of table) if (rec.owner === p) { p.computer.clock.cancelTimer(rec.clockId); table.delete(tid); }
    });
  }
  return id;
}
const cleanupRegistered = new WeakSet<Process>();

function target(p: Process, pid: number): Process {
  const q = p.computer.processes.get(pid);
  if (!q || !q.alive || pid === 0) throw new SyscallError('No such process');
  return q;
}

export const eventSyscalls = declare('event', [
  {
    name: 'kill', args: ['pid: number', 'signal: number'], blocking: true,
    doc: 'Send a signal. Only the same user or root may signal a process; SIGKILL (9) cannot be caught.',
    handler: (p, _t, pid: number, sig: number) => {
      const q = target(p, pid);
      if (q.user !== p.user && !p.isRoot) throw new SyscallError('Permission denied');
      if (!Number.isInteger(sig) || sig < 1 || sig > 64) throw new SyscallError('Invalid signal');
      p.computer.lifecycle.signal(q, sig);
    },
  },
  {
    name: 'signal', args: ['signal: number', 'handler: function?'],
    doc: 'Install (or with nil remove) a handler function(signal[, error]) for a signal. SIGKILL cannot be handled.',
    handler: (p, _t, sig: number, fn: LuaRef | undefined) => {
      if (sig === 9) throw new SyscallError('Cannot handle SIGKILL');
      if (!Number.isInteger(sig) || sig < 1 || sig > 64) throw new SyscallError('Invalid signal');
      if (fn) p.signalHandlers.set(sig, fn); else p.signalHandlers.delete(sig);
    },
  },
  {
    name: 'queueEvent', args: ['name: string', 'params: table?'], doc: 'Post an event to the calling process\'s own queue.',
    handler: (p, _t, name: string, params: LuaValue) => { p.queueEvent(name, params ?? new LuaTable()); },
  },
  {
    name: 'peekEvent', args: [], returns: 'string, table | nil', doc: 'The next queued event (the head of the queue) without removing it.',
    handler: (p) => {
      const ev = p.eventQueue[0];
      return ev ? [ev.name, ev.params] : [];
    },
  },
  {
    name: 'sendEvent', args: ['pid: number', 'name: string', 'data: any'], returns: 'boolean',
    doc: 'Deliver remote_event {sender, type, data} to another process; false if there is no such process.',
    handler: (p, _t, pid: number, name: string, data: LuaValue) => {
      const q = p.computer.processes.get(pid);
      if (!q || !q.alive || pid === 0) return [false];
      q.queueEvent('remote_event', { sender: p.id, type: name, data });
      return [true];
    },
  },
  {
    name: 'timer', args: ['seconds: number'], returns: 'number', doc: 'Start a timer; a timer {id} event arrives after the delay.',
    handler: (p, _t, s: number) => [startTimer(p, 'timer', Math.max(0, s) * 1000)],
  },
  {
    name: 'alarm', args: ['time: number'], returns: 'number',
    doc: 'Start an alarm for an in-game time of day (hours, 0–24; a day lasts 20 minutes); an alarm {id} event arrives then.',
    handler: (p, _t, time: number) => {
      if (!(time >= 0 && time < 24)) throw new SyscallError('bad argument #1 to \'alarm\' (time out of range)');
      const now = p.computer.epoch('ingame') / 3600000;
      let hours = time - now;
      if (hours <= 0) hours += 24;
      return [startTimer(p, 'alarm', hours * MS_PER_GAME_HOUR)];
    },
  },
  {
    name: 'cancel', args: ['id: number'], doc: 'Cancel one of the caller\'s timers or alarms.',
    handler: (p, _t, id: number) => {
      const table = timerTable(p);
      const rec = table.get(id);
      if (!rec || rec.owner !== p) throw new SyscallError(id & ALARM_BIT ? 'No such alarm' : 'No such timer');
      p.computer.clock.cancelTimer(rec.clockId);
      table.delete(id);
    },
  },
  {
    name: 'register', args: ['name: string'], returns: 'boolean',
    doc: 'Claim a service name for the calling process (released when it ends); false if taken.',
    handler: (p, _t, name: string) => {
      const c = p.computer;
      const owner = c.services.get(name);
      if (owner !== undefined && c.processes.get(owner)?.alive) return [owner === p.id];
      c.services.set(name, p.id);
      p.dependents.push(() => { if (c.services.get(name) === p.id) c.services.delete(name); });
      return [true];
    },
  },
  {
    name: 'lookup', args: ['name: string'], returns: 'number | nil', doc: 'The process that registered a service name.',
    handler: (p, _t, name: string) => {
      const pid = p.computer.services.get(name);
      return pid !== undefined && p.computer.processes.get(pid)?.alive ? [pid] : [undefined];
    },
  },
]);

