// Small timing helpers shared by the benchmark runners.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gcFn = runInNewContext('gc') as (() => void) | undefined;

/** Full GC before a timed run, so garbage of the previous run is not billed to this one. */
export function collect(): void {
  if (gcFn) { gcFn(); gcFn(); }
}

export function now(): number {
  return performance.now();
}

/** CPU time (user + system) of this whole Node process, ms: every thread, GC helpers included. */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** A timed result: wall ms, process CPU ms, and the program's result (for cross-checks). */
export interface Timed { ms: number; cpu: number; result: string }

/** Start a stopwatch on both clocks; the returned function reads {ms, cpu}. */
export function stopwatch(): () => { ms: number; cpu: number } {
  const c0 = cpuNow();
  const t0 = now();
  return () => ({ ms: now() - t0, cpu: cpuNow() - c0 });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function fmtRatio(r: number | null | undefined, digits = 2): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—';
  return r.toFixed(digits);
}

/** A Markdown table (also readable on a terminal). */
export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (c ?? '').padEnd(w[i])).join(' | ') + ' |';
  return [line(head), '|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}
