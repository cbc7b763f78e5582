// The network programs in /rom/bin: wget, curl, wscat and httpd.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fetch from 'node-fetch';
import { startServer, TestServer, ALL_BYTES, freePort } from './inet-helpers.js';
import { cleanupTempDirs, newWorld, bootComputer } from './helpers.js';
import { MemorySink, QueueSource } from '../kernel/stdio.js';
import { netPolicy } from '../kernel/net/state.js';
import type { Computer } from '../kernel/computer.js';
import type { World } from '../kernel/world.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(async () => { await s.close(); cleanupTempDirs(); });

interface RomRun { code: number | null; stdout: string; stderr: string; computer: Computer }

function setup(): { world: World; computer: Computer } {
  const world = newWorld();
  const computer = bootComputer(world, 0);
  netPolicy(computer).allowLocal = true;
  return { world, computer };
}

/** Run /rom/bin/<prog>.lua with arguments in a computer that may reach loopback. */
async function rom(prog: string, args: string[], opts: { stdin?: string; env?: ReturnType<typeof setup>; dir?: string } = {}): Promise<RomRun> {
  const { world, computer } = opts.env ?? setup();
  const out = new MemorySink();
  const err = new MemorySink();
  const proc = computer.spawn(`/rom/bin/${prog}.lua`, args, {
    stdin: { kind: 'stream', name: 'stdin', source: new QueueSource(opts.stdin ?? '', true) },
    stdout: { kind: 'stream', name: 'stdout', sink: out },
    stderr: { kind: 'stream', name: 'stderr', sink: err },
    dir: opts.dir ?? '/tmp',
    vars: { PATH: '/rom/bin', HOME: '/' },
  });
  let done = false;
  const off = computer.onProcessExit((p) => { if (p === proc) done = true; });
  await world.run({ until: () => done, forMs: 600_000 });
  off();
  return { code: proc.completion?.code ?? null, stdout: out.text(), stderr: err.text(), computer };
}

const read = (c: Computer, path: string) => Buffer.from(c.vfs.readFile({ user: 'root' }, path));

describe('rom network programs', () => {
  it('print usage and exit 2 on bad arguments', async () => {
    for (const [prog, args] of [['wget', []], ['curl', ['--nope', 'x']], ['wscat', []], ['httpd', ['a', 'b']]] as const) {
      const r = await rom(prog, [...args]);
      expect([prog, r.code]).toEqual([prog, 2]);
      expect(r.stderr).toMatch(/usage: /);
    }
    const bad = await rom('curl', ['-H', 'no colon here', 'http://example.com/']);
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, "curl: bad header 'no colon here'"]);
    const help = await rom('wscat', ['--help']);
    expect([help.code, help.stderr.split('\n')[0]]).toEqual([2, 'usage: wscat [options] URL']);
  });

  it('-H takes "Name: value" with spaces around the colon and the value trimmed', async () => {
    const r = await rom('curl', ['-H', '  X-Spaced :  two words  ', '-H', 'X-Empty:', `${s.base}/echo`], { env: setup() });
    expect(r.code).toBe(0);
    expect(s.requests.at(-1)!.headers['x-spaced']).toBe('two words');
    expect(s.requests.at(-1)!.headers['x-empty']).toBe('');
  });

  it('wget downloads to a file (binary safe) or to standard output', async () => {
    const env = setup();
    const r = await rom('wget', ['-q', `${s.base}/bytes`], { env });
    expect(r.code).toBe(0);
    expect(read(r.computer, '/tmp/bytes').equals(ALL_BYTES)).toBe(true);
    const r2 = await rom('wget', ['-O', '/tmp/t.txt', '-H', 'X-Test: hi', `${s.base}/echo`], { env });
    expect(r2.stderr).toMatch(/saved 0 bytes to \/tmp\/t.txt/);
    expect(s.requests.at(-1)!.headers['x-test']).toBe('hi');
    const r3 = await rom('wget', ['-O', '-', `${s.base}/text`], { env });
    expect(r3.stdout).toBe('hello\nworld\n42 7.5 0x10 rest');
    const r4 = await rom('wget', [`${s.base}/status/404`], { env });
    expect([r4.code, r4.stderr]).toEqual([8, `wget: ${s.base}/status/404: 404 Not Found\n`]);
    const r5 = await rom('wget', ['http://127.0.0.1:1/'], { env });
    expect([r5.code, r5.stderr]).toEqual([4, 'wget: http://127.0.0.1:1/: Could not connect\n']);
  });

  it('curl: methods, headers, data, -i, -I, -L, -f, -o', async () => {
    const env = setup();
    const post = await rom('curl', ['-d', 'payload', '-H', 'X-Test: c', `${s.base}/echo`], { env });
    expect(post.stdout).toBe('payload');
    expect(s.requests.at(-1)).toMatchObject({ method: 'POST' });
    const put = await rom('curl', ['-X', 'PUT', '-i', '-d', 'x', `${s.base}/echo`], { env });
    expect(put.stdout).toMatch(/^HTTP 200 OK\r\n[^]*x-method: PUT\r\n[^]*\r\n\r\nx$/);
    const head = await rom('curl', ['-I', `${s.base}/text`], { env });
    expect(head.stdout).toMatch(/^HTTP 200 OK\r\n[^]*content-type: text\/plain\r\n[^]*\r\n\r\n$/);
    const noFollow = await rom('curl', [`${s.base}/redirect/1`], { env });
    expect(noFollow.stdout).toBe('moving');
    const follow = await rom('curl', ['-L', `${s.base}/redirect/2`], { env });
    expect(follow.stdout).toBe('done GET');
    const fail = await rom('curl', ['-f', `${s.base}/status/500`], { env });
    expect([fail.code, fail.stderr]).toEqual([22, 'curl: The requested URL returned error: 500\n']);
    env.computer.vfs.writeFile({ user: 'root' }, '/tmp/up.bin', ALL_BYTES);
    const up2 = await rom('curl', ['-d', '@/tmp/up.bin', '-o', '/tmp/down.bin', `${s.base}/echo`], { env });
    expect(up2.code).toBe(0);
    expect(read(env.computer, '/tmp/down.bin').equals(ALL_BYTES)).toBe(true);
    const refused = await rom('curl', ['http://127.0.0.1:1/'], { env });
    expect([refused.code, refused.stderr]).toEqual([7, 'curl: Could not connect\n']);
  });

  it('curl -s hides failures (the exit code stays), -S shows them; -fsSL works as in install scripts', async () => {
    const env = setup();
    const quiet = await rom('curl', ['-s', 'http://127.0.0.1:1/'], { env });
    expect([quiet.code, quiet.stderr]).toEqual([7, '']);
    const shown = await rom('curl', ['-sS', 'http://127.0.0.1:1/'], { env });
    expect([shown.code, shown.stderr]).toEqual([7, 'curl: Could not connect\n']);
    const status = await rom('curl', ['-sf', `${s.base}/status/500`], { env });
    expect([status.code, status.stdout, status.stderr]).toEqual([22, '', '']);
    const script = await rom('curl', ['-fsSL', `${s.base}/redirect/2`], { env });
    expect([script.code, script.stdout, script.stderr]).toEqual([0, 'done GET', '']);
    const usage = await rom('curl', ['-s'], { env });
    expect([usage.code, usage.stderr.split('\n')[0]]).toEqual([2, 'curl: expected one URL']);
  });

  it('wscat sends -x messages or standard input lines and prints replies', async () => {
    const r = await rom('wscat', ['-t', '-x', 'one', '-x', 'two', `${s.ws}/echo`]);
    expect([r.code, r.stdout]).toEqual([0, '< one\n< two\n']);
    expect(r.stderr).toBe(`connected to ${s.ws}/echo\n`);
    const r2 = await rom('wscat', ['-t', `${s.ws}/echo`], { stdin: 'alpha\nbeta\n' });
    expect(r2.stdout).toBe('< alpha\n< beta\n');
    const r3 = await rom('wscat', ['-t', '-x', 'close:4005:over', '-n', '5', `${s.ws}/echo`]);
    expect([r3.code, r3.stderr]).toEqual([0, `connected to ${s.ws}/echo\ndisconnected (4005 over)\n`]);
    const r4 = await rom('wscat', [`ws://127.0.0.1:1/`]);
    expect([r4.code, r4.stderr]).toEqual([1, 'wscat: Could not connect\n']);
  });

  it('httpd serves a folder: files, index, listings, 404, 405, no escape from the root', async () => {
    const env = setup();
    const c = env.computer;
    const root = { user: 'root' };
    c.vfs.mkdir(root, '/srv');
    c.vfs.mkdir(root, '/srv/sub');
    c.vfs.writeFile(root, '/srv/index.html', '<h1>home</h1>');
    c.vfs.writeFile(root, '/srv/data.bin', ALL_BYTES);
    c.vfs.writeFile(root, '/srv/sub/a b.txt', 'spaced');
    c.vfs.writeFile(root, '/secret.txt', 'secret');
    const port = await freePort();
    const done = rom('httpd', ['-p', String(port), '-n', '7', '/srv'], { env });
    const base = `http://127.0.0.1:${port}`;
    let first;
    for (let i = 0; ; i++) {
      try { first = await fetch(`${base}/`); break; } catch (e) { if (i > 200) throw e; await new Promise((r) => setTimeout(r, 20)); }
    }
    expect([first.status, first.headers.get('content-type'), await first.text()]).toEqual([200, 'text/html; charset=utf-8', '<h1>home</h1>']);
    const bin = await fetch(`${base}/data.bin`);
    expect(Buffer.from(await bin.arrayBuffer()).equals(ALL_BYTES)).toBe(true);
    const list = await (await fetch(`${base}/sub/`)).text();
    expect(list).toMatch(/Index of \/sub\/[^]*a%20b\.txt/);
    expect(await (await fetch(`${base}/sub/a%20b.txt`)).text()).toBe('spaced');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/data.bin`, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(`${base}/../secret.txt`)).status).not.toBe(200);
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`httpd: serving /srv on http://127.0.0.1:${port}\n`);
    expect(r.stderr).toMatch(/GET \/ 200\n/);
  });
});
