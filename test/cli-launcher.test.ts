// bin/cinder.ts, the entry point: it runs the bundle with a V8 code cache that it
// writes itself. A copy of the built launcher and bundle in a folder of its own
// under dist/ (so the project root is still found above it) keeps these runs'
// cache files apart from every other test's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
let dir: string;
let server: http.Server;
let port = 0;

function cinder(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(dir, 'cinder.js'), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const meta = () => JSON.parse(readFileSync(join(dir, 'cinder.cache.json'), 'utf8')) as { digest: string; commands: string[] };
const bundleDigest = () => createHash('sha1').update(readFileSync(join(dir, 'cinder.cjs'), 'utf8').replace(/^#!.*/, '')).digest('hex');

beforeAll(async () => {
  dir = mkdtempSync(join(DIST, 'launcher-test-'));
  for (const f of ['cinder.js', 'cinder.cjs']) copyFileSync(join(DIST, 'bin', f), join(dir, f));
  writeFileSync(join(dir, 'hello.lua'), 'print("hello " .. (... or "?"))\n');
  server = http.createServer((_q, r) => r.end('pong\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  writeFileSync(join(dir, 'get.lua'), `local h, e = require("system.network").get("http://127.0.0.1:${port}/") print(h and h:read("*a") or e)\n`);
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((r) => server.close(() => r()));
});

describe('the cinder launcher', () => {
  it('writes a code cache for its bundle on the first run and reuses it', { timeout: 60_000 }, async () => {
    expect(existsSync(join(dir, 'cinder.cache'))).toBe(false);
    expect(await cinder('run', '--data', join(dir, 'd1'), join(dir, 'hello.lua'), 'a')).toMatchObject({ code: 0, stdout: 'hello a\n' });
    expect(meta()).toEqual({ digest: bundleDigest(), commands: ['run'] });
    const written = statSync(join(dir, 'cinder.cache')).mtimeMs;
    expect(await cinder('run', '--data', join(dir, 'd2'), join(dir, 'hello.lua'), 'b')).toMatchObject({ code: 0, stdout: 'hello b\n' });
    expect(statSync(join(dir, 'cinder.cache')).mtimeMs).toBe(written);
    // another command adds what it compiled
    expect((await cinder('--version')).stdout).toMatch(/^cinder /);
    expect(meta().commands).toEqual(['run', '--version']);
  });

  it('never uses a cache recorded for another bundle', { timeout: 60_000 }, async () => {
    writeFileSync(join(dir, 'cinder.cache.json'), JSON.stringify({ digest: 'another bundle', commands: ['run'] }));
    writeFileSync(join(dir, 'cinder.cache'), 'not a V8 code cache');
    expect(await cinder('run', '--data', join(dir, 'd3'), join(dir, 'hello.lua'), 'c')).toMatchObject({ code: 0, stdout: 'hello c\n' });
    expect(meta()).toEqual({ digest: bundleDigest(), commands: ['run'] });
    expect(readFileSync(join(dir, 'cinder.cache'), 'utf8')).not.toBe('not a V8 code cache');
  });

  it('loads node-fetch for HTTP from a cached bundle', { timeout: 60_000 }, async () => {
    const r = await cinder('run', '--allow-local', '--data', join(dir, 'd4'), join(dir, 'get.lua'));
    expect(r).toMatchObject({ code: 0, stdout: 'pong\n\n', stderr: '' });
  });
});
