// The measured columns of the kernel-core benchmarks, by name, so that each can
// run either in the benchmark process or alone in a fresh Node process
// (bench/worker.ts). Names: "cpu/<case>/<column>" and "syscall/<column>".
import { CPU_CASES, GETPID_LOOP, BARE_YIELD_LOOP, BLOCKING_LOOP, RELEASE_LOOP, ROUND_TRIPS } from './cases.js';
import { runBare, runBareYieldLoop } from './bare.js';
import { runCinder, withBootedWorld } from './cinder.js';
import type { Timed } from './harness.js';

/** How a worker process marks its result line on stdout (bench/worker.ts). */
export const RESULT_MARK = 'BENCH-RESULT ';

export type Column = () => Promise<Timed> | Timed;

/** Instructions between count hooks in the hooked bare column: the kernel's default quantum. */
export const QUANTUM = 20000;

export const CPU_COLUMNS = ['bare', 'bare+hook', 'bare+world', 'cinder'] as const;

function cpuColumn(source: string, name: string, column: string): Column | null {
  switch (column) {
    case 'bare': return () => runBare(source, name);
    case 'bare+hook': return () => runBare(source, name, QUANTUM);
    case 'bare+world': return () => withBootedWorld(() => runBare(source, name));
    case 'cinder': return () => runCinder(source);
    default: return null;
  }
}

function syscallColumn(column: string): Column | null {
  switch (column) {
    case 'bare': return () => {
      const r = runBareYieldLoop(BARE_YIELD_LOOP);
      if (r.yields !== ROUND_TRIPS) throw new Error(`bare loop yielded ${r.yields} times`);
      return r;
    };
    case 'cinder getpid': return () => runCinder(GETPID_LOOP);
    case 'cinder blocking': return () => runCinder(BLOCKING_LOOP);
    case 'cinder release': return () => runCinder(RELEASE_LOOP);
    default: return null;
  }
}

/** The column called `key`, or null for an unknown name. */
export function columnByKey(key: string): Column | null {
  const [group, ...rest] = key.split('/');
  if (group === 'syscall' && rest.length === 1) return syscallColumn(rest[0]);
  if (group === 'cpu' && rest.length === 2) {
    const c = CPU_CASES.find((x) => x.name === rest[0]);
    return c ? cpuColumn(c.source, c.name, rest[1]) : null;
  }
  return null;
}
