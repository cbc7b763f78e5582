// URIs: the Phoenix-shaped parse result the Lua side sees
// ({scheme, user?, host?, port?, path?, query?, fragment?}, reference/phoenix.md
// §3.2), written as a small character-class state machine, plus helpers to
// build request URLs with the WHATWG parser (node's URL).

export interface ParsedURI {
  scheme: string;
  user?: string;
  host?: string;
  port?: number;
  path?: string;
  query?: string;
  fragment?: string;
}

export class UriError extends Error {}

const SCHEME_START = /[A-Za-z]/;
const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
// RFC 3986 characters allowed anywhere after the scheme: unreserved, sub-delims, ":@/?#[]" and "%" escapes.
// Every character allowed, and every "%" followed by two hex digits.
const URI_REST = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;

/** Parse a URI; throws UriError("Invalid URI") for anything malformed. */
export function parseURI(uri: string): ParsedURI {
  const bad = () => new UriError('Invalid URI');
  let i = 0;
  if (!SCHEME_START.test(uri[0] ?? '')) throw bad();
  while (i < uri.length && SCHEME_CHAR.test(uri[i])) i++;
  if (uri[i] !== ':') throw bad();
  const out: ParsedURI = { scheme: uri.slice(0, i).toLowerCase() };
  i++;
  const rest = uri.slice(i);
  if (!URI_REST.test(rest)) throw bad();
  let hier = rest;
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
      if (/[[\]]/.test(host)) throw bad();
    }
    if (port !== undefined && port !== '') {
      if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw bad();
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

/** A WHATWG URL for an http/ws/tcp URI, or null when node's parser rejects it or it has no host. */
export function toURL(uri: string): URL | null {
  try {
    const u = new URL(uri);
    return u.hostname ? u : null;
  } catch { return null; }
}

/** A host name as node's socket APIs want it (IPv6 brackets removed). */
export function bareHost(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}
