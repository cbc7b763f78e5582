// URIs: the Phoenix-shaped parse result the Lua side sees
// ({scheme, user?, host?, port?, path?, query?, fragment?}, reference/phoenix.md
// §3.2), written as a small character-class state machine, plus helpers to
// build request URLs with the WHATWG parser (node's URL).

/** A parsed URI. Read only: parseURI shares one frozen object between calls with the same string. */
export interface ParsedURI {
  readonly scheme: string;
  readonly user?: string;
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly query?: string;
  readonly fragment?: string;
}

type Building = { -readonly [K in keyof ParsedURI]: ParsedURI[K] };

export class UriError extends Error {}

// Character classes by code (a loop over char codes: regular expressions over
// every character cost microseconds on each connect).
const SCHEME_CHAR = new Uint8Array(128);
const REST_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const alnum = /[A-Za-z0-9]/.test(ch);
  SCHEME_CHAR[c] = alnum || '+.-'.includes(ch) ? 1 : 0;
  // RFC 3986 characters allowed anywhere after the scheme: unreserved, sub-delims and ":@/?#[]" ("%" is checked apart).
  REST_CHAR[c] = alnum || "-._~!$&'()*+,;=:@/?#[]".includes(ch) ? 1 : 0;
}

const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Every character after the scheme allowed, and every "%" followed by two hex digits. */
function validRest(uri: string, from: number): boolean {
  for (let j = from; j < uri.length; j++) {
    const c = uri.charCodeAt(j);
    if (c === 37) {
      if (!isHex(uri.charCodeAt(j + 1)) || !isHex(uri.charCodeAt(j + 2))) return false;
      j += 2;
    } else if (c >= 128 || !REST_CHAR[c]) return false;
  }
  return true;
}

/** A port: one to five digits, at most 65535. */
function validPort(port: string): boolean {
  if (port.length < 1 || port.length > 5) return false;
  for (let j = 0; j < port.length; j++) if (!isDigit(port.charCodeAt(j))) return false;
  return Number(port) <= 65535;
}

// Programs request the same few URIs over and over (a client polling one server):
// the last results of parseURI and toURL are kept, frozen so no caller can change
// what the next one gets. Cleared when full, which costs one re-parse per URI.
const CACHE_MAX = 64;
const parsedCache = new Map<string, ParsedURI>();
const urlCache = new Map<string, URL | null>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

/** Parse a URI; throws UriError("Invalid URI") for anything malformed. The result is shared: read only. */
export function parseURI(uri: string): ParsedURI {
  return parsedCache.get(uri) ?? remember(parsedCache, uri, Object.freeze(parseFresh(uri)));
}

function parseFresh(uri: string): ParsedURI {
  const bad = () => new UriError('Invalid URI');
  if (!isAlpha(uri.charCodeAt(0))) throw bad();
  let i = 1;
  while (i < uri.length && uri.charCodeAt(i) < 128 && SCHEME_CHAR[uri.charCodeAt(i)]) i++;
  if (uri.charCodeAt(i) !== 58) throw bad(); // ":"
  const out: Building = { scheme: uri.slice(0, i).toLowerCase() };
  if (!validRest(uri, i + 1)) throw bad();
  let hier = uri.slice(i + 1);
  const hash = hier.indexOf('#');
  if (hash >= 0) { out.fragment = hier.slice(hash + 1); hier = hier.slice(0, hash); }
  const q = hier.indexOf('?');
  if (q >= 0) { out.query = hier.slice(q + 1); hier = hier.slice(0, q); }
  if (hier.startsWith('//')) {
    const slash = hier.indexOf('/', 2);
    let auth = slash >= 0 ? hier.slice(2, slash) : hier.slice(2);
    if (slash >= 0) out.path = hier.slice(slash);
    const at = auth.lastIndexOf('@');
    if (at >= 0) { out.user = auth.slice(0, at); auth = auth.slice(at + 1); }
    let host = auth;
    let port: string | undefined;
    if (auth.startsWith('[')) {
      const close = auth.indexOf(']');
      if (close < 0) throw bad();
      host = auth.slice(0, close + 1);
      const after = auth.slice(close + 1);
      if (after !== '') { if (!after.startsWith(':')) throw bad(); port = after.slice(1); }
    } else {
      const colon = auth.indexOf(':');
      if (colon >= 0) { host = auth.slice(0, colon); port = auth.slice(colon + 1); }
      if (host.includes('[') || host.includes(']')) throw bad();
    }
    if (port !== undefined && port !== '') {
      if (!validPort(port)) throw bad();
      out.port = Number(port);
    }
    if (host !== '') out.host = host;
  } else if (hier !== '') {
    out.path = hier;
  }
  if (out.path === '') delete out.path;
  return out;
}

/** Encode a query component: every byte but unreserved characters is %XX-escaped. */
export function encodeComponent(s: string | Uint8Array): string {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s);
  let out = '';
  for (const c of b) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e) {
      out += String.fromCharCode(c);
    } else out += '%' + c.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Append key/value pairs (sorted by key, so the URL is stable) to a URL's query. */
export function appendQuery(url: string, pairs: Array<[string, string]>): string {
  if (!pairs.length) return url;
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const frag = hash >= 0 ? url.slice(hash) : '';
  const q = [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&');
  const sep = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return base + sep + q + frag;
}

/** A WHATWG URL for an http/ws/tcp URI, or null when node's parser rejects it or it has no host.
 * The URL is shared between calls with the same string: never modify it. */
export function toURL(uri: string): URL | null {
  const known = urlCache.get(uri);
  if (known !== undefined) return known;
  let u: URL | null;
  try {
    u = new URL(uri);
    if (!u.hostname) u = null;
  } catch { u = null; }
  return remember(urlCache, uri, u);
}

/** A host name as node's socket APIs want it (IPv6 brackets removed). */
export function bareHost(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}
