// connect's options table (reference/phoenix.md §3.3, plus `timeout`, `query`
// and `tls`): checked and converted once, for every scheme.
import { LuaTable, LuaValue, luaTypeOf } from '../vm/values.js';
import { appendQuery } from './uri.js';

export interface ConnectOptions {
  url: string;
  method?: string;
  headers: Array<[string, string]>;
  encoding: 'binary' | 'utf8';
  redirect: boolean;
  /** Milliseconds; undefined means the policy default. */
  timeout?: number;
  tls?: boolean;
  /** The table as given, for module schemes that read other fields. */
  table?: LuaTable;
}

/** A wrong option: connect raises it (a programming error, not a refusal). */
export class OptionError extends Error {}

function text(v: LuaValue): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  if (typeof v === 'number') return String(v);
  return undefined;
}

function field(t: LuaTable, name: string, type: string): LuaValue {
  const v = t.get(name);
  if (v === undefined) return undefined;
  const got = luaTypeOf(v);
  if (got !== type) throw new OptionError(`bad field '${name}' (${type} expected, got ${got})`);
  return v;
}

export function parseOptions(arg: string | LuaTable): ConnectOptions {
  if (!(arg instanceof LuaTable)) return { url: text(arg) ?? '', headers: [], encoding: 'binary', redirect: true };
  const url = field(arg, 'url', 'string');
  if (url === undefined) throw new OptionError("bad field 'url' (string expected, got nil)");
  const opts: ConnectOptions = { url: text(url)!, headers: [], encoding: 'binary', redirect: true, table: arg };
  const method = field(arg, 'method', 'string');
  if (method !== undefined) opts.method = text(method)!.toUpperCase();
  const headers = field(arg, 'headers', 'table');
  if (headers instanceof LuaTable) {
    for (const [k, v] of headers.hash) {
      const key = typeof k === 'string' || k instanceof Uint8Array ? text(k) : undefined;
      const val = text(v);
      if (key === undefined || val === undefined) continue; // only string keys with string/number values count
      opts.headers.push([key, val]);
    }
  }
  const enc = field(arg, 'encoding', 'string');
  if (enc !== undefined) {
    const e = text(enc)!.toLowerCase();
    if (e === 'utf8' || e === 'utf-8') opts.encoding = 'utf8';
    else if (e !== 'binary') throw new OptionError(`bad field 'encoding' (expected "utf8", "utf-8" or "binary", got "${text(enc)}")`);
  }
  const redirect = field(arg, 'redirect', 'boolean');
  if (redirect !== undefined) opts.redirect = redirect as boolean;
  const timeout = field(arg, 'timeout', 'number');
  if (timeout !== undefined) {
    const s = timeout as number;
    if (!(s > 0 && s <= 3600)) throw new OptionError(`bad field 'timeout' (out of range: ${s}; seconds, more than 0 and at most 3600)`);
    opts.timeout = s * 1000;
  }
  const tls = field(arg, 'tls', 'boolean');
  if (tls !== undefined) opts.tls = tls as boolean;
  const query = field(arg, 'query', 'table');
  if (query instanceof LuaTable) {
    const pairs: Array<[string, string]> = [];
    for (const [k, v] of query.hash) {
      const key = typeof k === 'string' || typeof k === 'number' || k instanceof Uint8Array ? text(k as LuaValue) : undefined;
      const val = typeof v === 'boolean' ? String(v) : text(v);
      if (key === undefined || val === undefined) throw new OptionError(`bad field 'query' (string keys and values expected)`);
      pairs.push([key, val]);
    }
    opts.url = appendQuery(opts.url, pairs);
  }
  return opts;
}
