// Host errors (node-fetch, ws, node:net/tls) as the CC-style messages programs
// see (reference/cc-reference.md §3.8).
import { PolicyError } from './policy.js';

export const MSG = {
  denied: 'Domain not permitted',
  unknownHost: 'Unknown host',
  connect: 'Could not connect',
  timeout: 'Timed out',
  tls: 'Could not create a secure connection',
  tooLarge: 'Response is too large',
  bodyTooLarge: 'Request body is too large',
  messageTooLarge: 'Message is too large',
  tooMany: 'Too many ongoing HTTP requests',
  method: 'Unsupported HTTP method',
  closed: 'Connection closed',
  redirects: 'Too many redirects',
  utf8: 'Invalid UTF-8',
} as const;

const TLS_CODES = /^(ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_OSSL_|HOSTNAME_MISMATCH|EPROTO$)/;

function codeOf(e: unknown): string {
  const x = e as { code?: unknown; cause?: { code?: unknown }; erroredSysCall?: unknown } | null;
  if (x && typeof x.code === 'string') return x.code;
  if (x && x.cause && typeof x.cause.code === 'string') return x.cause.code;
  return '';
}

/** The friendly message for a failed connection or request. */
export function friendlyError(e: unknown): string {
  if (e instanceof PolicyError) return e.message;
  const x = e as { name?: string; type?: string; message?: string } | null;
  const code = codeOf(e);
  if (code === 'ECINDERDENIED') return MSG.denied;
  if (x?.name === 'AbortError' || code === 'ETIMEDOUT' || code === 'ABORT_ERR' || code === 'ECINDERTIMEOUT') return MSG.timeout;
  if (x?.type === 'max-size') return MSG.tooLarge;
  if (/timed out/i.test(x?.message ?? '')) return MSG.timeout;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL' || code === 'ENODATA') return MSG.unknownHost;
  if (TLS_CODES.test(code)) return MSG.tls;
  if (/ssl|tls|certificate|wrong version number/i.test(x?.message ?? '')) return MSG.tls;
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return MSG.connect;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || /premature close|socket hang up/i.test(x?.message ?? '')) return MSG.closed;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return MSG.messageTooLarge;
  if (code === 'WS_ERR_INVALID_UTF8') return MSG.utf8;
  return x?.message ? x.message : MSG.connect;
}
