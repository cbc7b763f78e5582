// Where a process's stdin/stdout/stderr go when they are not a TTY: byte
// streams (the host terminal for `cinder run`, memory buffers in tests) or a
// Lua handle table whose read/write methods the kernel calls.
import type { LuaRef } from './vm/lua.js';
import type { Tty } from './tty/tty.js';

export interface ByteSink {
  /** A promise when the sink is full: the writer waits until the data is in (pipes). */
  write(data: Uint8Array): void | Promise<void>;
  readonly isTTY?: boolean;
  /** Reference counting for pipe ends: a process holding the stream retains it. */
  retain?(): void;
  release?(): void;
}

export interface ByteSource {
  /** Up to `n` bytes, or null at end of input. */
  read(n: number): Promise<Uint8Array | null>;
  /** One line without its newline, or null at end of input. */
  readLine(): Promise<Uint8Array | null>;
  readonly isTTY?: boolean;
  /** Reads wait on something inside the World (a pipe), not on the host. */
  readonly internal?: boolean;
  retain?(): void;
  release?(): void;
}

export type Stdio =
  | { kind: 'stream'; name: string; sink?: ByteSink; source?: ByteSource }
  | { kind: 'handle'; ref: LuaRef }
  | { kind: 'tty'; tty: Tty };

/** A process started holding this stdio (inherited or redirected). */
export function retainStdio(s: Stdio | null, role: 'in' | 'out'): void {
  if (s?.kind !== 'stream') return;
  if (role === 'in') s.source?.retain?.(); else s.sink?.retain?.();
}

/** A process stopped holding this stdio (it ended or redirected away). */
export function releaseStdio(s: Stdio | null, role: 'in' | 'out'): void {
  if (s?.kind !== 'stream') return;
  if (role === 'in') s.source?.release?.(); else s.sink?.release?.();
}

/** Collects output in memory (tests, sims). */
export class MemorySink implements ByteSink {
  private chunks: Buffer[] = [];
  constructor(private readonly onData?: (data: Uint8Array) => void) {}
  write(data: Uint8Array): void {
    this.chunks.push(Buffer.from(data));
    this.onData?.(data);
  }
  bytes(): Buffer { return Buffer.concat(this.chunks); }
  text(): string { return this.bytes().toString('utf8'); }
}

/** A byte queue read as a source: fed by pushes (host stdin, tests, pipes); `end()` marks EOF. */
export class QueueSource implements ByteSource {
  private buf = Buffer.alloc(0);
  private ended = false;
  private waiters: Array<() => void> = [];
  /** Called whenever bytes are taken out (a pipe lets waiting writers in). */
  onDrain: (() => void) | null = null;
  /** readLine hands over a buffer this full even without a newline, rather than wait for ever. */
  maxLine = Infinity;
  constructor(initial?: string | Uint8Array, end = false) {
    if (initial !== undefined) this.push(initial);
    if (end) this.end();
  }
  get size(): number { return this.buf.length; }
  get isEnded(): boolean { return this.ended; }
  push(data: string | Uint8Array): void {
    this.buf = Buffer.concat([this.buf, Buffer.from(data)]);
    this.flush();
  }
  end(): void { this.ended = true; this.flush(); }
  private flush(): void { const w = this.waiters; this.waiters = []; w.forEach((f) => f()); }
  private wait(): Promise<void> { return new Promise((r) => this.waiters.push(r)); }
  private take(n: number, skip = 0): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n + skip);
    this.onDrain?.();
    return out;
  }
  async read(n: number): Promise<Uint8Array | null> {
    while (this.buf.length === 0 && !this.ended) await this.wait();
    if (this.buf.length === 0) return null;
    return this.take(Math.min(Math.max(1, n), this.buf.length));
  }
  async readLine(): Promise<Uint8Array | null> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const line = this.take(nl, 1);
        return line[line.length - 1] === 13 ? line.subarray(0, line.length - 1) : line;
      }
      if (this.ended) return this.buf.length ? this.take(this.buf.length) : null;
      if (this.buf.length >= this.maxLine) return this.take(this.buf.length);
      await this.wait();
    }
  }
  /** Everything until the end of input. */
  async readAll(): Promise<Uint8Array> {
    const parts: Buffer[] = [];
    for (;;) {
      if (this.buf.length) parts.push(this.take(this.buf.length));
      if (this.ended) return Buffer.concat(parts);
      await this.wait();
    }
  }
}
