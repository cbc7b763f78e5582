// The registry of URI scheme handlers behind connect, checkuri, listen and
// unlisten (reference/phoenix.md §3.3, §3.5.6). Built-in: http(s), ws(s), tcp.
// Kernel modules (rednet, PSP, ...) add theirs with `netState(c).schemes.register`.
import type { Process } from '../process.js';
import type { NetHandle } from './handles.js';
import type { ParsedURI } from './uri.js';
import type { ConnectOptions } from './options.js';
import { httpScheme } from './http.js';
import { wsScheme } from './ws.js';
import { tcpScheme } from './tcp.js';
import { rednetScheme } from './rednet-handle.js';

export interface SchemeHandler {
  /** Name for messages and docs, e.g. "http". */
  name: string;
  /** Does this handler serve `scheme` (lower case)? */
  matches(scheme: string): boolean;
  /** Make a handle, or refuse with a message (the syscall returns nil, message). */
  connect?(proc: Process, opts: ConnectOptions, parsed: ParsedURI, device?: string): NetHandle | string;
  /** checkuri: can this URI be used? Never throws. */
  check?(proc: Process, uri: string, parsed: ParsedURI): Promise<boolean>;
  /** listen: start accepting; resolves to the URI actually listened on. Throws SyscallError. */
  listen?(proc: Process, uri: string, parsed: ParsedURI): Promise<string>;
  /** unlisten: stop accepting. Throws SyscallError. */
  unlisten?(proc: Process, uri: string, parsed: ParsedURI): void;
}

export class SchemeRegistry {
  private readonly handlers: SchemeHandler[];
  constructor(initial: SchemeHandler[] = []) { this.handlers = [...initial]; }
  /** Add a handler; later registrations are tried first, so a module can override a built-in. */
  register(h: SchemeHandler): () => void {
    this.handlers.unshift(h);
    return () => { const i = this.handlers.indexOf(h); if (i >= 0) this.handlers.splice(i, 1); };
  }
  find(scheme: string): SchemeHandler | undefined {
    const s = scheme.toLowerCase();
    return this.handlers.find((h) => h.matches(s));
  }
  get names(): string[] { return this.handlers.map((h) => h.name); }
}

export function builtinSchemes(): SchemeHandler[] {
  return [httpScheme, wsScheme, tcpScheme, rednetScheme];
}
