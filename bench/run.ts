// Kernel-core benchmarks (not run in CI): `npm run bench`.
//
//  1. CPU-bound Lua in a cinder process (preemption on) vs the same chunk in
//     bare fengari vs native lua5.3.            Target: cinder ≥ 0.9 × bare speed.
//  2. Syscall round trip (getpid in a loop) vs a bare fengari yield/resume of a
//     thread.                                   Target: ≤ 1.25 × the bare round trip.
//  3. `cinder run` of an empty program, whole process wall time. Target: ≤ 400 ms.
//  4. Memory: 100 idle computers booted in one process. Target: ≤ 4 MB each.
//
// Every column of cases 1 and 2 runs alone in a fresh Node process
// (bench/worker.ts: one warm-up, then timed runs), as a user's cinder or bare
// fengari would: in one shared process, V8 optimises fengari's VM loop for the
// mix of all columns, which skews every one of them. Columns alternate round by
// round (the order flips every round), so machine noise hits them alike; the
// median of all timed runs is reported. Exits 1 when a target is missed.
//
// Options: --runs N (rounds, default 15), --only cpu|syscall|startup|memory (repeatable),
//          --case NAME (CPU cases to run, repeatable; default all),
//          --shared (run the columns in this process instead), --json FILE.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CPU_CASES, ROUND_TRIPS, EMPTY_PROGRAM } from './cases.js';
import { runCinder } from './cinder.js';
import { columnByKey, CPU_COLUMNS, QUANTUM, RESULT_MARK, type Column } from './columns.js';
import { NativeRunner, nativeVersion, NATIVE_LUA } from './native.js';
import { fmtMs, fmtRatio, median, now, table, type Timed } from './harness.js';
import { projectPath } from '../kernel/paths.js';
import type { MemoryResult } from './memory.js';

const TARGET_CPU = 0.9;        // cinder speed ÷ bare fengari speed, at least
const TARGET_SYSCALL = 1.25;   // cinder round trip ÷ bare round trip, at most
const TARGET_STARTUP_MS = 400; // `cinder run empty.lua`, at most
const TARGET_MEMORY_MB = 4;    // per idle computer, at most (RSS growth)
const MEMORY_COMPUTERS = 100;

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    only: { type: 'string', multiple: true },
    shared: { type: 'boolean', default: false },
    case: { type: 'string', multiple: true },
    json: { type: 'string' },
  },
});
const RUNS = Number.isInteger(Number(opts.runs)) && Number(opts.runs) > 0 ? Number(opts.runs) : 15;
const only = new Set(opts.only ?? ['cpu', 'syscall', 'startup', 'memory']);
const SHARED = opts.shared ?? false;
const CASES = opts.case ? CPU_CASES.filter((c) => opts.case!.includes(c.name)) : CPU_CASES;
if (opts.case && CASES.length !== opts.case.length) {
  process.stderr.write(`bench: unknown --case; the cases are: ${CPU_CASES.map((c) => `"${c.name}"`).join(', ')}\n`);
  process.exit(2);
}

interface Check { name: string; value: number; target: string; ok: boolean }
const checks: Check[] = [];
const raw: Record<string, unknown> = {};
/** Per case: runs, and min–max of every column (printed at the end). */
const spreads: Array<[string, number, string, string]> = [];

function log(s = ''): void { process.stdout.write(s + '\n'); }
function progress(s: string): void { process.stderr.write(s); }

function machine(): string[] {
  const cpu = cpus();
  const fengariVersion = JSON.parse(readFileSync(projectPath('node_modules/fengari/package.json'), 'utf8')).version;
  return [
    `CPU: ${cpu.length} × ${cpu[0]?.model ?? '?'}, RAM ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `Node ${process.version}, fengari ${fengariVersion} (patched: patches/fengari+0.1.5.patch)`,
    `native: ${nativeVersion() ?? `${NATIVE_LUA} not found — native column skipped (apt-get install lua5.3)`}`,
    `columns of cases 1–2: ${SHARED ? 'all in this benchmark process (--shared)' : 'each in a fresh Node process (bench/worker.ts)'}`,
    `rounds per case: 1 warm-up + ${RUNS} timed, 1 run per column a round (${SHORT_FACTOR} when the slowest column is under ${SHORT_MS} ms), median of all timed runs`,
    `load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}${loadavg()[0] > 1.2 ? ' — other processes are competing for the CPUs: wall times are inflated, CPU times less so' : ''}`,
  ];
}

/** Cases whose slowest column (warm-up, primary clock) runs under this are GC-noisy: they get SHORT_FACTOR × RUNS runs. */
const SHORT_MS = 500;
const SHORT_FACTOR = 5;

/** A column: a benchmark key (run in a worker process unless --shared) or a function run here. */
type ColumnSpec = { key: string } | { here: Column };
interface Measured { wall: Record<string, number>; cpu: Record<string, number>; results: Record<string, string>; runs: number }

/** Run a benchmark script (dist/bench/NAME.js) in a fresh Node process; its RESULT_MARK line, parsed. */
function inProcess<T>(script: string, args: string[]): T {
  const r = spawnSync(process.execPath, [projectPath(`dist/bench/${script}.js`), ...args], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout?.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (r.error || r.status !== 0 || !line) throw new Error(`${script} ${args.join(' ')}: exit ${r.status} ${r.error?.message ?? ''} ${r.stderr}`);
  return JSON.parse(line.slice(RESULT_MARK.length)) as T;
}

/** `runs` timed runs of column `key` in a fresh Node process (after its own warm-up run). */
function inWorker(key: string, runs: number): Timed[] {
  return inProcess<Timed[]>('worker', [key, String(runs)]);
}

/** Runs `spec` `runs` times; a here-column or a shared key gets an untimed warm-up on its first call. */
function runner(name: string, spec: ColumnSpec): (runs: number) => Promise<Timed[]> {
  if ('key' in spec && !SHARED) return async (runs) => inWorker(spec.key, runs);
  const fn = 'key' in spec ? columnByKey(spec.key) : spec.here;
  if (!fn) throw new Error(`unknown benchmark column ${name}`);
  let warm = false;
  return async (runs) => {
    if (!warm) { await fn(); warm = true; }
    const out: Timed[] = [];
    for (let i = 0; i < runs; i++) out.push(await fn());
    return out;
  };
}

/** One warm-up round, then RUNS timed rounds of every column, alternating their order. */
async function measure(label: string, specs: Record<string, ColumnSpec>, primary: 'cpu' | 'wall' = 'cpu'): Promise<Measured> {
  const names = Object.keys(specs);
  const run = Object.fromEntries(names.map((n) => [n, runner(n, specs[n])]));
  const wallT: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpuT: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const results: Record<string, string> = {};
  progress(`${label}: warm-up`);
  let slowest = 0;
  for (const n of names) {
    const [w] = await run[n](1);
    results[n] = w.result;
    slowest = Math.max(slowest, primary === 'cpu' ? w.cpu : w.ms);
  }
  const per = slowest < SHORT_MS ? SHORT_FACTOR : 1;
  for (let r = 0; r < RUNS; r++) {
    progress(` ${r + 1}`);
    const order = r % 2 ? [...names].reverse() : names;
    for (const n of order) {
      for (const t of await run[n](per)) {
        if (t.result !== results[n]) throw new Error(`${label}/${n}: result changed (${results[n]} → ${t.result})`);
        wallT[n].push(t.ms);
        cpuT[n].push(t.cpu);
      }
    }
  }
  progress('\n');
  const runs = RUNS * per;
  const wall = Object.fromEntries(names.map((n) => [n, median(wallT[n])]));
  const cpu = Object.fromEntries(names.map((n) => [n, median(cpuT[n])]));
  raw[label] = { runs, wallMs: wallT, cpuMs: cpuT, medianWall: wall, medianCpu: cpu, results };
  const src = primary === 'cpu' ? cpuT : wallT;
  spreads.push([label, runs, primary, names.map((n) => `${n} ${fmtMs(Math.min(...src[n]))}–${fmtMs(Math.max(...src[n]))}`).join('; ')]);
  return { wall, cpu, results, runs };
}

/** "cpu (wall)" cell. */
const both = (m: Measured, n: string) => `${fmtMs(m.cpu[n])} (${fmtMs(m.wall[n])})`;

async function cpuBench(native: NativeRunner | null): Promise<void> {
  log('## 1. CPU-bound Lua');
  log();
  log('Median ms of process CPU time (wall time in parentheses). Speed ratios use CPU time: bare ms ÷ other ms.');
  log();
  const rows: string[][] = [];
  const ratios: number[] = [];
  for (const c of CASES) {
    const columns: Record<string, ColumnSpec> = Object.fromEntries(CPU_COLUMNS.map((col) => [col, { key: `cpu/${c.name}/${col}` }]));
    if (native) columns.native = { here: () => native.run(c.source) };
    const m = await measure(c.name, columns);
    const distinct = new Set(Object.values(m.results));
    if (distinct.size !== 1) throw new Error(`${c.name}: columns disagree: ${JSON.stringify(m.results)}`);
    const ratio = m.cpu.bare / m.cpu.cinder;
    ratios.push(ratio);
    rows.push([
      c.name, both(m, 'cinder'), both(m, 'bare'), both(m, 'bare+hook'), both(m, 'bare+world'), native ? fmtMs(m.cpu.native) : '—',
      fmtRatio(ratio), fmtRatio(m.wall.bare / m.wall.cinder), fmtRatio(m.cpu.bare / m.cpu['bare+hook']), fmtRatio(m.cpu.bare / m.cpu['bare+world']),
      native ? `${fmtRatio(m.cpu.bare / m.cpu.native, 1)}×` : '—',
    ]);
    checks.push({ name: `cpu ${c.name}: cinder speed ÷ bare (CPU time)`, value: ratio, target: `≥ ${TARGET_CPU}`, ok: ratio >= TARGET_CPU });
  }
  const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
  log(table(
    ['case', 'cinder', 'bare fengari', 'bare+hook', 'bare+world', 'lua5.3', 'cinder ÷ bare speed', '(by wall)', 'bare+hook ÷ bare', 'bare+world ÷ bare', 'lua5.3 faster than bare'],
    rows,
  ));
  log();
  log(`Geometric mean of cinder speed ÷ bare: ${fmtRatio(geo)} (target ≥ ${TARGET_CPU} per case).`);
  log(`bare+hook: bare fengari with a no-op count hook every ${QUANTUM} instructions (what preemption costs inside the VM).`);
  log('bare+world: bare fengari while a booted cinder computer is alive in the same process (its heap, and the type feedback its Lua left in fengari\'s VM).');
  log('lua5.3: os.clock() CPU time inside the interpreter (load + run).');
  log();
}

async function syscallBench(): Promise<void> {
  log(`## 2. Syscall round trip (${ROUND_TRIPS} calls per run)`);
  log();
  log('Median ms of process CPU time per run (wall in parentheses), and µs per call from CPU time.');
  log();
  const perCall = (ms: number) => (ms * 1000) / ROUND_TRIPS;
  const m = await measure('syscall', {
    bare: { key: 'syscall/bare' },
    'cinder getpid': { key: 'syscall/cinder getpid' },
    'cinder blocking': { key: 'syscall/cinder blocking' },
    'cinder release': { key: 'syscall/cinder release' },
  });
  const ratio = m.cpu['cinder getpid'] / m.cpu.bare;
  const acquire = m.cpu['cinder blocking'] - m.cpu['cinder release'];
  log(table(['case', 'ms per run', 'µs per call', '÷ bare round trip'], [
    ['bare fengari: lua_resume → coroutine.yield("syscall","getpid") → JS pushes (true, 1)', both(m, 'bare'), fmtRatio(perCall(m.cpu.bare)), '1.00'],
    ['cinder: coroutine.yield("syscall","getpid") in a process (answered in place)', both(m, 'cinder getpid'), fmtRatio(perCall(m.cpu['cinder getpid'])), fmtRatio(ratio)],
    ['cinder, info: acquiresemaphore (blocking: yields to the scheduler) + releasesemaphore', both(m, 'cinder blocking'), fmtRatio(perCall(m.cpu['cinder blocking'])), fmtRatio(m.cpu['cinder blocking'] / m.cpu.bare)],
    ['cinder, info: releasesemaphore alone (answered in place, one table argument)', both(m, 'cinder release'), fmtRatio(perCall(m.cpu['cinder release'])), fmtRatio(m.cpu['cinder release'] / m.cpu.bare)],
    ['cinder, info: acquiresemaphore alone ≈ pair − release (a scheduler round trip)', fmtMs(acquire), fmtRatio(perCall(acquire)), fmtRatio(acquire / m.cpu.bare)],
  ]));
  log();
  checks.push({ name: 'syscall getpid round trip ÷ bare yield/resume (CPU time)', value: ratio, target: `≤ ${TARGET_SYSCALL}`, ok: ratio <= TARGET_SYSCALL });
}

/** CPU ms (user + system) of this process's waited-for children, from /proc (10 ms ticks); NaN elsewhere. */
function childrenCpu(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10; // cutime, cstime (fields 16, 17), USER_HZ 100
  } catch { return NaN; }
}

function wall(cmd: string, args: string[]): Timed {
  const c0 = childrenCpu();
  const t0 = now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = now() - t0;
  const cpu = childrenCpu() - c0;
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status} ${r.error?.message ?? ''} ${r.stderr}`);
  return { ms, cpu, result: `exit ${r.status} ${r.stdout}${r.stderr}` };
}

async function startupBench(): Promise<void> {
  log('## 3. `cinder run` of an empty program (whole process)');
  log();
  log('Median wall ms (child CPU ms in parentheses, 10 ms resolution). The target is on wall time.');
  log();
  const dir = mkdtempSync(join(tmpdir(), 'cinder-bench-startup-'));
  try {
    const prog = join(dir, 'empty.lua');
    writeFileSync(prog, EMPTY_PROGRAM);
    const cli = projectPath('dist/bin/cinder.js');
    const data = join(dir, 'data');
    const m = await measure('startup', {
      'node -e 0': { here: () => wall(process.execPath, ['-e', '0']) },
      'cinder run': { here: () => wall(process.execPath, [cli, 'run', '--data', data, prog]) },
      'in-process': { here: () => runCinder(EMPTY_PROGRAM) },
    }, 'wall');
    const first = wall(process.execPath, [cli, 'run', '--data', join(dir, 'fresh'), prog]);
    const w = (n: string) => `${fmtMs(m.wall[n])} (${fmtMs(m.cpu[n])})`;
    log(table(['case', 'wall ms (CPU ms)'], [
      ['`node -e 0` (Node startup floor)', w('node -e 0')],
      ['`node dist/bin/cinder.js run --data DIR empty.lua` (DIR exists)', w('cinder run')],
      ['same, first run on a new data folder (single run)', `${fmtMs(first.ms)} (${fmtMs(first.cpu)})`],
      ['info: in-process spawn → exit of the empty program on a booted computer', w('in-process')],
    ]));
    log();
    const v = m.wall['cinder run'];
    checks.push({ name: '`cinder run empty.lua` wall time (ms)', value: v, target: `≤ ${TARGET_STARTUP_MS}`, ok: v <= TARGET_STARTUP_MS });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function memoryBench(): Promise<void> {
  log(`## 4. Memory: ${MEMORY_COMPUTERS} idle computers in one process`);
  log();
  log('Each line is a fresh Node process (bench/memory.ts): one computer boots first (modules and shared compiled Lua), then');
  log(`${MEMORY_COMPUTERS} more in the same World until all are idle; growth after full GCs, divided by ${MEMORY_COMPUTERS}. The target is on RSS.`);
  log();
  const rows: string[][] = [];
  for (const mode of ['full', 'headless'] as const) {
    const m = inProcess<MemoryResult>('memory', [String(MEMORY_COMPUTERS), mode]);
    if (m.idle !== m.computers) throw new Error(`memory ${mode}: only ${m.idle} of ${m.computers} computers idle`);
    raw[`memory ${mode}`] = m;
    const each = (mib: number) => fmtRatio((mib * 1024) / m.computers, 0);
    rows.push([
      mode === 'full' ? 'full boot (init, shell on tty1, as `cinder boot`)' : 'headless (init only, as `cinder run` and `cinder sim`)',
      fmtMs(m.ms), each(m.heapMiB), each(m.externalMiB), each(m.rssMiB),
    ]);
    if (mode === 'full') {
      const mb = (m.rssMiB * 1.048576) / m.computers;
      checks.push({ name: `memory: RSS per idle computer (MB, ${MEMORY_COMPUTERS} booted)`, value: mb, target: `≤ ${TARGET_MEMORY_MB}`, ok: mb <= TARGET_MEMORY_MB });
    }
  }
  log(table(['computers', `boot ${MEMORY_COMPUTERS} (ms)`, 'JS heap KiB each', 'off-heap buffers KiB each', 'RSS KiB each'], rows));
  log();
}

async function main(): Promise<number> {
  log('# cinder kernel-core benchmarks');
  log();
  for (const l of machine()) log(`- ${l}`);
  log();
  const native = nativeVersion() ? new NativeRunner() : null;
  try {
    if (only.has('cpu')) await cpuBench(native);
    if (only.has('syscall')) await syscallBench();
    if (only.has('startup')) await startupBench();
    if (only.has('memory')) await memoryBench();
  } finally {
    native?.dispose();
  }
  log(`Load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`);
  log();
  if (spreads.length) {
    log('## Spread (min–max ms of the timed runs)');
    log();
    log(table(['case', 'runs', 'clock', 'min–max per column'], spreads.map(([l, n, k, t]) => [l, String(n), k, t])));
    log();
  }
  log('## Targets');
  log();
  log(table(['check', 'measured', 'target', 'met'], checks.map((c) => [c.name, fmtRatio(c.value), c.target, c.ok ? 'yes' : '**NO**'])));
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ machine: machine(), checks, raw }, null, 2));
  const missed = checks.filter((c) => !c.ok);
  if (missed.length) log(`\n${missed.length} target(s) missed.`);
  return missed.length ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 2;
});
