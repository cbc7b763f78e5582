// The Lua handle of `connect("rednet://0.0.0.N")` and `rednet+proto://…`
// (reference/phoenix.md §3.4, §3.5.3): always "open" until close() (then
// "closed" — Phoenix 0.0.9's status() never says so, §8). read("*a") returns
// the next raw message unchanged; the other modes read the tostring'd
// messages one after another (a message's end also ends a line). cinder
// adds h:receive() -> message, sender, protocol, distance, which keeps the
// sender that read() cannot report.
import type { Process } from '../process.js';
import type { LuaValue } from '../vm/values.js';
import { lua } from '../vm/lua.js';
import { DeviceError } from '../../devices/tree.js';
import { ANY_HOST, hostToId, rednetOf, RednetLink, RednetMessage } from './rednet.js';
import { HandleError, MethodArgs, NetHandle, type MethodTable } from './handles.js';
import { ReadBuffer } from './buffer.js';
import type { SchemeHandler } from './schemes.js';

/** Lua's tostring for the values a message can hold (functions never arrive: payloads are copied). */
export function luaToString(v: LuaValue): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 53) return String(v);
    if (!Number.isFinite(v)) return Number.isNaN(v) ? (Object.is(v, NaN) ? 'nan' : '-nan') : v > 0 ? 'inf' : '-inf';
    return String(Number(v.toPrecision(14)));
  }
  if (typeof v === 'boolean') return String(v);
  return 'table';
}

/** Read state over the message queue: the tostring'd head message and how far it has been read. */
class TextCursor {
  private text: string | null = null;
  constructor(private readonly link: RednetLink) {}
  private head(): string | null {
    if (this.text === null) {
      const m = this.link.queue[0];
      if (!m) return null;
      this.text = luaToString(m.message);
    }
    return this.text;
  }
  private consume(n: number): void {
    this.text = this.text!.slice(n);
    if (this.text === '') { this.text = null; this.link.queue.shift(); }
  }
  /** The raw head message ("*a"), dropping any partly read text. */
  rawMessage(): RednetMessage | undefined {
    this.text = null;
    return this.link.queue.shift();
  }
  line(keep: boolean): string | undefined {
    const t = this.head();
    if (t === null) return undefined;
    const nl = t.indexOf('\n');
    if (nl < 0) { this.consume(t.length); return t; }
    this.consume(nl + 1);
    return keep ? t.slice(0, nl + 1) : t.slice(0, nl);
  }
  number(): number | undefined {
    const t = this.head();
    if (t === null) return undefined;
    const m = /^\s*([-+]?(0[xX][0-9a-fA-F]+|\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?))/.exec(t);
    if (!m) return undefined;
    this.consume(m[0].length);
    return Number(m[1]);
  }
  bytes(n: number): string | undefined {
    let out = '';
    while (out.length < n) {
      const t = this.head();
      if (t === null) break;
      const take = Math.min(n - out.length, t.length);
      out += t.slice(0, take);
      this.consume(take);
    }
    return out === '' && n > 0 ? undefined : out;
  }
}

export class RednetHandle extends NetHandle {
  private link!: RednetLink;
  private cursor!: TextCursor;

  constructor(owner: Process, target: number, protocol: string | undefined, device: string | undefined) {
    // Connectionless: open from the start, no host I/O (the World may idle while it waits).
    super(owner, 'open', new ReadBuffer(true), null);
    try {
      this.link = rednetOf(owner.computer).open(owner, this.id, target, protocol, device);
    } catch (e) {
      this.release();
      throw e;
    }
    this.cursor = new TextCursor(this.link);
  }

  override read(args: MethodArgs): LuaValue[] {
    if (this.status !== 'open') throw new HandleError(`attempt to read from a ${this.status} handle`);
    const n = Math.max(1, args.count);
    const out: LuaValue[] = [];
    for (let i = 1; i <= n; i++) {
      const v = this.readRaw(args, i);
      out.push(v);
      if (v === undefined) { while (out.length < n) out.push(undefined); break; } // this mode and every later one: nil
    }
    return out;
  }

  private readRaw(args: MethodArgs, i: number): LuaValue {
    if (args.isNone(i)) return this.cursor.line(false);
    if (args.type(i) === lua.LUA_TNUMBER) {
      const n = args.number(i)!;
      if (!Number.isFinite(n) || n < 0) throw args.bad(i, 'invalid count');
      return this.cursor.bytes(Math.floor(n));
    }
    if (args.type(i) !== lua.LUA_TSTRING) throw args.bad(i, 'invalid format');
    switch (args.string(i)!.replace(/^\*/, '')[0]) {
      case 'a': return this.cursor.rawMessage()?.message;
      case 'l': return this.cursor.line(false);
      case 'L': return this.cursor.line(true);
      case 'n': return this.cursor.number();
      default: throw args.bad(i, 'invalid format');
    }
  }

  /** Each argument is one message, sent as it is (tables included, not stringified). */
  override write(args: MethodArgs): void {
    if (this.status !== 'open') throw new HandleError(`attempt to write to a ${this.status} handle`);
    const values: LuaValue[] = [];
    for (let i = 1; i <= args.count; i++) values.push(args.value(i));
    try { this.link.send(values); } catch (e) {
      if (e instanceof DeviceError) throw new HandleError(e.message);
      throw e;
    }
  }

  protected override extraMethods(): MethodTable<this> { return RednetHandle.METHODS; }

  private static readonly METHODS: MethodTable<RednetHandle> = {
    receive: (h) => {
      if (h.status !== 'open') throw new HandleError(`attempt to read from a ${h.status} handle`);
      const m = h.cursor.rawMessage();
      return m ? [m.message, m.sender, m.protocol, m.distance] : [];
    },
    /** Messages waiting (cinder extension). */
    available: (h) => [h.link.queue.length],
  };

  protected override send(): void { /* write() is overridden */ }
  protected override abort(): void { this.link?.service.release(this.link); }
}

/** `rednet://<ip>` and `rednet+<protocol>://<ip>` (the protocol keeps its case from the URL). */
export const rednetScheme: SchemeHandler = {
  name: 'rednet',
  matches: (scheme) => scheme === 'rednet' || /^rednet\+[a-z]+$/.test(scheme),
  connect(proc, opts, parsed, deviceArg) {
    // The modem comes from connect's second argument or, as in Phoenix, the options field `device`.
    const field = opts.table?.get('device');
    const device = deviceArg ?? (typeof field === 'string' ? field : undefined);
    const proto = /^rednet\+([A-Za-z]+):/i.exec(opts.url)?.[1];
    if (!parsed.host) return 'Missing host';
    const target = hostToId(parsed.host);
    if (target === null) return 'Invalid IP address';
    try {
      return new RednetHandle(proc, target === ANY_HOST ? ANY_HOST : target, proto, device);
    } catch (e) {
      if (e instanceof DeviceError) return e.message;
      throw e;
    }
  },
};
