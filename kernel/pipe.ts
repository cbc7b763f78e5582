// Pipes (cinder extension `pipe()`): a byte buffer with a read end and a write
// end. Readers block until data arrives or every writer is gone (EOF). A
// writer is a handle not yet closed or a process whose stdout/stderr is the
// pipe; both are counted through retain/release.
import type { ByteSink, ByteSource } from './stdio.js';

export const PIPE_LIMIT = 1024 * 1024;

export class PipeError extends Error {}

export class Pipe {
  private buf = Buffer.alloc(0);
  private writers = 0;
  private readers = 0;
  private waiters: Array<() => void> = [];
  readonly source: ByteSource & { retain(): void; release(): void };
  readonly sink: ByteSink & { retain(): void; release(): void; closed(): boolean };

  constructor() {
    this.source = {
      internal: true,
      read: (n) => this.read(n),
      readLine: () => this.readLine(),
      retain: () => { this.readers++; },
      release: () => { this.readers = Math.max(0, this.readers - 1); if (this.readers === 0) this.drained(); },
    };
    this.sink = {
      write: (d) => this.write(d),
      retain: () => { this.writers++; },
      release: () => { this.writers = Math.max(0, this.writers - 1); if (this.writers === 0) this.flush(); },
      closed: () => this.readers === 0,
    };
  }

  get ended(): boolean { return this.writers === 0; }

  /** Append data; when the buffer is full, the returned promise settles once it has all gone in
   * (the writer waits, as on Unix). Throws "Broken pipe" when nobody can read any more. */
  write(data: Uint8Array): void | Promise<void> {
    if (this.readers === 0) throw new PipeError('Broken pipe');
    const room = PIPE_LIMIT - this.buf.length;
    if (data.length <= room) {
      this.buf = Buffer.concat([this.buf, data]);
      this.flush();
      return;
    }
    const now = data.subarray(0, Math.max(0, room));
    const later = data.subarray(now.length);
    if (now.length) { this.buf = Buffer.concat([this.buf, now]); this.flush(); }
    return this.waitForRoom().then(() => this.write(later));
  }

  private roomWaiters: Array<() => void> = [];
  private waitForRoom(): Promise<void> { return new Promise((r) => this.roomWaiters.push(r)); }
  private drained(): void { const w = this.roomWaiters; this.roomWaiters = []; w.forEach((f) => f()); }

  private flush(): void { const w = this.waiters; this.waiters = []; w.forEach((f) => f()); }
  private wait(): Promise<void> { return new Promise((r) => this.waiters.push(r)); }

  async read(n: number): Promise<Uint8Array | null> {
    while (this.buf.length === 0 && !this.ended) await this.wait();
    if (this.buf.length === 0) return null;
    const out = this.buf.subarray(0, Math.max(1, n));
    this.buf = this.buf.subarray(out.length);
    this.drained();
    return out;
  }

  async readLine(): Promise<Uint8Array | null> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) { const l = this.buf.subarray(0, nl); this.buf = this.buf.subarray(nl + 1); this.drained(); return l; }
      if (this.ended) {
        if (!this.buf.length) return null;
        const rest = this.buf; this.buf = Buffer.alloc(0); this.drained(); return rest;
      }
      // A full buffer without a newline: hand it over as a line rather than wait for ever.
      if (this.buf.length >= PIPE_LIMIT) { const all = this.buf; this.buf = Buffer.alloc(0); this.drained(); return all; }
      await this.wait();
    }
  }

  async readAll(): Promise<Uint8Array> {
    const parts: Buffer[] = [];
    for (;;) {
      if (this.buf.length) { parts.push(this.buf); this.buf = Buffer.alloc(0); this.drained(); }
      if (this.ended) return Buffer.concat(parts);
      await this.wait();
    }
  }
}
