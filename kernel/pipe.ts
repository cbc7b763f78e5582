// Pipes (cinder extension `pipe()`): a byte buffer with a read end and a write
// end. Readers block until data arrives or every writer is gone (EOF). A
// writer is a handle not yet closed or a process whose stdout/stderr is the
// pipe; both are counted through retain/release.
import type { ByteSink, ByteSource } from './stdio.js';

export const PIPE_LIMIT = 1024 * 1024;

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
      release: () => { this.readers = Math.max(0, this.readers - 1); },
    };
    this.sink = {
      write: (d) => this.write(d),
      retain: () => { this.writers++; },
      release: () => { this.writers = Math.max(0, this.writers - 1); if (this.writers === 0) this.flush(); },
      closed: () => this.readers === 0,
    };
  }

  get ended(): boolean { return this.writers === 0; }

  write(data: Uint8Array): void {
    if (this.readers === 0) throw new Error('Broken pipe');
    if (this.buf.length + data.length > PIPE_LIMIT) throw new Error('Pipe is full');
    this.buf = Buffer.concat([this.buf, data]);
    this.flush();
  }

  private flush(): void { const w = this.waiters; this.waiters = []; w.forEach((f) => f()); }
  private wait(): Promise<void> { return new Promise((r) => this.waiters.push(r)); }

  async read(n: number): Promise<Uint8Array | null> {
    while (this.buf.length === 0 && !this.ended) await this.wait();
    if (this.buf.length === 0) return null;
    const out = this.buf.subarray(0, Math.max(1, n));
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  async readLine(): Promise<Uint8Array | null> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) { const l = this.buf.subarray(0, nl); this.buf = this.buf.subarray(nl + 1); return l; }
      if (this.ended) {
        if (!this.buf.length) return null;
        const rest = this.buf; this.buf = Buffer.alloc(0); return rest;
      }
      await this.wait();
    }
  }

  async readAll(): Promise<Uint8Array> {
    while (!this.ended) await this.wait();
    const all = this.buf; this.buf = Buffer.alloc(0); return all;
  }
}
