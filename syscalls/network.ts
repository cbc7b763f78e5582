// Networking syscalls (reference/phoenix.md §2.6, §3): connect, checkuri,
// listen and unlisten. Schemes come from the computer's registry
// (kernel/net/schemes.ts); rednet and PSP add theirs there.
import { declare, SyscallError } from './types.js';
import type { Process } from '../kernel/process.js';
import { LuaTable } from '../kernel/vm/values.js';
import { netState } from '../kernel/net/state.js';
import { parseURI, ParsedURI, UriError } from '../kernel/net/uri.js';
import { OptionError, parseOptions } from '../kernel/net/options.js';
import type { SchemeHandler } from '../kernel/net/schemes.js';

function parse(uri: string): ParsedURI {
  try { return parseURI(uri); } catch (e) {
    if (e instanceof UriError) throw new SyscallError(e.message);
    throw e;
  }
}

function handlerFor(proc: Process, parsed: ParsedURI, op: keyof SchemeHandler): SchemeHandler {
  const h = netState(proc.computer).schemes.find(parsed.scheme);
  if (!h || !h[op]) throw new SyscallError(`Invalid protocol ${parsed.scheme}`);
  return h;
}

export const networkSyscalls = declare('network', [
  {
    name: 'connect', args: ['options: string|table', 'device: string?'], returns: 'Handle | nil, string',
    doc: 'Open a connection: a URI, or a table {url, method?, headers?, encoding?, redirect?, timeout?, query?, tls?}. '
      + 'Schemes: http(s), ws(s), tcp, and any a kernel module registers. Raises "Invalid URI", "Invalid protocol <scheme>" '
      + 'and bad option errors; a refused connection returns nil and the reason ("Domain not permitted", ...).',
    handler: (p, _t, options: string | LuaTable, device: string | undefined) => {
      let opts;
      try { opts = parseOptions(options); } catch (e) {
        if (e instanceof OptionError) throw new SyscallError(e.message);
        throw e;
      }
      const parsed = parse(opts.url);
      const h = handlerFor(p, parsed, 'connect');
      let result;
      try { result = h.connect!(p, opts, parsed, device); } catch (e) {
        if (e instanceof OptionError) throw new SyscallError(e.message);
        throw e;
      }
      if (typeof result === 'string') return [undefined, result];
      return [result.ref];
    },
  },
  {
    name: 'checkuri', args: ['uri: string'], returns: 'boolean', blocking: true,
    doc: 'Whether the URI is well formed and its scheme supported; for http(s), ws(s) and tcp also whether the host resolves '
      + 'and the address rules allow it. Never raises.',
    handler: async (p, _t, uri: string) => {
      let parsed: ParsedURI;
      try { parsed = parseURI(uri); } catch { return [false]; }
      const h = netState(p.computer).schemes.find(parsed.scheme);
      if (!h) return [false];
      if (!h.check) return [true];
      try { return [await h.check(p, uri, parsed)]; } catch { return [false]; }
    },
  },
  {
    name: 'listen', args: ['uri: string'], returns: 'string', blocking: true,
    doc: 'Accept connections on an http://, ws:// or tcp:// URI (loopback unless it names an address; port 0 picks one). '
      + 'Each request or client arrives as network_request {uri, ip, handle}. Returns the URI listened on.',
    handler: async (p, _t, uri: string) => {
      const parsed = parse(uri);
      const h = handlerFor(p, parsed, 'listen');
      return [await h.listen!(p, uri, parsed)];
    },
  },
  {
    name: 'unlisten', args: ['uri: string'],
    doc: 'Stop accepting on a URI given to listen ("Not listening", "Port open in another process"). Open connections stay open.',
    handler: (p, _t, uri: string) => {
      const parsed = parse(uri);
      const h = handlerFor(p, parsed, 'unlisten');
      h.unlisten!(p, uri, parsed);
    },
  },
]);
