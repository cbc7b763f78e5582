// Mutexes and semaphores on user-built tables (reference/phoenix.md §2.8).
// A mutex is a table with optional `recursive`; a semaphore has `count`.
// The kernel keeps ownership and wait queues keyed by the table's identity,
// and mirrors the owner into the table's `owner` field ({pid, thread}).
import { declare, kernelWait, SyscallError } from './types.js';
import { lua, LuaRef, to_luastring } from '../kernel/vm/lua.js';
import type { Process, Thread } from '../kernel/process.js';
import type { Computer } from '../kernel/computer.js';

interface Waiter { thread: Thread; gen: number; wake: (ok: boolean) => void; timer?: number }
interface MutexState { pid: number; tid: number; depth: number; waiters: Waiter[] }

const mutexes = new WeakMap<object, MutexState>();
const semWaiters = new WeakMap<object, Waiter[]>();

// Raw access (no metamethods): the kernel must not run user code on its own state here.
function getField(c: Computer, ref: LuaRef, key: string): unknown {
  const L = c.runtime.L;
  ref.push(L);
  lua.lua_pushstring(L, to_luastring(key));
  lua.lua_rawget(L, -2);
  const t = lua.lua_type(L, -1);
  const v = t === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -1) : t === lua.LUA_TBOOLEAN ? lua.lua_toboolean(L, -1) : t === lua.LUA_TNIL ? undefined : true;
  lua.lua_pop(L, 2);
  return v;
}

function setField(c: Computer, ref: LuaRef, key: string, v: number | { pid: number; thread: number } | undefined): void {
  const L = c.runtime.L;
  ref.push(L);
  lua.lua_pushstring(L, to_luastring(key));
  c.pushValue(L, v);
  lua.lua_rawset(L, -3);
  lua.lua_pop(L, 1);
}

function alive(w: Waiter): boolean {
  return w.thread.status === 'syscall' && w.thread.generation === w.gen && w.thread.process.alive;
}

function tryLock(p: Process, t: Thread, ref: LuaRef): boolean {
  const key = ref.value as object;
  const m = mutexes.get(key);
  if (!m || !ownerAlive(p.computer, m)) {
    const state: MutexState = { pid: p.id, tid: t.id, depth: 1, waiters: m?.waiters ?? [] };
    mutexes.set(key, state);
    setField(p.computer, ref, 'owner', { pid: p.id, thread: t.id });
    // If the owner ends while holding it, the lock is free: wake the next waiter.
    p.dependents.push(() => {
      if (mutexes.get(key) !== state) return;
      mutexes.set(key, { pid: -1, tid: -1, depth: 0, waiters: state.waiters });
      wakeNext(state.waiters);
    });
    return true;
  }
  if (m.pid === p.id && m.tid === t.id) {
    if (!getField(p.computer, ref, 'recursive')) throw new SyscallError('Mutex already locked by this thread');
    m.depth++;
    return true;
  }
  return false;
}

function ownerAlive(c: Computer, m: MutexState): boolean {
  const proc = c.processes.get(m.pid);
  return !!proc && proc.alive && proc.threads.has(m.tid);
}

function wait(p: Process, t: Thread, queue: Waiter[], timeout: number | undefined, attempt: () => boolean): Promise<boolean> {
  return kernelWait(new Promise((resolve) => {
    const w: Waiter = { thread: t, gen: t.generation, wake: (ok) => { if (w.timer) p.computer.clock.cancelTimer(w.timer); resolve(ok); } };
    const retry = () => {
      if (!alive(w)) return;
      if (attempt()) w.wake(true); else queue.push(w);
    };
    (w as Waiter & { retry: () => void }).retry = retry;
    if (timeout !== undefined) {
      w.timer = p.computer.clock.setTimer(Math.max(0, timeout) * 1000, () => {
        const i = queue.indexOf(w);
        if (i >= 0) queue.splice(i, 1);
        resolve(false);
      });
    }
    queue.push(w);
  }));
}

function wakeNext(queue: Waiter[]): void {
  while (queue.length) {
    const w = queue.shift() as Waiter & { retry: () => void };
    if (alive(w)) { w.retry(); return; }
  }
}

function lockMutex(p: Process, t: Thread, ref: LuaRef, timeout?: number): boolean | Promise<boolean> {
  if (tryLock(p, t, ref)) return true;
  const m = mutexes.get(ref.value as object)!;
  return wait(p, t, m.waiters, timeout, () => tryLock(p, t, ref));
}

function semaphore(c: Computer, ref: LuaRef): number {
  const n = getField(c, ref, 'count');
  if (typeof n !== 'number') throw new SyscallError('bad argument #1 (semaphore expected)');
  return n;
}

function tryAcquire(c: Computer, ref: LuaRef): boolean {
  const n = semaphore(c, ref);
  if (n <= 0) return false;
  setField(c, ref, 'count', n - 1);
  return true;
}

function acquire(p: Process, t: Thread, ref: LuaRef, timeout?: number): boolean | Promise<boolean> {
  if (tryAcquire(p.computer, ref)) return true;
  const key = ref.value as object;
  let q = semWaiters.get(key);
  if (!q) { q = []; semWaiters.set(key, q); }
  return wait(p, t, q, timeout, () => tryAcquire(p.computer, ref));
}

const wrapBool = (v: boolean | Promise<boolean>) => (v instanceof Promise ? kernelWait(v.then((b) => [b])) : [v]);

export const syncSyscalls = declare('sync', [
  {
    name: 'lockmutex', args: ['mutex: ref'], blocking: true, doc: 'Lock a mutex, waiting while another thread holds it.',
    handler: (p, t, m: LuaRef) => { const r = lockMutex(p, t, m); return r instanceof Promise ? kernelWait(r.then(() => [])) : []; },
  },
  {
    name: 'timelockmutex', args: ['mutex: ref', 'timeout: number'], returns: 'boolean', blocking: true,
    doc: 'Lock a mutex, waiting at most timeout seconds; returns whether it was locked.',
    handler: (p, t, m: LuaRef, timeout: number) => wrapBool(lockMutex(p, t, m, timeout)),
  },
  {
    name: 'trylockmutex', args: ['mutex: ref'], returns: 'boolean', doc: 'Lock a mutex if it is free; never waits.',
    handler: (p, t, m: LuaRef) => [tryLock(p, t, m)],
  },
  {
    name: 'unlockmutex', args: ['mutex: ref'], doc: 'Unlock a mutex held by the calling thread.',
    handler: (p, t, ref: LuaRef) => {
      const m = mutexes.get(ref.value as object);
      if (!m || !ownerAlive(p.computer, m)) throw new SyscallError('Mutex is not locked');
      if (m.pid !== p.id || m.tid !== t.id) throw new SyscallError('Mutex is locked by another thread');
      if (--m.depth > 0) return;
      mutexes.set(ref.value as object, { pid: -1, tid: -1, depth: 0, waiters: m.waiters });
      setField(p.computer, ref, 'owner', undefined);
      wakeNext(m.waiters);
    },
  },
  {
    name: 'acquiresemaphore', args: ['semaphore: ref'], blocking: true, doc: 'Decrement a semaphore, waiting while its count is 0.',
    handler: (p, t, s: LuaRef) => { const r = acquire(p, t, s); return r instanceof Promise ? kernelWait(r.then(() => [])) : []; },
  },
  {
    name: 'timeacquiresemaphore', args: ['semaphore: ref', 'timeout: number'], returns: 'boolean', blocking: true,
    doc: 'Decrement a semaphore, waiting at most timeout seconds; returns whether it was acquired.',
    handler: (p, t, s: LuaRef, timeout: number) => wrapBool(acquire(p, t, s, timeout)),
  },
  {
    name: 'releasesemaphore', args: ['semaphore: ref'], doc: 'Increment a semaphore and wake one waiter.',
    handler: (p, _t, s: LuaRef) => {
      setField(p.computer, s, 'count', semaphore(p.computer, s) + 1);
      const q = semWaiters.get(s.value as object);
      if (q) wakeNext(q);
    },
  },
]);
