// Network benchmarks (issue 4), run with `npm run build && node dist/bench/net.js`.
//
//  1. Sequential GETs to a loopback node:http server from Lua through
//     system.network.get, vs bare node-fetch from Node in the same run.
//  2. The same with 16 concurrent clients (16 Lua processes; 16 async loops in Node).
//     Target for 1 and 2: cinder ≥ 0.7 × node-fetch's requests per second.
//  3. An HTTP server written with system.network.serve in Lua under 16
//     concurrent node-fetch clients, vs a bare node:http server under the same load.
//
// Sustained throughput: one computer is booted once and every cinder run is a new
// Lua process on it; --warmup rounds of every case run first (JIT warm-up of
// node-fetch and of the VM dominates short runs: node-fetch's first few hundred
// requests run at a fifth of its sustained rate). Then --runs rounds: in each,
// the cinder and Node runs of a case follow each other (order flipped every
// round). Requests per second are medians of the rounds; a ratio is the median
// of the per-round ratios, so a machine whose speed drifts between rounds
// does not skew it. Both sides use keep-alive connections. Cinder's client
// loops are timed inside Lua (os.epoch), so a program's start-up (loading
// libsystem) is not billed. No garbage
// collection is forced between runs (a forced full GC shrinks the young
// generation and slows the next run's first thousands of requests). Exits 1
// when a target is missed.
//
// Options: --runs N (default 9), --warmup N (default 3), --requests N
// (sequential, default 2000), --per N (per concurrent client, default 125),
// --json FILE. --split runs only the sequential case and splits a request's time
// into node-fetch's part and the rest (see splitMain).
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fetch from 'node-fetch';
import { World } from '../kernel/world.js';
import type { Computer } from '../kernel/computer.js';
import { MemorySink, QueueSource } from '../kernel/stdio.js';
import { netPolicy } from '../kernel/net/state.js';
import { wrapFetch } from '../kernel/net/lazy.js';
import { median, now, table, fmtRatio } from './harness.js';

const TARGET = 0.7;
const CONCURRENCY = 16;
const BODY = 'hello world\n';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' }, warmup: { type: 'string', default: '3' },
    requests: { type: 'string', default: '2000' }, per: { type: 'string', default: '125' }, json: { type: 'string' },
    split: { type: 'boolean', default: false },
  },
});
const RUNS = Math.max(1, Number(opts.runs));
const WARMUP = Math.max(0, Number(opts.warmup));
const SEQ = Math.max(1, Number(opts.requests));
const PER = Math.max(1, Number(opts.per));

function log(s = ''): void { process.stdout.write(s + '\n'); }

/** The CPU, its count and Node's version, for the head of a report. */
function machine(): string { return `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}`; }

async function bareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_q, r) => { r.writeHead(200, { 'Content-Type': 'text/plain' }); r.end(BODY); });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Requests per second of `workers` async loops of `per` node-fetch GETs each. */
async function nodeFetchLoad(url: string, workers: number, per: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true });
  const t0 = now();
  await Promise.all(Array.from({ length: workers }, async () => {
    for (let i = 0; i < per; i++) {
      const r = await fetch(url, { agent });
      if ((await r.text()) !== BODY) throw new Error('bad body');
    }
  }));
  const ms = now() - t0;
  agent.destroy();
  return (workers * per) / (ms / 1000);
}

/** The one computer every cinder run uses (booted once: runs measure sustained throughput). */
interface Bench { world: World; computer: Computer; dataDir: string }

function closeBench(b: Bench): void {
  b.world.shutdown();
  rmSync(b.dataDir, { recursive: true, force: true });
}

async function bootBench(): Promise<Bench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cinder-bench-net-'));
  const world = new World({ dataDir, seed: 0, clock: 'real' });
  const computer = world.addComputer({ id: 0 });
  netPolicy(computer).allowLocal = true;
  await world.run({ until: () => !computer.runnable() });
  return { world, computer, dataDir };
}

/**
 * Run `source` with `args` as a new process on the bench computer. Returns the
 * milliseconds the program printed (its timed loop, measured with os.epoch:
 * program start-up is not billed); a program that prints no number (the
 * server) returns null.
 */
async function cinderRun(b: Bench, source: string, args: string[], during?: () => Promise<void>): Promise<number | null> {
  const { world, computer } = b;
  computer.vfs.writeFile({ user: 'root' }, '/tmp/bench.lua', source);
  const err = new MemorySink();
  const out = new MemorySink();
  const proc = computer.spawn('/tmp/bench.lua', args, {
    stdin: { kind: 'stream', name: 'stdin', source: new QueueSource('', true) },
    stdout: { kind: 'stream', name: 'stdout', sink: out },
    stderr: { kind: 'stream', name: 'stderr', sink: err },
  });
  let done = false;
  const off = computer.onProcessExit((p) => { if (p === proc) done = true; });
  try {
    const running = world.run({ until: () => done });
    if (during) await during();
    const outcome = await running;
    if (outcome !== 'done' || proc.completion?.code !== 0) throw new Error(`cinder program failed: ${proc.completion?.error ?? outcome} ${err.text()}`);
  } finally {
    off();
  }
  const reported = Number(out.text().trim());
  return out.text().trim() !== '' && Number.isFinite(reported) ? reported : null;
}

const LUA_SEQ = `
local network = require "system.network"
local url, n = ...
n = tonumber(n)
local t0 = os.epoch("utc")
for i = 1, n do
  local h = assert(network.get(url))
  assert(h:read("*a") == "hello world\\n")
  h:close()
end
print(os.epoch("utc") - t0)
`;

const LUA_CONC = `
local network = require "system.network"
local process = require "system.process"
local url, workers, per = ...
workers, per = tonumber(workers), tonumber(per)
local t0 = os.epoch("utc")
local pids = {}
for w = 1, workers do
  pids[w] = process.fork(function()
    for i = 1, per do
      local h = assert(network.get(url))
      assert(h:read("*a") == "hello world\\n")
      h:close()
    end
  end)
end
for _, pid in ipairs(pids) do
  local r = process.wait(pid)
end
print(os.epoch("utc") - t0)
`;

const LUA_SERVE = `
local network = require "system.network"
local port = ...
network.serve("http://127.0.0.1:" .. port, function(req)
  if req.path == "/stop" then network.stopServing() end
  return { status = 200, headers = { ["Content-Type"] = "text/plain" }, body = "hello world\\n" }
end)
`;

function timed(ms: number | null): number {
  if (ms === null) throw new Error('the timed Lua program printed no time');
  return ms;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('server did not start');
}

async function main(): Promise<void> {
  const srv = await bareServer();
  const bench = await bootBench();
  const raw: Record<string, number[]> = { seqCinder: [], seqNode: [], concCinder: [], concNode: [], serveCinder: [], serveNode: [] };
  const progress = (s: string) => process.stderr.write(s);
  try {
    for (let run = 1 - WARMUP; run <= RUNS; run++) {
      const warm = run <= 0;
      progress(warm ? `warm-up ${run + WARMUP}/${WARMUP} ` : `run ${run}/${RUNS} `);
      const order = run % 2 === 0;
      // 1. sequential
      const seqC = async () => { const ms = timed(await cinderRun(bench, LUA_SEQ, [srv.url, String(SEQ)])); if (!warm) raw.seqCinder.push(SEQ / (ms / 1000)); };
      const seqN = async () => { const rps = await nodeFetchLoad(srv.url, 1, SEQ); if (!warm) raw.seqNode.push(rps); };
      for (const f of order ? [seqC, seqN] : [seqN, seqC]) await f();
      // 2. 16 concurrent clients
      const total = CONCURRENCY * PER;
      const concC = async () => { const ms = timed(await cinderRun(bench, LUA_CONC, [srv.url, String(CONCURRENCY), String(PER)])); if (!warm) raw.concCinder.push(total / (ms / 1000)); };
      const concN = async () => { const rps = await nodeFetchLoad(srv.url, CONCURRENCY, PER); if (!warm) raw.concNode.push(rps); };
      for (const f of order ? [concC, concN] : [concN, concC]) await f();
      // 3. a serve() server in Lua vs a bare node:http server, 16 node-fetch clients each
      const serveC = async () => {
        const port = await freePort();
        let rps = 0;
        await cinderRun(bench, LUA_SERVE, [String(port)], async () => {
          await waitForPort(port);
          rps = await nodeFetchLoad(`http://127.0.0.1:${port}/`, CONCURRENCY, PER);
          await fetch(`http://127.0.0.1:${port}/stop`, { agent: new http.Agent({ keepAlive: false }) });
        });
        if (!warm) raw.serveCinder.push(rps);
      };
      const serveN = async () => { const rps = await nodeFetchLoad(srv.url, CONCURRENCY, PER); if (!warm) raw.serveNode.push(rps); };
      for (const f of order ? [serveC, serveN] : [serveN, serveC]) await f();
      progress('\n');
    }
  } finally {
    closeBench(bench);
    await srv.close();
  }
  const m = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, median(v)])) as Record<string, number>;
  // The ratio is the median of the per-round ratios: the two runs of a round are seconds apart,
  // so a machine that speeds up or slows down between rounds cancels out.
  const rows = ([
    ['Sequential GET (system.network.get vs node-fetch)', 'seq', TARGET],
    [`${CONCURRENCY} concurrent GET clients`, 'conc', TARGET],
    [`serve() in Lua vs bare node:http, ${CONCURRENCY} clients`, 'serve', null],
  ] as const).map(([name, key, target]) => {
    const each = raw[`${key}Cinder`].map((c, i) => c / raw[`${key}Node`][i]);
    return { name, cinder: m[`${key}Cinder`], node: m[`${key}Node`], ratio: median(each), lo: Math.min(...each), hi: Math.max(...each), target };
  });
  log(`Machine: ${machine()}; ${RUNS} rounds after ${WARMUP} warm-up rounds; ${SEQ} sequential requests, ${CONCURRENCY} × ${PER} concurrent.`);
  log('req/s: medians of the rounds; ratio: median of the per-round ratios.');
  log();
  log(table(['Case', 'cinder req/s', 'Node req/s', 'ratio', 'ratio per round (min–max)', 'target'], rows.map((r) => [
    r.name, r.cinder.toFixed(0), r.node.toFixed(0), fmtRatio(r.ratio), `${fmtRatio(r.lo)}–${fmtRatio(r.hi)}`, r.target === null ? 'reported' : `≥ ${r.target}`,
  ])));
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ raw, median: m }, null, 2));
  const missed = rows.filter((r) => r.target !== null && r.ratio < r.target);
  if (missed.length) {
    log(`\nTarget missed: ${missed.map((r) => r.name).join('; ')}`);
    process.exitCode = 1;
  }
}

// ---- --split: where a sequential request's time goes ----------------------------

type FetchFn = typeof fetch;
interface Split { requests: number; sync: number; wait: number; between: number; gaps: number; last: number }
const newSplit = (): Split => ({ requests: 0, sync: 0, wait: 0, between: 0, gaps: 0, last: 0 });

/** fetch, timed: its synchronous part (the call), the wait until the response, and the time
 * from one response to the next call (reading the body, then the caller's own work). */
function timedFetch(f: FetchFn, st: Split): FetchFn {
  return ((url: Parameters<FetchFn>[0], init?: Parameters<FetchFn>[1]) => {
    const t0 = now();
    if (st.last > 0) { st.between += t0 - st.last; st.gaps++; }
    const p = f(url, init);
    const t1 = now();
    st.sync += t1 - t0;
    return p.then((res) => { const t2 = now(); st.wait += t2 - t1; st.last = t2; st.requests++; return res; });
  }) as FetchFn;
}

/**
 * Sequential GETs only, both sides through the same timing wrapper around node-fetch: per
 * request, node-fetch's synchronous part, the wait for the response (the I/O, the server in
 * this process, node-fetch's response handling), and the time between a response and the
 * next call — for Node the body read and the loop; for cinder the body read, the event to the
 * program, the Lua code, the handle methods and the next connect. Medians over the rounds.
 */
async function splitMain(): Promise<void> {
  const srv = await bareServer();
  const bench = await bootBench();
  const rows: Record<'cinder' | 'node', Array<{ total: number; sync: number; wait: number; between: number }>> = { cinder: [], node: [] };
  let cinderSplit = newSplit(); // a fresh one per cinder run, wrapped in below
  const agent = new http.Agent({ keepAlive: true });
  const per = (st: Split, total: number) => ({
    total: (total * 1000) / st.requests, sync: (st.sync * 1000) / st.requests,
    wait: (st.wait * 1000) / st.requests, between: (st.between * 1000) / Math.max(1, st.gaps),
  });
  try {
    for (let run = 1 - WARMUP; run <= RUNS; run++) {
      process.stderr.write(run <= 0 ? `warm-up ${run + WARMUP}/${WARMUP}\n` : `run ${run}/${RUNS}\n`);
      const c = async () => {
        cinderSplit = newSplit();
        await wrapFetch((f) => timedFetch(f, cinderSplit));
        const ms = timed(await cinderRun(bench, LUA_SEQ, [srv.url, String(SEQ)]));
        if (run > 0) rows.cinder.push(per(cinderSplit, ms));
      };
      const n = async () => {
        const st = newSplit();
        const f = timedFetch(fetch, st);
        const t0 = now();
        for (let i = 0; i < SEQ; i++) {
          const r = await f(srv.url, { agent });
          if ((await r.text()) !== BODY) throw new Error('bad body');
        }
        const ms = now() - t0;
        if (run > 0) rows.node.push(per(st, ms));
      };
      for (const f of run % 2 === 0 ? [c, n] : [n, c]) await f();
    }
  } finally {
    await wrapFetch(null);
    agent.destroy();
    closeBench(bench);
    await srv.close();
  }
  const med = (side: 'cinder' | 'node', k: 'total' | 'sync' | 'wait' | 'between') => median(rows[side].map((r) => r[k]));
  log(`Machine: ${machine()}; ${RUNS} rounds after ${WARMUP} warm-up rounds; ${SEQ} sequential requests per run.`);
  log('µs per request, medians of the rounds (both sides call node-fetch through the same timing wrapper).');
  log();
  const fmt = (x: number) => x.toFixed(1);
  log(table(['Part of a request', 'cinder µs', 'Node µs', 'difference µs'], ([
    ['node-fetch call (synchronous part)', 'sync'],
    ['wait for the response (I/O, server, node-fetch)', 'wait'],
    ['response → next call (body, then program; for cinder: event, Lua, kernel)', 'between'],
    ['whole request (run time ÷ requests)', 'total'],
  ] as const).map(([name, k]) => [name, fmt(med('cinder', k)), fmt(med('node', k)), fmt(med('cinder', k) - med('node', k))])));
}

if (opts.split) await splitMain();
else await main();
