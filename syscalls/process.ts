// Process and thread syscalls (reference/phoenix.md §2.1).
import { declare, SyscallError } from './types.js';
import { LuaTable, LuaValue } from '../kernel/vm/values.js';
import type { LuaRef } from '../kernel/vm/lua.js';
import type { Process } from '../kernel/process.js';
import { quantumFor } from '../kernel/lifecycle.js';

function lookup(proc: Process, pid: number): Process {
  const p = proc.computer.processes.get(pid);
  if (!p || !p.alive || pid === 0) throw new SyscallError('No such process');
  return p;
}

/** How getpinfo shows a stdio slot: the terminal number for a TTY (Phoenix), else what it is. */
function stdioNumber(s: Process['stdin']): LuaValue {
  if (!s) return undefined;
  if (s.kind === 'tty') return s.tty.number || 'pty';
  return s.kind === 'stream' ? s.name : 'handle';
}

export const processSyscalls = declare('process', [
  { name: 'getpid', args: [], returns: 'number', doc: 'The calling process ID.', handler: (p) => [p.id] },
  { name: 'getppid', args: [], returns: 'number', doc: 'The parent process ID.', handler: (p) => [p.parent ?? 0] },
  {
    name: 'clock', args: [], returns: 'number',
    doc: 'CPU time used by the process, in seconds (as Phoenix 0.0.9 and getpinfo().cputime).',
    handler: (p) => [p.cputime],
  },
  { name: 'getenv', args: [], returns: 'table', doc: 'The live environment-variable table of the process.', handler: (p) => [p.vars] },
  { name: 'getfenv', args: [], returns: 'table', doc: 'The global environment table of the process.', handler: (p) => [p.env] },
  { name: 'getname', args: [], returns: 'string', doc: 'The process name.', handler: (p) => [p.name] },
  { name: 'getcwd', args: [], returns: 'string', doc: 'The working directory.', handler: (p) => [p.dir] },
  {
    name: 'chdir', args: ['dir: string'], returns: 'boolean, string?',
    doc: 'Change the working directory; returns false and a message instead of throwing.',
    handler: (p, _t, dir: string) => {
      const c = p.computer;
      const abs = c.resolvePath(p, dir);
      const st = c.vfs.statOrNull({ user: p.user }, abs);
      if (!st) return [false, 'No such file or directory'];
      if (st.type !== 'directory') return [false, 'Not a directory'];
      if (!c.vfs.canExecute({ user: p.user }, abs)) return [false, 'Permission denied'];
      p.dir = p.root !== '/' && abs.startsWith(p.root) ? abs.slice(p.root.length) || '/' : abs;
      return [true];
    },
  },
  {
    name: 'getuser', args: [], returns: 'string, string?', doc: 'The user, and the original user when running a setuser program.',
    handler: (p) => (p.realuser !== undefined ? [p.user, p.realuser] : [p.user]),
  },
  {
    name: 'setuser', args: ['user: string'], root: true, doc: 'Switch the process to another user (root only).',
    handler: (p, _t, user: string) => { if (!user) throw new SyscallError('Invalid user'); p.user = user; },
  },
  {
    name: 'fork', args: ['func: function', 'name: string?', '...args: value'], returns: 'number',
    doc: 'Start a new process running func with a fresh environment; the child inherits user, cwd, root, stdio and a copy of vars.',
    handler: (p, _t, fn: LuaRef, name: string | undefined, ...args: LuaValue[]) => {
      const c = p.computer;
      const child = c.lifecycle.createProcess({ parent: p, name: name ?? p.name });
      c.lifecycle.startThread(child, fn, args, 'main', true);
      return [child.id];
    },
  },
  {
    name: 'exec', args: ['path: string', '...args: value'], blocking: true,
    doc: 'Replace the program of the calling process (PID kept). Tries path, then path.lua; honours #! lines; needs execute permission.',
    handler: (p, _t, path: string, ...args: LuaValue[]) => { p.computer.lifecycle.exec(p, path, args); },
  },
  {
    name: 'newthread', args: ['func: function', '...args: value'], returns: 'number',
    doc: 'Start a thread in the calling process; it shares globals and the event queue.',
    handler: (p, _t, fn: LuaRef, ...args: LuaValue[]) => [p.computer.lifecycle.startThread(p, fn, args).id],
  },
  {
    name: 'exit', args: ['code: number?'], blocking: true, doc: 'End the process with an exit code (default 0).',
    handler: (p, t, code: number | undefined) => {
      const n = code ?? 0;
      p.computer.lifecycle.complete(p, { code: n, values: [n], thread: t.id });
    },
  },
  {
    name: 'getplist', args: [], returns: 'table', doc: 'Sorted list of process IDs.',
    handler: (p) => [[...p.computer.processes.keys()].filter((id) => id !== 0).sort((a, b) => a - b)],
  },
  {
    name: 'getpinfo', args: ['pid: number'], returns: 'table | nil, string', doc: 'Information about a process.',
    handler: (p, _t, pid: number) => {
      const q = p.computer.processes.get(pid);
      if (!q || !q.alive) return [undefined, 'No such process'];
      const threads = new LuaTable();
      for (const t of q.threads.values()) threads.set(t.id + 1, { id: t.id, name: t.name, status: t.status === 'ready' ? 'running' : t.status === 'event' ? 'waiting' : t.status === 'syscall' ? 'syscall' : 'dead', paused: q.paused });
      return [{
        id: q.id, name: q.name, user: q.user, realuser: q.realuser, parent: q.parent ?? undefined, dir: q.dir,
        stdin: stdioNumber(q.stdin), stdout: stdioNumber(q.stdout), stderr: stdioNumber(q.stderr),
        cputime: q.cputime, systime: q.systime, threads, nice: q.nice, paused: q.paused, allowDebug: q.allowDebug,
      }];
    },
  },
  {
    name: 'nice', args: ['level: number', 'pid: number?'],
    doc: 'Set the niceness (−20…20) of a process; the time slice is scaled by 10^(−level/10). Negative levels need root.',
    handler: (p, _t, level: number, pid: number | undefined) => {
      const target = pid === undefined ? p : lookup(p, pid);
      if (level < -20 || level > 20) throw new SyscallError('bad argument #1 to \'nice\' (level out of range)');
      if (target.user !== p.user && !p.isRoot) throw new SyscallError('Permission denied');
      if (level < 0 && !p.isRoot) throw new SyscallError('Permission denied');
      target.nice = level;
      target.quantum = quantumFor(p.computer.quantum, level);
      for (const t of target.threads.values()) p.computer.runtime.setQuantum(t.L, target.quantum);
    },
  },
  {
    name: 'atexit', args: ['func: function'], doc: 'Run func when the process ends (outside the scheduler, at most 100 resumes, no blocking calls).',
    handler: (p, _t, fn: LuaRef) => { p.atexit.push(fn); },
  },
  {
    name: 'suspend', args: [], blocking: true, doc: 'Pause the calling process until it receives SIGCONT.',
    handler: (p) => { p.computer.lifecycle.stop(p); },
  },
]);
