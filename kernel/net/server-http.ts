// The handle an HTTP server process gets with each network_request: it reads
// the request (requestMethod, requestPath, requestQuery, requestHeaders and
// read for the body) and builds the answer (setResponseCode,
// setResponseHeader, write); close() sends it. If the process never answers
// within the timeout, what it has written is sent; if it ends first, the
// client gets 503.
import http from 'node:http';
import type { Process } from '../process.js';
import { HandleError, joinParts, NetHandle, type MethodTable } from './handles.js';
import { ReadBuffer } from './buffer.js';
import { netState } from './state.js';
import { MSG } from './errors.js';
import { LuaTable } from '../vm/values.js';

export class HttpServerHandle extends NetHandle {
  private code = 200;
  private readonly outHeaders = new Map<string, [string, string]>();
  private readonly out: Buffer[] = [];
  private outSize = 0;
  private responded = false;
  private readonly timer: NodeJS.Timeout;

  constructor(owner: Process, private readonly req: http.IncomingMessage, private readonly res: http.ServerResponse,
    body: Buffer, readonly uri: string, readonly ip: string) {
    super(owner, 'open', new ReadBuffer(false, ''), null);
    this.buffer.push(body);
    this.buffer.ended = true;
    res.on('close', () => {
      if (this.alive && !this.responded) { this.responded = true; this.transition('closed', MSG.closed); }
    });
    this.timer = setTimeout(() => {
      if (!this.alive) return;
      this.respond();
      this.transition('closed', MSG.timeout);
    }, netState(owner.computer).policy.timeout);
  }

  protected send(parts: Buffer[]): void {
    const data = joinParts(parts);
    if (this.outSize + data.length > netState(this.owner.computer).policy.maxDownload) throw new HandleError(MSG.tooLarge);
    this.out.push(data);
    this.outSize += data.length;
  }

  private respond(): void {
    clearTimeout(this.timer);
    if (this.responded) return;
    this.responded = true;
    const headers: Record<string, string> = {};
    for (const [name, value] of this.outHeaders.values()) headers[name] = value;
    try {
      this.res.writeHead(this.code, headers);
      this.res.end(Buffer.concat(this.out, this.outSize));
    } catch { this.res.destroy(); }
  }

  override close(): void {
    if (!this.alive) return;
    this.respond();
    super.close();
  }

  protected abort(): void {
    clearTimeout(this.timer);
    if (this.responded) return;
    this.responded = true;
    try { this.res.writeHead(503, { 'Content-Type': 'text/plain' }); this.res.end('Service Unavailable\n'); } catch { this.res.destroy(); }
  }

  private target: { path: string; query: string } | null = null;

  /** The request target's path and query, split on first use. */
  private targetParts(): { path: string; query: string } {
    return (this.target ??= requestTarget(this.req.url ?? '/'));
  }

  protected override extraMethods(): MethodTable<this> { return HttpServerHandle.METHODS; }

  private static readonly METHODS: MethodTable<HttpServerHandle> = {
    requestMethod: (h) => [h.req.method ?? 'GET'],
    requestPath: (h) => [h.targetParts().path],
    requestQuery: (h) => {
      const t = new LuaTable();
      for (const [k, v] of new URLSearchParams(h.targetParts().query)) t.set(k, v);
      return [t];
    },
    requestHeaders: (h) => {
      const t: Record<string, string> = {};
      for (const [k, v] of Object.entries(h.req.headers)) if (v !== undefined) t[k] = Array.isArray(v) ? v.join(', ') : v;
      return [t];
    },
    requestURI: (h) => [h.uri],
    remoteAddress: (h) => [h.ip, h.req.socket.remotePort],
    setResponseCode: (h, a) => {
      h.requireOpen();
      const code = a.number(1)!;
      if (!Number.isInteger(code) || code < 100 || code > 599) throw a.bad(1, 'status code out of range (100-599)');
      h.code = code;
      return [];
    },
    setResponseHeader: (h, a) => {
      h.requireOpen();
      const name = a.string(1)!;
      const value = a.string(2)!;
      try { http.validateHeaderName(name); } catch { throw a.bad(1, `invalid header name '${name}'`); }
      try { http.validateHeaderValue(name, value); } catch { throw a.bad(2, 'invalid header value'); }
      h.outHeaders.set(name.toLowerCase(), [name, value]);
      return [];
    },
  };
}

// Characters a URL path keeps exactly as they are (no percent-encoding, no dot segments).
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/** The path and raw query of a request target, as `new URL(target, base)` gives them; the common
 * plain path is split without running the URL parser (a few µs per request). */
export function requestTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (!target.includes('#') && PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) {
    return { path, query: q < 0 ? '' : target.slice(q + 1) };
  }
  const url = new URL(target, 'http://localhost');
  return { path: url.pathname, query: url.search.slice(1) };
}
