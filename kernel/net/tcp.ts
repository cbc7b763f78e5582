// Raw TCP handles, `tcp://host:port` (TLS with `?tls=true` or the `tls`
// option): a byte stream on the common handle interface, like Lune's
// net.tcp.connect and min's socket/connect. `connecting` until the connection
// (and TLS handshake) is up, then `open`; a peer close gives `closed` (data
// already received stays readable). Accepted server-side sockets start `open`.
import net from 'node:net';
import tls from 'node:tls';
import type { Process } from '../process.js';
import { joinParts, NetHandle, type MethodTable } from './handles.js';
import { ReadBuffer } from './buffer.js';
import { netState } from './state.js';
import { checkHost, policyLookup, resolveAllowed } from './policy.js';
import { friendlyError, MSG } from './errors.js';
import { OptionError, type ConnectOptions } from './options.js';
import type { SchemeHandler } from './schemes.js';
import { bareHost, parseURI, type ParsedURI } from './uri.js';
import { listenScheme, unlistenScheme } from './servers.js';

export class TcpHandle extends NetHandle {
  private paused = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(owner: Process, private readonly sock: net.Socket, accepted: boolean, secure = false, timeoutMs = 0) {
    super(owner, accepted ? 'open' : 'connecting', new ReadBuffer(false), accepted ? 'passive' : 'active');
    let lastError: string | undefined;
    sock.on('error', (e) => { lastError ??= friendlyError(e); });
    if (!accepted) {
      this.timer = setTimeout(() => { lastError = MSG.timeout; sock.destroy(); }, timeoutMs);
      sock.once(secure ? 'secureConnect' : 'connect', () => {
        if (this.timer) clearTimeout(this.timer);
        if (!this.alive) return;
        this.setIo('passive');
        this.transition('open');
      });
    }
    sock.on('data', (d: Buffer) => {
      if (!this.alive) return;
      this.received(d);
      if (!this.paused && this.buffer.length > this.max()) { this.paused = true; sock.pause(); }
    });
    sock.on('close', () => {
      if (this.timer) clearTimeout(this.timer);
      if (!this.alive) return;
      if (this.status === 'connecting') { this.fail(lastError ?? MSG.connect); return; }
      this.transition('closed', lastError);
    });
  }

  private max(): number { return netState(this.owner.computer).policy.maxDownload; }

  protected override afterRead(): void {
    if (this.paused && this.buffer.length <= this.max() / 2) { this.paused = false; this.sock.resume(); }
  }

  protected send(parts: Buffer[]): void {
    const data = joinParts(parts);
    if (data.length) this.sock.write(data);
  }

  protected abort(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.status === 'error' || this.sock.connecting) { this.sock.destroy(); return; }
    this.sock.end();
    // A peer that never finishes its side must not keep the socket forever.
    setTimeout(() => this.sock.destroy(), 2000).unref();
  }

  protected override extraMethods(): MethodTable<this> { return TcpHandle.METHODS; }

  private static readonly METHODS: MethodTable<TcpHandle> = {
    /** remoteAddress(): ip, port of the peer. */
    remoteAddress: (h) => [h.sock.remoteAddress, h.sock.remotePort],
  };
}

/** host, port and TLS flag of a tcp:// URI. */
function target(opts: ConnectOptions): { host: string; port: number; tls: boolean } {
  let parsed: ParsedURI;
  try { parsed = parseURI(opts.url); } catch { throw new OptionError('Invalid URI'); }
  if (!parsed.host) throw new OptionError('Missing host');
  if (parsed.port === undefined || parsed.port === 0) throw new OptionError('No port specified');
  const q = new URLSearchParams(parsed.query ?? '');
  const flag = q.get('tls');
  return { host: bareHost(parsed.host), port: parsed.port, tls: opts.tls ?? (flag === 'true' || flag === '1') };
}

export const tcpScheme: SchemeHandler = {
  name: 'tcp',
  matches: (s) => s === 'tcp',
  connect(proc, opts) {
    const st = netState(proc.computer);
    const t = target(opts);
    const verdict = checkHost(st.policy, t.host);
    if (verdict) return verdict;
    const lookup = (h: string, o: unknown, cb: unknown) => policyLookup(st.policy)(h, o, cb as never);
    const sock = t.tls
      ? tls.connect({ host: t.host, port: t.port, lookup: lookup as never, ca: st.policy.ca, servername: net.isIP(t.host) ? undefined : t.host })
      : net.connect({ host: t.host, port: t.port, lookup: lookup as never });
    return new TcpHandle(proc, sock, false, t.tls, opts.timeout ?? st.policy.timeout);
  },
  async check(proc, uri) {
    try {
      const t = target({ url: uri, headers: [], encoding: 'binary', redirect: true });
      await resolveAllowed(netState(proc.computer).policy, t.host);
      return true;
    } catch { return false; }
  },
  listen: (proc, uri, parsed) => listenScheme(proc, uri, parsed),
  unlisten: (proc, uri, parsed) => unlistenScheme(proc, uri, parsed),
};
