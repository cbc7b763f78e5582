// Running simulations from TypeScript: faults, crashes that leave the rest
// running, the end conditions, per-computer logs and the determinism check.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulation } from '../kernel/sim/simulation.js';
import { checkTopology } from '../kernel/sim/topology.js';
import { projectPath } from '../kernel/paths.js';
import { loadTopology } from '../kernel/sim/simulation.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function folder(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'cinder-simtest-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

async function simulate(raw: unknown, files: Record<string, string> = {}, opts: ConstructorParameters<typeof Simulation>[1] = {}) {
  const dir = folder(files);
  const lines: string[] = [];
  const sim = new Simulation(checkTopology(raw, (p) => join(dir, p)), { print: (l) => lines.push(l), ...opts });
  const result = await sim.run();
  return { result, lines, dir };
}

describe('simulations', () => {
  it('prints "[id] line", ends when every startup program has ended, and exits 0', async () => {
    const { result, lines } = await simulate({
      computers: [
        { id: 1, files: { '/a.lua': 'a.lua' }, startup: ['/a.lua', 'x', 'y'] },
        { id: 2, files: { '/b.lua': 'b.lua' }, startup: '/b.lua' },
      ],
    }, { 'a.lua': 'print("a", ...) require("system.util").sleep(2) print("a done")', 'b.lua': 'io.write("partial") print(" line")' });
    expect(lines).toEqual(['[1] a\tx\ty', '[2] partial line', '[1] a done']);
    expect(result).toMatchObject({ code: 0, endedBy: 'startup', simulatedMs: 2000, failures: [] });
  });

  it('a crashing computer is reported, the others run on, and the run fails', async () => {
    const { result, lines } = await simulate({
      computers: [
        { id: 1, files: { '/crash.lua': 'crash.lua' }, startup: '/crash.lua' },
        { id: 2, files: { '/ok.lua': 'ok.lua' }, startup: '/ok.lua' },
        { id: 3, startup: '/missing.lua' },
      ],
    }, { 'crash.lua': 'require("system.util").sleep(1) error("boom")', 'ok.lua': 'require("system.util").sleep(3) print("still here")' });
    expect(result.code).toBe(1);
    expect(result.failures).toEqual([
      'computer 3: could not start /missing.lua: /missing.lua: No such file or directory',
      'computer 1: /crash.lua failed (exit 1): /crash.lua:1: boom',
    ]);
    expect(lines).toContain('[2] still here');
    expect(lines).toContain('[1] [sim] /crash.lua failed (exit 1): /crash.lua:1: boom');
  });

  it('a kernel panic is a crash: reported with its reason while the rest runs on', async () => {
    const { result, lines } = await simulate({
      computers: [
        { id: 1, files: { '/ok.lua': 'ok.lua' }, startup: '/ok.lua', kernargs: { init: '/nope.lua' } },
        { id: 3, files: { '/ok.lua': 'ok.lua' }, startup: '/ok.lua' },
      ],
    }, { 'ok.lua': 'require("system.util").sleep(2) print("fine")'});
    expect(result.code).toBe(1);
    expect(result.failures).toEqual(['computer 1: crashed: panic: No working init found']);
    expect(lines).toContain('[3] fine');
  });

  it('--for ends a run even when a program never waits (busy passes move the virtual clock)', async () => {
    const { result } = await simulate({ for: '2s', computers: [{ id: 1, files: { '/spin.lua': 'spin.lua' }, startup: '/spin.lua' }] },
      { 'spin.lua': 'while true do end' });
    expect(result).toMatchObject({ code: 0, endedBy: 'duration' });
    expect(result.simulatedMs).toBeGreaterThanOrEqual(2000);
  });

  it('runs for the duration when no computer has a startup program', async () => {
    const { result } = await simulate({ for: '5s', computers: [{ id: 1 }] });
    expect(result.endedBy).toBe('idle');
  });

  it('faults: kill stops a computer without failing the run; reboot runs the startup program again; loss changes', async () => {
    const { result, lines } = await simulate({
      media: { lan: { kind: 'wired' } },
      computers: [
        { id: 1, modems: [{ side: 'back', medium: 'lan' }], files: { '/loop.lua': 'loop.lua' }, startup: '/loop.lua' },
        { id: 2, modems: [{ side: 'back', medium: 'lan' }], files: { '/loop.lua': 'loop.lua' }, startup: '/loop.lua' },
      ],
      faults: [{ at: '1.5s', kill: 1 }, { at: '2.5s', reboot: 2 }, { at: '3s', medium: 'lan', loss: 1 }],
    }, { 'loop.lua': 'local u = require("system.util") for i = 1, 4 do print("tick", i, u.syscall.uptime()) u.sleep(1) end' });
    expect(result.code).toBe(0);
    expect(lines).toEqual([
      '[1] tick\t1\t0', '[2] tick\t1\t0', '[1] tick\t2\t1', '[2] tick\t2\t1',
      '[sim] 1.500s kill computer 1',
      '[2] tick\t3\t2',
      '[sim] 2.500s reboot computer 2',
      '[2] tick\t1\t0',
      '[sim] 3.000s lan: {"loss":1}',
      '[2] tick\t2\t1', '[2] tick\t3\t2', '[2] tick\t4\t3',
    ]);
  });

  it('--out writes one log per computer', async () => {
    const out = folder({});
    const { lines } = await simulate({ computers: [{ id: 4, files: { '/p.lua': 'p.lua' }, startup: '/p.lua' }, { id: 5, files: { '/p.lua': 'p.lua' }, startup: '/p.lua' }] },
      { 'p.lua': 'print("hello from", require("system.util").syscall.getcomputerid())' }, { outDir: out });
    expect(lines).toEqual([]);
    expect(readFileSync(join(out, '4.log'), 'utf8')).toBe('hello from\t4\n');
    expect(readFileSync(join(out, '5.log'), 'utf8')).toBe('hello from\t5\n');
  });

  it('determinism: the same topology and seed give byte-identical traces; another seed does not', async () => {
    const topo = loadTopology(projectPath('docs/examples/star/topology.json'));
    const run = async (seed?: number) => {
      const d = folder({});
      const trace = join(d, 'trace.jsonl');
      const r = await new Simulation(topo, { print: () => {}, tracePath: trace, seed }).run();
      expect(r.code).toBe(0);
      return readFileSync(trace);
    };
    const a = await run(), b = await run(), c = await run(99);
    expect(a.length).toBeGreaterThan(1000);
    expect(Buffer.compare(a, b)).toBe(0);
    expect(Buffer.compare(a, c)).not.toBe(0);
    for (const line of a.toString('utf8').trim().split('\n')) {
      const r = JSON.parse(line);
      expect(typeof r.t).toBe('number');
      expect(['deliver', 'drop']).toContain(r.event);
    }
  });
});
