// Pipes (cinder extension `pipe()`): a byte buffer with a read end and a write
// end. Readers block until data arrives or every writer is gone (EOF). A
// writer is a handle not yet closed or a process whose stdout/stderr is the
// pipe; both are counted through retain/release.
import { QueueSource, type ByteSink, type ByteSource } from './stdio.js';

export const PIPE_LIMIT = 1024 * 1024;

export class PipeError extends Error {}

export class Pipe {
  private readonly queue = new QueueSource();
  private writers = 0;
  private readers = 0;
  private roomWaiters: Array<() => void> = [];
  readonly source: ByteSource & { retain(): void; release(): void };
  readonly sink: ByteSink & { retain(): void; release(): void; closed(): boolean };

  constructor() {
    this.queue.maxLine = PIPE_LIMIT;
    this.queue.onDrain = () => this.drained();
    this.source = {
      internal: true,
      read: (n) => this.queue.read(n),
      readLine: () => this.queue.readLine(),
      retain: () => { this.readers++; },
      release: () => { this.readers = Math.max(0, this.readers - 1); if (this.readers === 0) this.drained(); },
    };
    this.sink = {
      write: (d) => this.write(d),
      retain: () => { this.writers++; },
      release: () => { this.writers = Math.max(0, this.writers - 1); if (this.writers === 0) this.queue.end(); },
      closed: () => this.readers === 0,
    };
  }

  /** Append data; when the buffer is full, the returned promise settles once it has all gone in
   * (the writer waits, as on Unix). Throws "Broken pipe" when nobody can read any more. */
  write(data: Uint8Array): void | Promise<void> {
    if (this.readers === 0) throw new PipeError('Broken pipe');
    const room = PIPE_LIMIT - this.queue.size;
    if (data.length <= room) { this.queue.push(data); return; }
    const now = data.subarray(0, Math.max(0, room));
    if (now.length) this.queue.push(now);
    const later = data.subarray(now.length);
    return new Promise<void>((r) => this.roomWaiters.push(r)).then(() => this.write(later));
  }

  private drained(): void { const w = this.roomWaiters; this.roomWaiters = []; w.forEach((f) => f()); }

  read(n: number): Promise<Uint8Array | null> { return this.queue.read(n); }
  readLine(): Promise<Uint8Array | null> { return this.queue.readLine(); }
  readAll(): Promise<Uint8Array> { return this.queue.readAll(); }
}
