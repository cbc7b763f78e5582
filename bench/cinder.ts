// Running a benchmark program as a cinder process: a freshly booted headless
// computer (as `cinder run` makes one), the program written into its VFS and
// spawned as a child of init, preemption on (kernel default quantum 20000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { World } from '../kernel/world.js';
import { MemorySink, QueueSource } from '../kernel/stdio.js';
import { collect, stopwatch, type Timed } from './harness.js';

export interface CinderTimed extends Timed {
  /** How many times the scheduler resumed the program's main thread (1 + preemptions + blocking syscalls). */
  resumes: number;
  stderr: string;
}

let counter = 0;

/**
 * Boot a computer (not timed), then time spawn → process exit: loading the
 * program, its process environment, and the whole run under the scheduler.
 */
export async function runCinder(source: string, kernargs?: Record<string, string>): Promise<CinderTimed> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cinder-bench-'));
  try {
    const world = new World({ dataDir, seed: 0, clock: 'real' });
    const computer = world.addComputer({ id: 0, kernargs });
    if (computer.halted) throw new Error(`computer did not boot: ${computer.halted}`);
    const path = `/tmp/bench-${counter++}.lua`;
    computer.vfs.writeFile({ user: 'root' }, path, source);
    // Let init settle into its event wait before timing.
    await world.run({ until: () => !computer.runnable() });
    const out = new MemorySink();
    const err = new MemorySink();
    collect();
    const sw = stopwatch();
    const proc = computer.spawn(path, [], {
      stdin: { kind: 'stream', name: 'stdin', source: new QueueSource('', true) },
      stdout: { kind: 'stream', name: 'stdout', sink: out },
      stderr: { kind: 'stream', name: 'stderr', sink: err },
      vars: { PATH: '/bin:/usr/bin:/rom/bin', HOME: '/' },
    });
    const main = proc.threads.get(0);
    let done = false;
    const off = computer.onProcessExit((p) => { if (p === proc) done = true; });
    const outcome = await world.run({ until: () => done });
    const { ms, cpu } = sw();
    off();
    world.shutdown();
    const c = proc.completion;
    if (outcome !== 'done' || !c || c.code !== 0) {
      throw new Error(`cinder run failed (${outcome}, code ${c?.code}): ${c?.error ?? ''} ${err.text()}`);
    }
    const v = c.values[0];
    return {
      ms,
      cpu,
      result: v === undefined || v === null ? 'nil' : String(v),
      resumes: main?.generation ?? -1,
      stderr: err.text(),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Run `fn` while a freshly booted computer (idle init) is alive in the heap, then shut it down. */
export async function withBootedWorld<T>(fn: () => T): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cinder-bench-'));
  try {
    const world = new World({ dataDir, seed: 0, clock: 'real' });
    const computer = world.addComputer({ id: 0 });
    await world.run({ until: () => !computer.runnable() });
    const r = fn();
    world.shutdown();
    return r;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
