// The common network handle (reference/phoenix.md §3.4): an `id` from the
// kernel-wide counter, the status state machine, the receive buffer and its
// read modes, and the Lua table (method syntax, metatable __name "socket").
//
// Events: every transition into open, error or closed that the program did not
// cause with close() queues handle_status_change {id, status, error?} to the
// owner; newly buffered data queues handle_data_ready {id}.
import { attachHost, hostAt, lauxlib, lua, LuaName, LuaRef, LuaState, refAt } from '../vm/lua.js';
import { fromLua, JsFunction, LuaValue, pushLua } from '../vm/values.js';
import { raise, typeName } from '../vm/methods.js';
import type { Process } from '../process.js';
import { ReadBuffer } from './buffer.js';
import { IoHold, IoKind } from './state.js';

export type HandleStatus = 'ready' | 'connecting' | 'open' | 'closed' | 'error';

/** An error raised in Lua at the caller of a handle method. */
export class HandleError extends Error {}

/** Arguments of a handle method call (self already skipped). */
export class MethodArgs {
  constructor(readonly L: LuaState, readonly base: number, readonly name: string) {}
  get count(): number { return Math.max(0, lua.lua_gettop(this.L) - this.base + 1); }
  type(i: number): number { return lua.lua_type(this.L, this.base + i - 1); }
  isNone(i: number): boolean { const t = this.type(i); return t === lua.LUA_TNONE || t === lua.LUA_TNIL; }
  typeName(i: number): string {
    const t = this.type(i);
    if (t === lua.LUA_TNONE) return 'no value';
    const n = lua.lua_typename(this.L, t);
    return typeof n === 'string' ? n : Buffer.from(n).toString('latin1');
  }
  bad(i: number, detail: string): HandleError { return new HandleError(`bad argument #${i} to '${this.name}' (${detail})`); }
  string(i: number, optional = false): string | undefined {
    if (optional && this.isNone(i)) return undefined;
    const t = this.type(i);
    if (t !== lua.LUA_TSTRING && t !== lua.LUA_TNUMBER) throw this.bad(i, `string expected, got ${this.typeName(i)}`);
    return Buffer.from(lua.lua_tolstring(this.L, this.base + i - 1)).toString('utf8');
  }
  number(i: number, optional = false): number | undefined {
    if (optional && this.isNone(i)) return undefined;
    if (this.type(i) !== lua.LUA_TNUMBER) throw this.bad(i, `number expected, got ${this.typeName(i)}`);
    return lua.lua_tonumber(this.L, this.base + i - 1);
  }
  /** Argument i as bytes, non-strings converted with tostring (honouring __tostring). */
  bytes(i: number): Buffer {
    const idx = this.base + i - 1;
    if (this.type(i) === lua.LUA_TSTRING) return Buffer.from(lua.lua_tolstring(this.L, idx));
    lauxlib.luaL_tolstring(this.L, idx);
    const b = Buffer.from(lua.lua_tolstring(this.L, -1));
    lua.lua_pop(this.L, 1);
    return b;
  }
  value(i: number): LuaValue { return fromLua(this.L, this.base + i - 1); }
  /** The VM's own bytes of string argument i (read only). */
  raw(i: number): Uint8Array { return lua.lua_tolstring(this.L, this.base + i - 1); }
}

/** A scheme's own method: the handle it was called on, and the arguments after self. Declared
 * as a method so its parameter is bivariant: a subclass's table, typed for the subclass, still
 * overrides the base class's `extraMethods()` (only handles of that class are ever passed to it). */
export type HandleMethod<H> = { method(h: H, args: MethodArgs): LuaValue[] }['method'];
/** A handle class's own methods: one table, made once, shared by all its handles. */
export type MethodTable<H> = Readonly<Record<string, HandleMethod<H>>>;
const NO_METHODS: MethodTable<NetHandle> = Object.freeze({});

const handlesByProc = new WeakMap<Process, Set<NetHandle>>();

/** Handles still owned by a process (for tests and cleanup). */
export function handlesOf(proc: Process): NetHandle[] {
  return [...(handlesByProc.get(proc) ?? [])];
}

function track(h: NetHandle): void {
  const proc = h.owner;
  let set = handlesByProc.get(proc);
  if (!set) {
    set = new Set();
    handlesByProc.set(proc, set);
    const handles = set;
    proc.dependents.push(() => {
      for (const x of [...handles]) {
        try { x.release(); } catch (e) { proc.computer.internalError(`network handle ${x.id}`, e); }
      }
      handles.clear();
    });
  }
  set.add(h);
}

export abstract class NetHandle {
  readonly id: number;
  status: HandleStatus;
  error: string | undefined;
  readonly buffer: ReadBuffer;
  /** The program itself closed the handle (buffered data is dropped, reads raise). */
  closedLocally = false;
  protected readonly io: IoHold;
  private luaRef: LuaRef | null = null;

  constructor(readonly owner: Process, initial: HandleStatus, buffer: ReadBuffer, io: IoKind | null) {
    this.id = owner.computer.nextHandleId++;
    this.status = initial;
    this.buffer = buffer;
    this.io = new IoHold(owner.computer, io);
    track(this);
  }

  get alive(): boolean { return this.status !== 'closed' && this.status !== 'error'; }

  /** Change status; queue handle_status_change unless `quiet`. Leaving the live states releases the I/O hold. */
  protected transition(status: HandleStatus, error?: string, extra?: Record<string, LuaValue>, quiet = false): void {
    if (this.status === status && status !== 'open') return;
    this.status = status;
    this.error = status === 'error' || error !== undefined ? error : undefined;
    if (!this.alive) {
      this.io.release();
      this.buffer.ended = true;
      if (this.closedLocally) this.buffer.clear();
      handlesByProc.get(this.owner)?.delete(this);
    }
    if (quiet) return;
    const params: Record<string, LuaValue> = { id: this.id, status, error };
    if (extra) for (const k in extra) params[k] = extra[k];
    this.owner.queueEvent('handle_status_change', params);
  }

  protected setIo(kind: IoKind | null): void { this.io.set(kind); }

  /** Fail before any data moved: status error (with event). */
  fail(message: string): void {
    if (!this.alive) return;
    this.transition('error', message);
    this.abort();
  }

  /** Buffer received data and tell the owner. */
  protected received(data: Uint8Array): void {
    if (!this.alive || this.closedLocally) return;
    this.buffer.push(data);
    this.owner.queueEvent('handle_data_ready', { id: this.id });
  }

  /** The process ended (or the computer shut down): drop the connection without events. */
  release(): void {
    if (!this.alive) return;
    this.closedLocally = true;
    this.transition('closed', undefined, undefined, true);
    this.abort();
  }

  /** Tear down host resources (sockets, requests). Called once the status is final. */
  protected abstract abort(): void;
  /** write(...) with the handle in a writable state; parts are the arguments as bytes. */
  protected abstract send(parts: Buffer[], args: MethodArgs): void;
  /** Scheme-specific methods besides status/read/write/close (a table shared by the class). */
  protected extraMethods(): MethodTable<this> { return NO_METHODS; }
  /** States in which write is allowed. */
  protected writable(): boolean { return this.status === 'open'; }

  /** For scheme methods that need the connection open (response code, setting a response header). */
  protected requireOpen(): void {
    if (this.status !== 'open') throw new HandleError(`attempt to use a ${this.status} handle`);
  }

  /** close(): stop the connection; the status becomes closed without an event. Closing twice does nothing. */
  close(_args?: MethodArgs): void {
    if (!this.alive) return;
    this.closedLocally = true;
    this.transition('closed', undefined, undefined, true);
    this.abort();
  }

  read(args: MethodArgs): LuaValue[] {
    // Data that arrived before the peer closed stays readable; a handle the program closed does not.
    const readable = this.status === 'open' || (this.status === 'closed' && !this.closedLocally);
    if (!readable) throw new HandleError(`attempt to read from a ${this.status} handle`);
    const n = Math.max(1, args.count);
    const out: LuaValue[] = [];
    let failed = false;
    for (let i = 1; i <= n; i++) {
      if (failed) { out.push(undefined); continue; }
      const v = this.readOne(args, i);
      if (v === null) { failed = true; out.push(undefined); } else out.push(v);
    }
    this.afterRead();
    return out;
  }

  /** Hook for flow control (resume a paused socket once the buffer drains). */
  protected afterRead(): void {}

  private readOne(args: MethodArgs, i: number): LuaValue | null {
    if (args.isNone(i)) return this.buffer.readLine(false);
    const t = args.type(i);
    if (t === lua.LUA_TNUMBER) {
      const n = args.number(i)!;
      if (!Number.isFinite(n) || n < 0) throw args.bad(i, 'invalid count');
      return this.buffer.readBytes(n);
    }
    if (t !== lua.LUA_TSTRING) throw args.bad(i, `invalid format`);
    // The format's first letter after an optional "*", read from the bytes (no string decoding).
    const f: Uint8Array = args.raw(i);
    switch (f[f[0] === STAR ? 1 : 0]) {
      case LETTER_a: return this.buffer.readAll();
      case LETTER_l: return this.buffer.readLine(false);
      case LETTER_L: return this.buffer.readLine(true);
      case LETTER_n: return this.buffer.readNumber();
      default: throw args.bad(i, 'invalid format');
    }
  }

  write(args: MethodArgs): void {
    if (!this.writable()) throw new HandleError(`attempt to write to a ${this.status} handle`);
    const parts: Buffer[] = [];
    for (let i = 1; i <= args.count; i++) parts.push(args.bytes(i));
    this.send(parts, args);
  }

  /** The handle's Lua table (made once; the same table every time it is pushed). */
  get ref(): LuaRef {
    if (!this.luaRef) this.luaRef = this.buildTable();
    return this.luaRef;
  }

  /** Does this handle have method `name` (a common one, or one of its scheme's)? */
  hasMethod(name: string): boolean {
    return COMMON_METHODS.has(name) || Object.hasOwn(this.extraMethods(), name);
  }

  /** The names of every method of this handle. */
  methodNames(): string[] {
    return [...COMMON_METHODS.keys(), ...Object.keys(this.extraMethods())];
  }

  // The table holds only `id`; the methods live in a metatable shared by every
  // handle of the same class (cheap to make: one handle per HTTP request).
  private buildTable(): LuaRef {
    const L = this.owner.computer.runtime.L;
    lua.lua_createtable(L, 0, 1);
    ID_KEY.push(L);
    lua.lua_pushinteger(L, this.id);
    lua.lua_rawset(L, -3);
    classMetatable(L, this).push(L);
    lua.lua_setmetatable(L, -2);
    const ref = refAt(L, -1);
    lua.lua_pop(L, 1);
    attachHost(ref, this);
    return ref;
  }

  /** Run method `name` for a call from Lua (arguments after self start at 2). */
  invoke(L: LuaState, name: string): number {
    const common = COMMON_METHODS.get(name);
    let out: LuaValue[] | undefined;
    let err: string | undefined;
    try {
      const args = new MethodArgs(L, 2, name);
      out = common ? common(this, args) : this.extraMethods()[name](this, args);
    } catch (e) {
      if (e instanceof HandleError) err = e.message;
      else {
        this.owner.computer.internalError(`network handle method ${name}`, e);
        err = `internal error in ${name}: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    if (err !== undefined) return raise(L, err);
    for (const v of out!) pushLua(L, v);
    return out!.length;
  }
}

/** status, read, write and close: the same for every scheme, so shared instead of made per handle. */
const COMMON_METHODS = new Map<string, (h: NetHandle, a: MethodArgs) => LuaValue[]>([
  ['status', (h) => h.status === 'error' ? ['error', h.error] : [h.status]],
  ['read', (h, a) => h.read(a)],
  ['write', (h, a) => { h.write(a); return []; }],
  ['close', (h, a) => { h.close(a); return []; }],
]);

const [STAR, LETTER_a, LETTER_l, LETTER_L, LETTER_n] = Buffer.from('*alLn');
const ID_KEY = new LuaName('id');
const metatables = new WeakMap<object, Map<Function, LuaRef>>();

/** The metatable of `h`'s class in this Lua state: __name "socket", __index the methods. */
function classMetatable(L: LuaState, h: NetHandle): LuaRef {
  let perState = metatables.get(L);
  if (!perState) { perState = new Map(); metatables.set(L, perState); }
  let mt = perState.get(h.constructor);
  if (mt) return mt;
  const index: Record<string, LuaValue> = {};
  for (const name of h.methodNames()) {
    index[name] = ((L2: LuaState) => {
      const self = hostAt(L2, 1);
      if (!(self instanceof NetHandle) || !self.hasMethod(name)) return raise(L2, `bad argument #1 to '${name}' (socket expected, got ${typeName(L2, 1)}; call it as handle:${name}(...))`);
      return self.invoke(L2, name);
    }) as JsFunction;
  }
  pushLua(L, { __name: 'socket', __index: index });
  mt = refAt(L, -1);
  lua.lua_pop(L, 1);
  perState.set(h.constructor, mt);
  return mt;
}

const EMPTY = Buffer.alloc(0);

/** Concatenate write arguments. */
export function joinParts(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0] : parts.length === 0 ? EMPTY : Buffer.concat(parts);
}
