// Values that cross computers (modem payloads) are copied once per transmit,
// as CC: Tweaked does (reference/cc-reference.md §1.5): functions, threads and
// userdata are dropped (a table entry whose key or value is dropped goes
// away), shared and cyclic tables keep their shape. Each receiver later gets
// brand-new Lua tables, because pushing a LuaTable builds fresh tables.
import { LuaRef } from '../kernel/vm/lua.js';
import { LuaTable, LuaValue, type LuaKey } from '../kernel/vm/values.js';
import { DeviceError } from './tree.js';

/** Payload limits: nesting depth and an estimate of the copied size in bytes. */
export const PAYLOAD_MAX_DEPTH = 128;
export const PAYLOAD_MAX_BYTES = 16 * 1024 * 1024;

function droppable(v: LuaValue): boolean {
  return v instanceof LuaRef || typeof v === 'function';
}

/** Copy a payload for transmission. A payload that is itself a function, thread or userdata cannot be sent. */
export function copyPayload(v: LuaValue): LuaValue {
  if (droppable(v)) {
    const kind = v instanceof LuaRef ? v.kind : 'function';
    throw new DeviceError(`cannot transmit a ${kind} (only nil, booleans, numbers, strings and tables can be sent)`);
  }
  const budget = { bytes: 0 };
  return copy(v, new Map(), 0, budget);
}

function copy(v: LuaValue, seen: Map<object, LuaTable>, depth: number, budget: { bytes: number }): LuaValue {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') { budget.bytes += v.length; check(budget); return v; }
  if (v instanceof Uint8Array) { budget.bytes += v.length; check(budget); return v; }
  if (typeof v !== 'object') { budget.bytes += 8; return v; }
  if (droppable(v)) return undefined;
  const prev = seen.get(v);
  if (prev) return prev;
  if (depth >= PAYLOAD_MAX_DEPTH) throw new DeviceError('payload is nested too deeply');
  const out = new LuaTable();
  seen.set(v, out);
  budget.bytes += 16;
  const floats = v instanceof LuaTable ? v.floats : undefined;
  for (const [k, val] of entries(v)) {
    const ck = copy(k as LuaValue, seen, depth + 1, budget);
    const cv = copy(val, seen, depth + 1, budget);
    if (ck === undefined || cv === undefined) continue;
    out.hash.set(ck as LuaKey, cv);
    if (floats?.has(k as LuaKey)) (out.floats ??= new Set()).add(ck as LuaKey);
  }
  return out;
}

function check(budget: { bytes: number }): void {
  if (budget.bytes > PAYLOAD_MAX_BYTES) throw new DeviceError(`payload too large (more than ${PAYLOAD_MAX_BYTES} bytes)`);
}

function entries(v: object): Iterable<[unknown, LuaValue]> {
  if (v instanceof LuaTable) return v.hash;
  if (Array.isArray(v)) return v.map((x, i) => [i + 1, x] as [unknown, LuaValue]);
  return Object.entries(v as Record<string, LuaValue>);
}

/** A JSON-safe rendering of a payload for traces: tables become objects (arrays when they are sequences),
 * non-UTF-8 strings become {bytes: base64}, a table seen again becomes "<cycle>". */
export function toJson(v: LuaValue, seen: Set<object> = new Set()): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
  if (droppable(v)) return null;
  if (seen.has(v as object)) return '<cycle>';
  seen.add(v as object);
  try {
    const list = [...entries(v as object)];
    const isSeq = list.length > 0 && list.every(([k], i) => k === i + 1);
    if (isSeq) return list.map(([, x]) => toJson(x, seen));
    const out: Record<string, unknown> = {};
    for (const [k, x] of list) out[typeof k === 'string' ? k : keyText(k)] = toJson(x, seen);
    return out;
  } finally {
    seen.delete(v as object);
  }
}

function keyText(k: unknown): string {
  if (k instanceof Uint8Array) return Buffer.from(k).toString('latin1');
  if (typeof k === 'object' && k !== null) return '<table>';
  return String(k);
}
