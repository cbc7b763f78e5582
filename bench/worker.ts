// Runs one benchmark column alone in this fresh Node process, so that no other
// column's JIT feedback or heap shares the isolate with it:
//   node dist/bench/worker.js <column key> <timed runs>
// One untimed warm-up, then the timed runs; prints one line
// "BENCH-RESULT <json Timed[]>" on stdout.
import { columnByKey, RESULT_MARK } from './columns.js';
import type { Timed } from './harness.js';

async function main(): Promise<void> {
  const [key, runsArg] = process.argv.slice(2);
  const runs = Number(runsArg);
  const column = key ? columnByKey(key) : null;
  if (!column || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write('usage: worker.js <column key, e.g. "cpu/fib(30)/cinder"> <runs ≥ 1>\n');
    process.exitCode = 2;
    return;
  }
  await column();
  const timed: Timed[] = [];
  for (let i = 0; i < runs; i++) timed.push(await column());
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(timed)}\n`);
}

main().catch((e) => {
  process.stderr.write(`worker: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
