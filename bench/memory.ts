// Memory of idle computers (kernel-core benchmark 4), run by bench/run.ts in a
// fresh Node process: node dist/bench/memory.js <computers> <full|headless>
// Boots the computers in one World on a VirtualClock until every one is idle,
// then reports the growth of the JS heap, of off-heap buffers (fengari's Lua
// strings are Uint8Arrays) and of the process RSS, after full GCs, as one
// "BENCH-RESULT <json>" line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { World } from '../kernel/world.js';
import { RESULT_MARK } from './columns.js';
import { collect } from './harness.js';

export interface MemoryResult { computers: number; mode: string; ms: number; heapMiB: number; externalMiB: number; rssMiB: number; idle: number }

const MiB = 2 ** 20;

async function main(): Promise<void> {
  const count = Number(process.argv[2]);
  const mode = process.argv[3];
  if (!Number.isInteger(count) || count < 1 || (mode !== 'full' && mode !== 'headless')) {
    process.stderr.write('usage: memory.js <computers ≥ 1> <full|headless>\n');
    process.exitCode = 2;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cinder-bench-mem-'));
  try {
    const world = new World({ dataDir, seed: 0, clock: 'virtual' });
    // Load every module and compile the shared Lua chunks first, so only per-computer memory is counted.
    world.addComputer({ id: 1000, kernargs: mode === 'headless' ? { headless: 'true' } : {} });
    await world.run({ forMs: 1000 });
    collect();
    const before = process.memoryUsage();
    const t0 = performance.now();
    const computers = [];
    for (let id = 0; id < count; id++) computers.push(world.addComputer({ id, kernargs: mode === 'headless' ? { headless: 'true' } : {} }));
    await world.run({ forMs: 1000 });
    const ms = performance.now() - t0;
    collect();
    const after = process.memoryUsage();
    const idle = computers.filter((c) => !c.halted && !c.runnable()).length;
    const r: MemoryResult = {
      computers: count, mode, ms, idle,
      heapMiB: (after.heapUsed - before.heapUsed) / MiB,
      externalMiB: (after.external - before.external) / MiB,
      rssMiB: (after.rss - before.rss) / MiB,
    };
    process.stdout.write(`${RESULT_MARK}${JSON.stringify(r)}\n`);
    world.shutdown();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`memory: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
