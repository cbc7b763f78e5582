// The receive buffer behind a handle's `read` modes (reference/phoenix.md §3.4).
//
// Stream mode (HTTP bodies, TCP): bytes are one stream; "*a" takes everything
// buffered, "*l"/"*L" need a newline unless the stream has ended, N takes up to
// N bytes. Message mode (WebSocket): each message is kept apart; "*a" returns
// the rest of the next whole message, and the other modes read inside the head
// message, its end counting as the end of a line.

export class ReadBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** No more data will arrive (HTTP body complete, peer closed). */
  ended = false;

  /**
   * @param messages keep message boundaries (WebSocket)
   * @param emptyAll what "*a" gives when nothing is buffered after the end: "" (a finished HTTP body, like a file) or nil
   */
  constructor(readonly messages: boolean, readonly emptyAll: '' | null = null) {}

  get length(): number { return this.size; }
  get count(): number { return this.chunks.length; }

  push(data: Uint8Array): void {
    if (!this.messages && data.length === 0) return;
    const b = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    this.chunks.push(b);
    this.size += b.length;
  }

  clear(): void { this.chunks = []; this.size = 0; }

  private take(n: number): Buffer {
    // Stream mode only: remove and return the first n bytes.
    if (n <= 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      this.size -= n;
      return first.subarray(0, n);
    }
    if (first.length === n) { this.chunks.shift(); this.size -= n; return first; }
    const out = Buffer.concat(this.chunks, this.size).subarray(0, n);
    this.collapseAfter(n);
    return out;
  }

  private collapseAfter(n: number): void {
    const all = Buffer.concat(this.chunks, this.size);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
  }

  /** Remove the head message (message mode). */
  private takeHead(): Buffer {
    const h = this.chunks.shift()!;
    this.size -= h.length;
    return h;
  }

  private replaceHead(rest: Buffer): void {
    this.size -= this.chunks[0].length - rest.length;
    if (rest.length) this.chunks[0] = rest; else this.chunks.shift();
  }

  readAll(): Buffer | null {
    if (this.messages) return this.chunks.length ? this.takeHead() : null;
    if (this.size === 0) return this.ended && this.emptyAll === '' ? Buffer.alloc(0) : null;
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.clear();
    return all;
  }

  readLine(keepNewline: boolean): Buffer | null {
    if (this.messages) {
      if (!this.chunks.length) return null;
      const head = this.chunks[0];
      const nl = head.indexOf(10);
      if (nl < 0) return this.takeHead();
      this.replaceHead(head.subarray(nl + 1));
      return head.subarray(0, keepNewline ? nl + 1 : nl);
    }
    if (this.size === 0) return null;
    let offset = 0;
    for (const c of this.chunks) {
      const nl = c.indexOf(10);
      if (nl >= 0) {
        const line = this.take(offset + nl + 1);
        return keepNewline ? line : line.subarray(0, line.length - 1);
      }
      offset += c.length;
    }
    if (!this.ended) return null; // the line is not complete yet
    return this.take(this.size);
  }

  readBytes(n: number): Buffer | null {
    n = Math.max(0, Math.floor(n));
    if (this.messages) {
      if (!this.chunks.length) return null;
      const head = this.chunks[0];
      if (n === 0) return Buffer.alloc(0);
      if (head.length <= n) return this.takeHead();
      this.replaceHead(head.subarray(n));
      return head.subarray(0, n);
    }
    if (this.size === 0) return null;
    return this.take(Math.min(n, this.size));
  }

  /** A number at the head ("*n"): optional whitespace, then a decimal or hexadecimal numeral. */
  readNumber(): number | null {
    if (!this.size) return null;
    const src = this.messages ? this.chunks[0] : (this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size));
    const text = src.subarray(0, Math.min(src.length, 256)).toString('latin1');
    const m = /^[ \t\r\n\f\v]*([+-]?(?:0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))/.exec(text);
    if (!m) return null;
    const num = parseNumeral(m[1]);
    if (num === null) return null;
    const used = m[0].length;
    if (this.messages) this.replaceHead(src.subarray(used));
    else { this.chunks = [src]; this.size = src.length; this.take(used); }
    return num;
  }
}

function parseNumeral(s: string): number | null {
  let sign = 1;
  let t = s;
  if (t[0] === '+' || t[0] === '-') { if (t[0] === '-') sign = -1; t = t.slice(1); }
  if (/^0[xX]/.test(t)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(t);
    if (!m) return null;
    let v = m[1] ? parseInt(m[1], 16) : 0;
    if (m[2]) for (let i = 0; i < m[2].length; i++) v += parseInt(m[2][i], 16) / 16 ** (i + 1);
    if (m[3]) v *= 2 ** Number(m[3]);
    return sign * v;
  }
  const v = Number(t);
  return Number.isFinite(v) ? sign * v : null;
}
