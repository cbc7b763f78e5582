// The frame trace: one JSON object per delivered or dropped frame copy, in
// the order events happen on the World's clock. Keys are always written in
// the same order and no wall-clock value appears, so the same topology and
// seed give byte-identical trace files (docs/sim.md, "Trace format").
import { closeSync, openSync, writeSync } from 'node:fs';
import { LuaTable, type LuaValue } from '../../kernel/vm/values.js';
import { toJson } from '../payload.js';

export type DropCause = 'out of range' | 'channel closed' | 'lost' | 'partitioned' | 'queue full' | 'off' | 'no receivers';

export interface TraceRecord {
  /** Simulated milliseconds. */
  t: number;
  /** Frame number (per World), shared by every copy of one transmit. */
  frame: number;
  medium: string;
  from: number;
  /** Sending modem's device path on `from`. */
  fromDevice: string;
  to: number | null;
  toDevice: string | null;
  channel: number;
  replyChannel: number;
  event: 'deliver' | 'drop';
  cause?: DropCause;
  distance?: number | null;
  /** Set for a duplicated copy (the second arrival of the same frame). */
  duplicate?: boolean;
  rednet?: unknown;
  payload?: unknown;
}

/** The decoded CraftOS rednet envelope (cc-reference.md §2.3), or undefined when the payload is not one. */
export function decodeRednet(payload: LuaValue): Record<string, unknown> | undefined {
  if (!(payload instanceof LuaTable)) return undefined;
  const id = payload.get('nMessageID');
  if (typeof id !== 'number' || Number.isNaN(id)) return undefined;
  const msg = payload.get('message');
  const out: Record<string, unknown> = {
    nMessageID: id,
    nRecipient: toJson(payload.get('nRecipient')),
    nSender: toJson(payload.get('nSender')),
    sProtocol: toJson(payload.get('sProtocol')),
    message: toJson(msg),
  };
  if (msg instanceof LuaTable && typeof msg.get('sType') === 'string') out.sType = msg.get('sType');
  return out;
}

export interface TraceSink { write(line: string): void; close?(): void }

/** Appends lines to a file, buffered; `close()` flushes. */
export class FileTraceSink implements TraceSink {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(path: string) { this.fd = openSync(path, 'w'); }
  write(line: string): void {
    this.buf.push(line);
    this.size += line.length;
    if (this.size > 1 << 16) this.flush();
  }
  flush(): void {
    if (this.buf.length) writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close(): void { this.flush(); closeSync(this.fd); }
}

export class Trace {
  private readonly sinks: TraceSink[] = [];
  private readonly observers: Array<(r: TraceRecord) => void> = [];
  /** Keep records in memory too (tests). */
  readonly records: TraceRecord[] | null;
  constructor(opts: { keep?: boolean } = {}) { this.records = opts.keep ? [] : null; }

  addSink(s: TraceSink): void { this.sinks.push(s); }
  observe(fn: (r: TraceRecord) => void): void { this.observers.push(fn); }
  get active(): boolean { return this.sinks.length > 0 || this.observers.length > 0 || this.records !== null; }

  record(r: TraceRecord): void {
    this.records?.push(r);
    for (const o of this.observers) o(r);
    if (this.sinks.length) {
      const line = JSON.stringify(r) + '\n';
      for (const s of this.sinks) s.write(line);
    }
  }

  close(): void { for (const s of this.sinks) s.close?.(); }
}
