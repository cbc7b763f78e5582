// `cinder sim` from the command line (the built dist/, as users run it) on
// the example topologies in docs/examples/.
import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../kernel/paths.js';

const CLI = projectPath('dist/bin/cinder.js');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function tmp(): string { const d = mkdtempSync(join(tmpdir(), 'cinder-simcli-')); dirs.push(d); return d; }

function sim(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'sim', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const example = (name: string) => projectPath(`docs/examples/${name}/topology.json`);

describe('cinder sim', () => {
  it('two-computer chat', () => {
    const r = sim(example('chat'));
    expect(r.stderr).toMatch(/^cinder sim: 1\.000s simulated \(every startup program ended\); 4 frames/);
    expect(r.stdout).toBe([
      '[1] alice: saying hello to bob',
      '[2] bob: alice (computer 1, 22.4 blocks away) says "hello bob"',
      '[1] alice: computer 2 says "hi alice!"',
      '',
    ].join('\n'));
    expect(r.code).toBe(0);
  });

  it('a star of 20 clients around a server, with loss and a partition', () => {
    const r = sim(example('star'));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    for (let i = 1; i <= 20; i++) expect(lines.some((l) => l.startsWith(`[${i}] client ${i}: ${i} * 2 = ${i * 2}`))).toBe(true);
    expect(lines).toContain('[100] server: served 20 clients');
    expect(lines).toContain('[sim] 2.000s heal air');
  });

  it('two LANs joined by a repeater, with a byte-identical trace on every run', () => {
    const d = tmp();
    const a = sim(example('two-lans'), '--trace', join(d, 'a.jsonl'));
    const b = sim(example('two-lans'), '--trace', join(d, 'b.jsonl'));
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('[3] receiver: "message 3" from computer 1');
    expect(a.stdout).toContain('[1] sender: computer 3 acknowledged 3');
    expect(a.stdout).toContain('[2] Repeated 6 messages');
    expect(b.stdout).toBe(a.stdout);
    const ta = readFileSync(join(d, 'a.jsonl')), tb = readFileSync(join(d, 'b.jsonl'));
    expect(ta.length).toBeGreaterThan(0);
    expect(Buffer.compare(ta, tb)).toBe(0);
    const first = JSON.parse(ta.toString('utf8').split('\n')[0]);
    expect(first).toMatchObject({ medium: 'lanA', from: 1, rednet: { nRecipient: 3, nSender: 1, sProtocol: 'lan' } });
  });

  it('--seed and --for override the file; --out writes logs', () => {
    const d = tmp();
    const r = sim(example('two-lans'), '--seed', '5', '--for', '500ms', '--out', d);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^cinder sim: 0\.500s simulated \(duration over\)/);
    expect(readFileSync(join(d, '2.log'), 'utf8')).toBe('Repeating between 2 modems: /left, /right\n');
  });

  it('--realtime runs on the wall clock; --watch shows one computer\'s screen', () => {
    const t0 = Date.now();
    const r = sim(example('chat'), '--realtime');
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000); // alice waits 1 s before saying hello
    expect(r.stdout).toContain('[1] alice: computer 2 says "hi alice!"');
    const w = sim(example('chat'), '--watch', '2');
    expect(w.code).toBe(0);
    // Not a terminal: only the final screen, without escape sequences.
    expect(w.stdout).toMatch(/^bob: alice \(computer 1, 22\.4 blocks away\) says "hel\nlo bob"\n/);
    expect(w.stdout).toContain('-- computer 2 -- t=1.0s --');
    expect(w.stdout).not.toContain('\x1b');
    expect(sim(example('chat'), '--watch', '9').stderr).toContain('--watch 9: no computer with that ID');
  });

  it('exits 2 with the bad fields named for an invalid topology, and 1 when a startup program fails', () => {
    const d = tmp();
    writeFileSync(join(d, 'bad.json'), JSON.stringify({ media: { air: { kind: 'wireless' } }, computers: [{ id: 1, modems: [{ side: 'top', medium: 'lan' }] }, { id: 1, position: 'here' }] }));
    const r = sim(join(d, 'bad.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("computers[0].modems[0].medium: unknown medium 'lan' (known: air)");
    expect(r.stderr).toContain('computers[1].id: duplicate ID 1 (also computers[0])');
    expect(r.stderr).toContain('computers[1].position: expected [x, y, z] (three numbers), got "here"');
    writeFileSync(join(d, 'fail.lua'), 'error("nope")');
    writeFileSync(join(d, 'fail.json'), JSON.stringify({ computers: [{ id: 3, files: { '/f.lua': 'fail.lua' }, startup: '/f.lua' }] }));
    const f = sim(join(d, 'fail.json'));
    expect(f.code).toBe(1);
    expect(f.stderr).toContain('cinder sim: FAILED computer 3: /f.lua failed (exit 1): /f.lua:1: nope');
    writeFileSync(join(d, 'notjson.json'), '{ nope');
    expect(sim(join(d, 'notjson.json')).stderr).toMatch(/not valid JSON/);
    expect(sim('--for', 'later', example('chat')).code).toBe(2);
    expect(sim().code).toBe(2);
    expect(sim('--help').stdout).toContain('Usage: cinder sim');
  });
});
