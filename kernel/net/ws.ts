// WebSocket handles (reference/phoenix.md §3.5.2), on ws. A client handle is
// `connecting` until the handshake ends (`open`, or `error` with a reason);
// accepted server-side sockets start `open`. Every write argument is one
// message (binary frames for the "binary" encoding, text frames for "utf8");
// each received message stays whole in the buffer, so read("*a") returns the
// next message. A close by the peer gives `closed` with its code and reason.
import type { WebSocket, RawData } from 'ws';
import { loadWs } from './lazy.js';

const WS_CONNECTING = 0, WS_OPEN = 1;
import type { Process } from '../process.js';
import { HandleError, MethodArgs, NetHandle, type MethodTable } from './handles.js';
import { ReadBuffer } from './buffer.js';
import { netState } from './state.js';
import { policyLookup } from './policy.js';
import { friendlyError, MSG } from './errors.js';
import type { ConnectOptions } from './options.js';
import type { SchemeHandler } from './schemes.js';
import { checkHttpLike, parseUrlFor, validateHeaders } from './http.js';
import { listenScheme, unlistenScheme } from './servers.js';
import { isUtf8 } from './utf8.js';

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data as ArrayBuffer);
}

const WS_ERROR_CODES: Record<string, number> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009, WS_ERR_INVALID_UTF8: 1007, WS_ERR_INVALID_CLOSE_CODE: 1002,
};

function validCloseCode(code: number): boolean {
  return code === 1000 || (code >= 3000 && code <= 4999);
}

export class WsHandle extends NetHandle {
  private lastError: string | undefined;
  private code: number | undefined;
  private reason: string | undefined;
  private paused = false;
  private closeCodeToSend = 1001;
  private closeReasonToSend = '';

  constructor(owner: Process, private readonly sock: WebSocket, private readonly encoding: 'binary' | 'utf8', accepted: boolean) {
    super(owner, accepted ? 'open' : 'connecting', new ReadBuffer(true), accepted ? 'passive' : 'active');
    let sentCode: number | undefined;
    sock.on('error', (e) => {
      this.lastError ??= friendlyError(e);
      // ws closes with a code of its own for protocol errors it detects; report that one.
      const code = (e as { code?: string }).code ?? '';
      if (sentCode === undefined && code.startsWith('WS_ERR_')) sentCode = WS_ERROR_CODES[code] ?? 1002;
    });
    sock.on('open', () => {
      if (!this.alive) return;
      this.setIo('passive');
      this.transition('open');
    });
    sock.on('message', (data, isBinary) => {
      void isBinary;
      if (!this.alive) return;
      this.received(toBuffer(data));
      if (!this.paused && this.buffer.length > this.max()) { this.paused = true; sock.pause(); }
    });
    sock.on('close', (code, reason) => {
      if (!this.alive) return;
      if (this.status === 'connecting') { this.fail(this.lastError ?? MSG.connect); return; }
      this.code = sentCode ?? code;
      this.reason = reason.toString('utf8');
      const extra: Record<string, string | number> = { code: this.code };
      if (this.reason) extra.reason = this.reason;
      this.transition('closed', this.lastError, extra);
    });
  }

  private max(): number { return netState(this.owner.computer).policy.maxDownload; }

  protected override afterRead(): void {
    if (this.paused && this.buffer.length <= this.max() / 2) { this.paused = false; this.sock.resume(); }
  }

  private message(b: Buffer, binary: boolean, i: number, args: MethodArgs): void {
    if (b.length > netState(this.owner.computer).policy.maxWebsocketMessage) throw args.bad(i, MSG.messageTooLarge);
    if (!binary && !isUtf8(b)) throw args.bad(i, MSG.utf8);
  }

  protected send(parts: Buffer[], args: MethodArgs): void {
    const binary = this.encoding === 'binary';
    parts.forEach((p, i) => this.message(p, binary, i + 1, args));
    for (const p of parts) this.sock.send(p, { binary });
  }

  override close(args?: MethodArgs): void {
    if (!this.alive || !args) { super.close(args); return; }
    const code = args.number(1, true);
    const reason = args.string(2, true);
    if (code !== undefined && !validCloseCode(code)) throw args.bad(1, 'close code must be 1000 or 3000-4999');
    if (reason !== undefined && Buffer.byteLength(reason) > 123) throw args.bad(2, 'reason longer than 123 bytes');
    this.closeCodeToSend = code ?? 1000;
    this.closeReasonToSend = reason ?? '';
    super.close(args);
  }

  protected abort(): void {
    if (this.sock.readyState === WS_OPEN) {
      try { this.sock.close(this.closeCodeToSend, this.closeReasonToSend); } catch { this.sock.terminate(); }
    } else if (this.sock.readyState === WS_CONNECTING) {
      this.sock.terminate();
    }
  }

  protected override extraMethods(): MethodTable<this> { return WsHandle.METHODS; }

  private static readonly METHODS: MethodTable<WsHandle> = {
    /** send(data, binary?): one message with an explicit frame type. */
    send: (h, a) => {
      if (h.status !== 'open') throw new HandleError(`attempt to write to a ${h.status} handle`);
      const b = a.bytes(1);
      const binary = a.isNone(2) ? h.encoding === 'binary' : a.value(2) === true;
      h.message(b, binary, 1, a);
      h.sock.send(b, { binary });
      return [];
    },
    /** closeCode(): code, reason of a closed connection (nil while open). */
    closeCode: (h) => (h.code === undefined ? [undefined] : [h.code, h.reason ?? '']),
  };
}

export const wsScheme: SchemeHandler = {
  name: 'ws',
  matches: (s) => s === 'ws' || s === 'wss',
  connect(proc, opts: ConnectOptions, parsed) {
    const st = netState(proc.computer);
    const u = parseUrlFor(st, opts, parsed, ['ws:', 'wss:']);
    if (typeof u === 'string') return u;
    validateHeaders(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of opts.headers) headers[k] = v;
    const lookup = (h: string, o: unknown, cb: unknown) => policyLookup(st.policy)(h, o, cb as never);
    let sock: WebSocket;
    try {
      sock = new (loadWs().WebSocket)(u.href, {
        headers, lookup: lookup as never, handshakeTimeout: opts.timeout ?? st.policy.timeout,
        maxPayload: st.policy.maxWebsocketMessage, followRedirects: false, ca: st.policy.ca,
      });
    } catch (e) {
      return friendlyError(e);
    }
    return new WsHandle(proc, sock, opts.encoding, false);
  },
  check: (proc, uri) => checkHttpLike(proc, uri, ['ws:', 'wss:']),
  listen: (proc, uri, parsed) => listenScheme(proc, uri, parsed),
  unlisten: (proc, uri, parsed) => unlistenScheme(proc, uri, parsed),
};
