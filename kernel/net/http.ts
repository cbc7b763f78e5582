// HTTP and HTTPS client handles (reference/phoenix.md §3.5.1), on node-fetch.
// The handle starts `ready`; the one write() sends the request (status
// `connecting`); when the whole body has arrived it becomes `open` (also for
// error statuses, which keep their body) or `error` with a CC-style message.
// Redirects are followed here (not by node-fetch) so every hop is counted and
// checked against the address rules; connections go through an agent whose
// lookup applies the rules to the resolved address.
import http from 'node:http';
import https from 'node:https';
import type { Response } from 'node-fetch';
import { loadFetch } from './lazy.js';
import type { Process } from '../process.js';
import { CINDER_VERSION } from '../version.js';
import { HandleError, joinParts, NetHandle, type MethodTable } from './handles.js';
import { ReadBuffer } from './buffer.js';
import { netState, NetState } from './state.js';
import { checkHost, policyLookup, PolicyError, resolveAllowed } from './policy.js';
import { friendlyError, MSG } from './errors.js';
import type { ConnectOptions } from './options.js';
import { OptionError } from './options.js';
import type { SchemeHandler } from './schemes.js';
import { parseURI, toURL, type ParsedURI } from './uri.js';
import { listenScheme, unlistenScheme } from './servers.js';
import { isUtf8 } from './utf8.js';
import { RequestAbort } from './abort.js';

export const HTTP_METHODS = new Set(['GET', 'POST', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'TRACE']);
const UA_HEADER: [string, string] = ['User-Agent', `computercraft/1.113.0 cinder/${CINDER_VERSION}`];
// node-fetch copies a header object with less work than a list of pairs; most requests send no headers of their own.
const DEFAULT_HEADERS: Readonly<Record<string, string>> = Object.freeze({ [UA_HEADER[0]]: UA_HEADER[1] });

/** The program's headers, plus cinder's User-Agent unless the program set its own. */
function requestHeaders(own: Array<[string, string]>): Array<[string, string]> | Readonly<Record<string, string>> {
  if (own.length === 0) return DEFAULT_HEADERS;
  return own.some(([k]) => k.toLowerCase() === 'user-agent') ? own : [...own, UA_HEADER];
}

class NetFailure extends Error {}

interface Agents { http: http.Agent; https: https.Agent; ca: string | undefined }
const agents = new WeakMap<NetState, Agents>();

/** Keep-alive agents whose lookup applies the computer's address rules (read at connect time). */
export function agentsFor(st: NetState): Agents {
  let a = agents.get(st);
  if (!a || a.ca !== st.policy.ca) {
    const lookup = (h: string, o: unknown, cb: unknown) => policyLookup(st.policy)(h, o, cb as never);
    a = {
      http: new http.Agent({ keepAlive: true, lookup: lookup as never }),
      https: new https.Agent({ keepAlive: true, lookup: lookup as never, ca: st.policy.ca }),
      ca: st.policy.ca,
    };
    agents.set(st, a);
  }
  return a;
}

function isRedirect(code: number): boolean {
  return code >= 300 && code <= 308 && code !== 304 && code !== 305 && code !== 306;
}

/** Read the whole body, refusing more than `max` bytes. Plain stream events: an async
 * iterator costs a promise per chunk, and most bodies are one chunk. */
function readBody(res: Response, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (!res.headers.get('content-encoding') && Number.isFinite(declared) && declared > max) return Promise.reject(new NetFailure(MSG.tooLarge));
  const body = res.body as unknown as NodeJS.ReadableStream & { destroy(): void } | null;
  if (!body) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let ended = false;
    body.on('data', (b: Buffer) => {
      total += b.length;
      if (total > max) { body.destroy(); reject(new NetFailure(MSG.tooLarge)); return; }
      chunks.push(b);
    });
    body.once('end', () => { ended = true; resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)); });
    body.once('error', reject);
    body.once('close', () => { if (!ended) reject(new Error('Premature close')); });
  });
}

export class HttpHandle extends NetHandle {
  private controller: RequestAbort | null = null;
  private timer: NodeJS.Timeout | null = null;
  private queued: (() => void) | null = null;
  private slotHeld = false;
  private code = 0;
  private reason = '';
  private rawHeaders: { raw(): Record<string, string[]> } | null = null;
  private headers: Record<string, string> | null = null;

  private readonly st: NetState;

  constructor(owner: Process, private readonly opts: ConnectOptions, private readonly url: URL) {
    super(owner, 'ready', new ReadBuffer(false, ''), null);
    this.st = netState(owner.computer);
  }

  protected override writable(): boolean { return this.status === 'ready'; }

  protected send(parts: Buffer[]): void {
    const body = joinParts(parts);
    if (this.opts.encoding === 'utf8' && !isUtf8(body)) throw new HandleError(`${MSG.utf8} in request body`);
    const method = this.opts.method ?? (body.length ? 'POST' : 'GET');
    this.transition('connecting', undefined, undefined, true);
    this.setIo('active');
    if (body.length > this.st.policy.maxUpload) { this.fail(MSG.bodyTooLarge); return; }
    if ((method === 'GET' || method === 'HEAD') && body.length) { this.fail(`${method} requests cannot have a body`); return; }
    const start = () => { this.queued = null; void this.run(method, body); };
    this.queued = start;
    if (!this.st.requests.acquire(start)) { this.queued = null; this.fail(MSG.tooMany); }
  }

  private async run(method: string, body: Buffer): Promise<void> {
    this.slotHeld = true;
    if (!this.alive) { this.releaseSlot(); return; }
    const policy = this.st.policy;
    const controller = new RequestAbort();
    this.controller = controller;
    this.timer = setTimeout(() => controller.abort(), this.opts.timeout ?? policy.timeout);
    const { http: httpAgent, https: httpsAgent } = agentsFor(this.st);
    const headers = requestHeaders(this.opts.headers);
    let url = this.url.href;
    let redirects = 0;
    let reqBody: Buffer | undefined = body.length || !(method === 'GET' || method === 'HEAD') ? body : undefined;
    try {
      for (;;) {
        const loaded = loadFetch();
        const fetch = loaded instanceof Promise ? await loaded : loaded;
        // Closed or timed out while node-fetch was loading: node-fetch must not get a signal that
        // is already aborted (it then destroys the request body stream with an error nobody
        // listens to, which ends the host process).
        if (controller.aborted) {
          if (this.alive) this.fail(MSG.timeout);
          return;
        }
        const res = await fetch(url, {
          method, headers, body: reqBody, redirect: 'manual', signal: controller as never, compress: true,
          agent: (u: URL) => (u.protocol === 'https:' ? httpsAgent : httpAgent),
        });
        const location = this.opts.redirect && isRedirect(res.status) ? res.headers.get('location') : null;
        if (location !== null) {
          let next: URL | null = null;
          try { next = new URL(location, url); } catch { next = null; }
          if (next && (next.protocol === 'http:' || next.protocol === 'https:') && next.href !== url) {
            if (++redirects > policy.maxRedirects) throw new NetFailure(MSG.redirects);
            const verdict = checkHost(policy, next.hostname);
            if (verdict) throw new PolicyError(verdict);
            res.body?.resume();
            if (res.status === 303) { method = method === 'HEAD' ? 'HEAD' : 'GET'; reqBody = undefined; }
            url = next.href;
            continue;
          }
        }
        const data = await readBody(res, policy.maxDownload);
        if (!this.alive) return;
        this.code = res.status;
        this.reason = res.statusText;
        this.rawHeaders = res.headers;
        this.buffer.push(this.opts.encoding === 'utf8' && !isUtf8(data) ? Buffer.from(data.toString('utf8'), 'utf8') : data);
        this.buffer.ended = true;
        this.setIo(null);
        this.transition('open');
        return;
      }
    } catch (e) {
      if (this.alive) this.fail(e instanceof NetFailure ? e.message : friendlyError(e));
    } finally {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.controller = null;
      this.releaseSlot();
    }
  }

  private releaseSlot(): void {
    if (this.slotHeld) { this.slotHeld = false; this.st.requests.release(); }
  }

  protected abort(): void {
    if (this.queued) { this.st.requests.cancel(this.queued); this.queued = null; }
    this.controller?.abort();
  }

  protected override extraMethods(): MethodTable<this> { return HttpHandle.METHODS; }

  private static readonly METHODS: MethodTable<HttpHandle> = {
    responseCode: (h) => { h.requireOpen(); return [h.code, h.reason]; },
    responseHeaders: (h) => {
      h.requireOpen();
      if (!h.headers) {
        h.headers = {};
        for (const [k, v] of Object.entries(h.rawHeaders?.raw() ?? {})) h.headers[k] = v.join(', ');
      }
      return [{ ...h.headers }];
    },
  };
}

/** Shared by http and ws: the URL as node parses it (with a host, of one of `protocols`), or the refusal. */
export function parseUrlFor(st: NetState, opts: ConnectOptions, parsed: ParsedURI, protocols: string[]): URL | string {
  const u = parsed.host ? toURL(opts.url) : null;
  if (!u || !protocols.includes(u.protocol)) throw new OptionError('Invalid URI');
  return checkHost(st.policy, u.hostname) ?? u;
}

export function validateHeaders(opts: ConnectOptions): void {
  for (const [k, v] of opts.headers) {
    try { http.validateHeaderName(k); } catch { throw new OptionError(`Invalid header name '${k}'`); }
    try { http.validateHeaderValue(k, v); } catch { throw new OptionError(`Invalid value for header '${k}'`); }
  }
}

export async function checkHttpLike(proc: Process, uri: string, protocols: string[]): Promise<boolean> {
  const u = toURL(uri);
  let host: string | undefined;
  try { host = parseURI(uri).host; } catch { host = undefined; }
  if (!u || !host || !protocols.includes(u.protocol)) return false;
  try { await resolveAllowed(netState(proc.computer).policy, u.hostname); return true; } catch { return false; }
}

export const httpScheme: SchemeHandler = {
  name: 'http',
  matches: (s) => s === 'http' || s === 'https',
  connect(proc, opts, parsed) {
    const st = netState(proc.computer);
    const u = parseUrlFor(st, opts, parsed, ['http:', 'https:']);
    if (typeof u === 'string') return u;
    if (opts.method !== undefined && !HTTP_METHODS.has(opts.method)) return MSG.method;
    validateHeaders(opts);
    return new HttpHandle(proc, opts, u);
  },
  check: (proc, uri) => checkHttpLike(proc, uri, ['http:', 'https:']),
  listen: (proc, uri, parsed: ParsedURI) => listenScheme(proc, uri, parsed),
  unlisten: (proc, uri, parsed: ParsedURI) => unlistenScheme(proc, uri, parsed),
};

