// Open files: a buffered regular file (contents loaded at open, committed on
// flush/close) and a FIFO end (writes append to a shared buffer, reads consume).
import { FsError } from './errors.js';
import type { SeekWhence, VfsFile } from './types.js';

const NL = 0x0a;
const CR = 0x0d;

function lineFrom(data: Uint8Array, start: number, end: number, keepNewline: boolean): { line: Uint8Array; next: number } {
  let i = start;
  while (i < end && data[i] !== NL) i++;
  if (i < end) {
    const next = i + 1;
    if (keepNewline) return { line: data.slice(start, next), next };
    const stop = i > start && data[i - 1] === CR ? i - 1 : i;
    return { line: data.slice(start, stop), next };
  }
  return { line: data.slice(start, end), next: end };
}

abstract class BaseFile implements VfsFile {
  closed = false;
  readonly binary: boolean;
  readonly readable: boolean;
  readonly writable: boolean;
  constructor(readonly path: string, readonly mode: string) {
    this.binary = mode.includes('b');
    this.readable = mode[0] === 'r';
    this.writable = mode[0] === 'w' || mode[0] === 'a';
  }
  protected live(): void { if (this.closed) throw new FsError('ECLOSED'); }
  protected canRead(): void { this.live(); if (!this.readable) throw new FsError('EINVALMODE', 'File not open for reading'); }
  protected canWrite(): void { this.live(); if (!this.writable) throw new FsError('EINVALMODE', 'File not open for writing'); }
  abstract read(n?: number): Uint8Array | null;
  abstract readLine(keepNewline?: boolean): Uint8Array | null;
  abstract readAll(): Uint8Array | null;
  abstract write(data: Uint8Array): void;
  abstract flush(): void;
  abstract close(): void;
  abstract seek(whence?: SeekWhence, offset?: number): number;
}

export interface FileHooks {
  /** Check that the file may grow to `size` bytes (throws "Out of space"). */
  reserve?(size: number): void;
  /** Store the contents (write modes). */
  commit?(data: Uint8Array): void;
  /** Called once after close. */
  closed?(): void;
  /**
   * Append mode: the buffer only holds bytes not yet stored, `commit` receives
   * just those (to add at the current end of the file), and `baseSize` tells
   * the stored size (for seek).
   */
  baseSize?(): number;
}

/** A regular file held in memory while open. */
export class BufferFile extends BaseFile {
  private buf: Uint8Array;
  private len: number;
  private pos: number;
  private dirty = false;

  constructor(path: string, mode: string, initial: Uint8Array, private readonly hooks: FileHooks = {}) {
    super(path, mode);
    this.buf = Uint8Array.from(initial);
    this.len = initial.length;
    this.pos = 0;
  }

  read(n?: number): Uint8Array | null {
    this.canRead();
    const count = n === undefined ? 1 : Math.max(0, Math.floor(n));
    if (this.pos >= this.len) return null;
    const end = Math.min(this.len, this.pos + count);
    const out = this.buf.slice(this.pos, end);
    this.pos = end;
    return out;
  }

  readLine(keepNewline = false): Uint8Array | null {
    this.canRead();
    if (this.pos >= this.len) return null;
    const { line, next } = lineFrom(this.buf, this.pos, this.len, keepNewline);
    this.pos = next;
    return line;
  }

  readAll(): Uint8Array | null {
    this.canRead();
    const out = this.buf.slice(Math.min(this.pos, this.len), this.len);
    this.pos = this.len;
    return out;
  }

  private get appending(): boolean { return this.hooks.baseSize !== undefined; }

  write(data: Uint8Array): void {
    this.canWrite();
    if (this.appending) this.pos = this.len;
    const end = this.pos + data.length;
    const newLen = Math.max(this.len, end);
    if (newLen > this.len) this.hooks.reserve?.(newLen);
    if (end > this.buf.length) {
      const grown = new Uint8Array(Math.max(end, this.buf.length * 2, 64));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    if (this.pos > this.len) this.buf.fill(0, this.len, this.pos);
    this.buf.set(data, this.pos);
    this.pos = end;
    this.len = newLen;
    this.dirty = true;
  }

  flush(): void {
    this.live();
    if (this.writable && this.dirty) {
      this.hooks.commit?.(this.buf.slice(0, this.len));
      this.dirty = false;
      if (this.appending) { this.len = 0; this.pos = 0; }
    }
  }

  close(): void {
    this.live();
    try { this.flush(); } finally {
      this.closed = true;
      this.hooks.closed?.();
    }
  }

  seek(whence: SeekWhence = 'cur', offset = 0): number {
    this.live();
    if (this.appending) return this.hooks.baseSize!() + this.len; // writes always go to the end
    const base = whence === 'set' ? 0 : whence === 'end' ? this.len : this.pos;
    const next = base + Math.floor(offset);
    if (next < 0) throw new FsError('EINVAL', 'Position is negative');
    this.pos = next;
    return next;
  }
}

/** The shared byte queue of one FIFO. */
export class FifoBuffer {
  private data = new Uint8Array(0);
  get size(): number { return this.data.length; }
  push(bytes: Uint8Array): void {
    const next = new Uint8Array(this.data.length + bytes.length);
    next.set(this.data);
    next.set(bytes, this.data.length);
    this.data = next;
  }
  take(n: number): Uint8Array {
    const out = this.data.slice(0, n);
    this.data = this.data.slice(out.length);
    return out;
  }
  takeLine(keepNewline: boolean): Uint8Array {
    const { line, next } = lineFrom(this.data, 0, this.data.length, keepNewline);
    this.data = this.data.slice(next);
    return line;
  }
}

/** One end of a FIFO. Reads never block: an empty FIFO reads as end of file. */
export class FifoFile extends BaseFile {
  constructor(path: string, mode: string, private readonly fifo: FifoBuffer, private readonly hooks: FileHooks = {}) {
    super(path, mode);
  }
  read(n?: number): Uint8Array | null {
    this.canRead();
    if (this.fifo.size === 0) return null;
    return this.fifo.take(n === undefined ? 1 : Math.max(0, Math.floor(n)));
  }
  readLine(keepNewline = false): Uint8Array | null {
    this.canRead();
    if (this.fifo.size === 0) return null;
    return this.fifo.takeLine(keepNewline);
  }
  readAll(): Uint8Array | null {
    this.canRead();
    return this.fifo.take(this.fifo.size);
  }
  write(data: Uint8Array): void {
    this.canWrite();
    this.hooks.reserve?.(this.fifo.size + data.length);
    this.fifo.push(data);
  }
  flush(): void { this.live(); }
  close(): void {
    this.live();
    this.closed = true;
    this.hooks.closed?.();
  }
  seek(): number {
    this.live();
    throw new FsError('EINVAL', 'Cannot seek a FIFO');
  }
}
