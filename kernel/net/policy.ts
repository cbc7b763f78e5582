// Address rules and limits for host networking (HTTP, WebSocket, TCP), after
// CC: Tweaked's `[[http.rules]]` and CraftOS-PC's allow/deny lists
// (reference/cc-reference.md §3.7). One policy per computer; see docs/network.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export interface ResolvedAddress { address: string; family: 4 | 6 }
/** Resolve a host name to addresses (tests inject a fake resolver: no outside DNS). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface NetPolicy {
  /** Allow private, loopback and link-local addresses (`cinder run --allow-local`). */
  allowLocal: boolean;
  /** Host patterns that may be reached (default ["*"]). */
  allow: string[];
  /** Host patterns that may never be reached; they win over `allow`. */
  deny: string[];
  /** Largest response body (bytes). */
  maxDownload: number;
  /** Largest request body (bytes). */
  maxUpload: number;
  /** Largest WebSocket message, either direction (bytes). */
  maxWebsocketMessage: number;
  /** HTTP requests in flight per computer; more wait in a queue of `maxPending`. */
  maxRequests: number;
  maxPending: number;
  /** Default timeout of a request, handshake or TCP connect (ms). */
  timeout: number;
  /** Redirects followed per request. */
  maxRedirects: number;
  /** Extra trusted CA certificates (PEM) for https, wss and TLS sockets. */
  ca?: string;
  /** Name resolution; defaults to the system resolver. */
  resolve?: Resolver;
}

export const DENIED = 'Domain not permitted';

export function defaultPolicy(): NetPolicy {
  return {
    allowLocal: false, allow: ['*'], deny: [],
    maxDownload: 16 * 1024 * 1024, maxUpload: 4 * 1024 * 1024, maxWebsocketMessage: 128 * 1024,
    maxRequests: 16, maxPending: 512, timeout: 30_000, maxRedirects: 16,
  };
}

/** The `http` section of DATA/config.json merged over the defaults (missing file: defaults). */
export function loadPolicy(dataDir: string): NetPolicy {
  const p = defaultPolicy();
  let cfg: unknown;
  try { cfg = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')); } catch { return p; }
  const h = (cfg as { http?: Record<string, unknown> } | null)?.http;
  if (!h || typeof h !== 'object') return p;
  const strings = (v: unknown) => Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof h.allowLocal === 'boolean') p.allowLocal = h.allowLocal;
  p.allow = strings(h.allow) ?? p.allow;
  p.deny = strings(h.deny) ?? p.deny;
  p.maxDownload = num(h.maxDownload) ?? p.maxDownload;
  p.maxUpload = num(h.maxUpload) ?? p.maxUpload;
  p.maxWebsocketMessage = num(h.maxWebsocketMessage) ?? p.maxWebsocketMessage;
  p.maxRequests = num(h.maxRequests) ?? p.maxRequests;
  p.timeout = num(h.timeout) !== undefined ? num(h.timeout)! * 1000 : p.timeout;
  p.maxRedirects = num(h.maxRedirects) ?? p.maxRedirects;
  if (typeof h.ca === 'string') { try { p.ca = readFileSync(h.ca, 'utf8'); } catch { /* ignored */ } }
  return p;
}

// ---- addresses --------------------------------------------------------------

const PRIVATE = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.168.0.0', 16], ['100.64.0.0', 10], ['224.0.0.0', 4], ['192.0.0.192', 32]] as const) PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fe80::', 10], ['fec0::', 10], ['fc00::', 7], ['ff00::', 8]] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** Strip brackets and unwrap IPv4-mapped / 6to4 IPv6 addresses to the IPv4 they carry. */
export function normalizeAddress(a: string): string {
  let s = a.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped) return mapped[1];
  const hexMapped = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(s);
  if (hexMapped && isIP(s) === 6) {
    const hi = parseInt(hexMapped[1], 16), lo = parseInt(hexMapped[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(s);
  if (sixToFour && isIP(s) === 6) {
    const hi = parseInt(sixToFour[1], 16), lo = parseInt(sixToFour[2], 16);
    s = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return s;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The private IPv4 ranges by arithmetic (the common case, without BlockList's allocations). */
function privateV4(m: RegExpExecArray): boolean {
  const [a, b, c, d] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  if (a > 255 || b > 255 || c > 255 || d > 255) return false;
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31)
    || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a >= 224 && a <= 239) || (a === 192 && b === 0 && c === 0 && d === 192);
}

export function isPrivateAddress(address: string): boolean {
  const v4 = DOTTED.exec(address);
  if (v4) return privateV4(v4);
  if (!address.includes(':')) return false; // a host name
  const a = normalizeAddress(address);
  const mapped = DOTTED.exec(a);
  if (mapped) return privateV4(mapped);
  const fam = isIP(a);
  if (fam === 0) return false;
  return PRIVATE.check(a, fam === 4 ? 'ipv4' : 'ipv6');
}

function inCidr(address: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split('/');
  const fam = isIP(net);
  const bits = Number(bitsText);
  if (!fam || !Number.isInteger(bits)) return false;
  const a = normalizeAddress(address);
  if (isIP(a) !== fam) return false;
  const bl = new BlockList();
  try { bl.addSubnet(net, bits, fam === 4 ? 'ipv4' : 'ipv6'); } catch { return false; }
  return bl.check(a, fam === 4 ? 'ipv4' : 'ipv6');
}

function globMatch(pattern: string, host: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
  return re.test(host);
}

/** Does one rule pattern match this host name or address? */
export function patternMatches(pattern: string, host: string, address?: string): boolean {
  if (pattern === '*') return true; // the default allow rule, checked on every request
  const p = pattern.trim().toLowerCase();
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (p === '*') return true;
  if (p === '$private') return h === 'localhost' || isPrivateAddress(h) || (address !== undefined && isPrivateAddress(address));
  if (p.includes('/')) return inCidr(h, p) || (address !== undefined && inCidr(address, p));
  if (isIP(p.replace(/^\[|\]$/g, ''))) {
    const want = normalizeAddress(p);
    return normalizeAddress(h) === want || (address !== undefined && normalizeAddress(address) === want);
  }
  return globMatch(p, h);
}

/**
 * The verdict for a host (and, once known, its resolved address): null when
 * allowed, otherwise the refusal message. Deny patterns win; then the host must
 * match an allow pattern; private and loopback addresses also need
 * `allowLocal`, or an allow pattern other than "*" naming them.
 */
export function checkHost(policy: NetPolicy, host: string, address?: string): string | null {
  if (policy.deny.some((p) => patternMatches(p, host, address))) return DENIED;
  if (!policy.allow.some((p) => patternMatches(p, host, address))) return DENIED;
  const local = host.replace(/^\[|\]$/g, '').toLowerCase() === 'localhost' || isPrivateAddress(host) || (address !== undefined && isPrivateAddress(address));
  if (local && !policy.allowLocal && !policy.allow.some((p) => p.trim() !== '*' && patternMatches(p, host, address))) return DENIED;
  return null;
}

// ---- resolution ---------------------------------------------------------------

export class PolicyError extends Error {
  readonly code = 'ECINDERDENIED';
}

export const systemResolver: Resolver = (host) => new Promise((resolve, reject) => {
  dnsLookup(host, { all: true }, (err, addrs) => {
    if (err) reject(err);
    else resolve(addrs.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })));
  });
});

/** Resolve `host` and apply the rules to every address; rejects with PolicyError or the DNS error. */
export async function resolveAllowed(policy: NetPolicy, host: string): Promise<ResolvedAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  const pre = checkHost(policy, bare);
  if (pre) throw new PolicyError(pre);
  const fam = isIP(bare);
  const addrs = fam ? [{ address: bare, family: fam as 4 | 6 }] : await (policy.resolve ?? systemResolver)(bare);
  if (!addrs.length) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${bare}`), { code: 'ENOTFOUND' });
  for (const a of addrs) {
    const v = checkHost(policy, bare, a.address);
    if (v) throw new PolicyError(v);
  }
  return addrs;
}

type LookupCallback = (err: Error | null, address?: string | Array<{ address: string; family: number }>, family?: number) => void;

/**
 * A `lookup` for http.Agent, ws and net.connect that applies the rules to the
 * resolved address at connect time (so DNS rebinding cannot reach a denied address).
 */
export function policyLookup(policy: NetPolicy) {
  return (hostname: string, options: unknown, callback?: LookupCallback): void => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean; family?: number };
    resolveAllowed(policy, hostname).then((addrs) => {
      let list = addrs;
      if (opts.family === 4 || opts.family === 6) list = addrs.filter((a) => a.family === opts.family);
      if (!list.length) list = addrs;
      if (opts.all) cb(null, list.map((a) => ({ address: a.address, family: a.family })));
      else cb(null, list[0].address, list[0].family);
    }, (e: Error) => cb(e));
  };
}
