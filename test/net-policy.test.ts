// Address rules (CC: Tweaked's AddressRuleTest vectors), the config file,
// the lookup hook, and the read buffer's modes, as units.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHost, defaultPolicy, loadPolicy, policyLookup, resolveAllowed, DENIED, isPrivateAddress } from '../kernel/net/policy.js';
import { ReadBuffer } from '../kernel/net/buffer.js';
import { appendQuery, parseURI, toURL } from '../kernel/net/uri.js';
import { runNet, lua } from './inet-helpers.js';
import { cleanupTempDirs, newWorld, bootComputer, runLua } from './helpers.js';
import { netPolicy } from '../kernel/net/state.js';

afterAll(() => cleanupTempDirs());

const host = (u: string) => new URL(`http://${u}/`).hostname.replace(/^\[|\]$/g, '');

describe('address rules', () => {
  const denied = ['0.0.0.0', '[::]', 'localhost', '127.0.0.1', '[::1]', '172.17.0.1', '192.168.1.114', '[0:0:0:0:0:ffff:c0a8:172]',
    '10.0.0.1', '224.0.0.1', '[ff02::1]', '100.64.0.0', '100.127.255.255', '100.100.100.200', '192.0.0.192', '[fd00:ec2::254]', '169.254.169.254'];
  const allowed = ['100.63.255.255', '100.128.0.0', '8.8.8.8', '[2606:4700::1111]', 'example.com'];

  it('deny private, loopback and link-local addresses by default (CC: Tweaked vectors)', () => {
    const p = defaultPolicy();
    for (const h of denied) expect([h, checkHost(p, host(h))]).toEqual([h, DENIED]);
    for (const h of allowed) expect([h, checkHost(p, host(h))]).toEqual([h, null]);
  });

  it('check the resolved address too, including IPv4-mapped and 6to4 forms', () => {
    const p = defaultPolicy();
    expect(checkHost(p, '127.0.0.1.nip.io', '127.0.0.1')).toBe(DENIED);
    expect(checkHost(p, 'public.example', '::ffff:10.0.0.1')).toBe(DENIED);
    expect(checkHost(p, 'public.example', '2002:c0a8:0101::1')).toBe(DENIED);
    expect(checkHost(p, 'public.example', '93.184.216.34')).toBeNull();
    expect(isPrivateAddress('::ffff:7f00:1')).toBe(true);
  });

  it('allowLocal, allow and deny lists', () => {
    const p = { ...defaultPolicy(), allowLocal: true };
    expect(checkHost(p, '127.0.0.1')).toBeNull();
    expect(checkHost({ ...p, deny: ['127.0.0.0/8'] }, '127.0.0.1')).toBe(DENIED);
    expect(checkHost({ ...p, deny: ['*.bad.example'] }, 'x.bad.example')).toBe(DENIED);
    expect(checkHost({ ...p, deny: ['*.bad.example'] }, 'good.example')).toBeNull();
    const only = { ...defaultPolicy(), allow: ['*.example.com'] };
    expect(checkHost(only, 'api.example.com')).toBeNull();
    expect(checkHost(only, 'example.org')).toBe(DENIED);
    const named = { ...defaultPolicy(), allow: ['*', '192.168.1.0/24'] };
    expect(checkHost(named, '192.168.1.5')).toBeNull();
    expect(checkHost(named, '192.168.2.5')).toBe(DENIED);
    expect(checkHost({ ...defaultPolicy(), allow: ['*', '$private'] }, '10.0.0.1')).toBeNull();
  });

  it('the lookup hook refuses denied resolved addresses and answers all/family forms', async () => {
    const p = { ...defaultPolicy(), resolve: async (h: string) => h === 'two.test'
      ? [{ address: '93.184.216.34', family: 4 as const }, { address: '2606:4700::1111', family: 6 as const }]
      : [{ address: '127.0.0.1', family: 4 as const }] };
    const lookup = policyLookup(p);
    const one = await new Promise<unknown[]>((r) => lookup('two.test', { family: 6 }, (...a) => r(a)));
    expect(one).toEqual([null, '2606:4700::1111', 6]);
    const all = await new Promise<unknown[]>((r) => lookup('two.test', { all: true }, (...a) => r(a)));
    expect(all[1]).toHaveLength(2);
    const bad = await new Promise<unknown[]>((r) => lookup('loop.test', {}, (...a) => r(a)));
    expect((bad[0] as Error).message).toBe(DENIED);
    await expect(resolveAllowed(p, 'loop.test')).rejects.toThrow(DENIED);
  });

  it('reads the http section of DATA/config.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cinder-cfg-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ http: {
      allowLocal: true, deny: ['*.evil'], maxDownload: 10, maxUpload: 20, maxWebsocketMessage: 30, maxRequests: 2, timeout: 5, maxRedirects: 1,
    } }));
    const p = loadPolicy(dir);
    expect(p).toMatchObject({ allowLocal: true, allow: ['*'], deny: ['*.evil'], maxDownload: 10, maxUpload: 20, maxWebsocketMessage: 30, maxRequests: 2, timeout: 5000, maxRedirects: 1 });
    expect(loadPolicy(join(dir, 'missing'))).toEqual(defaultPolicy());
  });

  it('loopback is refused by default and allowed with the switch, in a real computer', async () => {
    const world = newWorld();
    const c = bootComputer(world, 0);
    const src = `local util = require "system.util" print(util.syscall.connect("http://127.0.0.1:9/"))`;
    const r1 = await runLua(src, { world });
    expect(r1.stdout).toBe('nil\tDomain not permitted\n');
    netPolicy(c).allowLocal = true;
    const r2 = await runLua(src, { world });
    expect(r2.stdout).toMatch(/^socket: /);
    const r3 = await runNet(`print(network.connect("http://localhost:9/"))`, { policy: { allowLocal: false } });
    expect(r3.stdout).toBe('nil\tDomain not permitted\n');
    expect(await lua(`print(network.connect("http://localhost:9/") ~= nil)`)).toBe('true\n');
  });
});

describe('read buffer', () => {
  const b = (s: string) => Buffer.from(s, 'latin1');
  it('stream mode: lines wait for their newline until the end', () => {
    const r = new ReadBuffer(false);
    r.push(b('ab'));
    expect(r.readLine(false)).toBeNull();
    r.push(b('c\nde'));
    expect(r.readLine(true)?.toString()).toBe('abc\n');
    expect(r.readLine(false)).toBeNull();
    r.ended = true;
    expect(r.readLine(false)?.toString()).toBe('de');
    expect(r.readAll()).toBeNull();
    const h = new ReadBuffer(false, '');
    h.ended = true;
    expect(h.readAll()?.toString()).toBe('');
  });
  it('numbers, byte counts and message mode', () => {
    const r = new ReadBuffer(false);
    r.push(b('  -1.5e2 0x1p4 +7 nope'));
    expect([r.readNumber(), r.readNumber(), r.readNumber(), r.readNumber()]).toEqual([-150, 16, 7, null]);
    expect(r.readBytes(100)?.toString()).toBe(' nope');
    expect(r.readBytes(1)).toBeNull();
    const m = new ReadBuffer(true);
    m.push(b('one\ntwo'));
    m.push(b(''));
    m.push(b('three'));
    expect(m.readLine(false)?.toString()).toBe('one');
    expect(m.readAll()?.toString()).toBe('two');
    expect(m.readAll()?.toString()).toBe('');
    expect(m.readBytes(2)?.toString()).toBe('th');
    expect(m.readBytes(0)?.toString()).toBe('');
    expect(m.readLine(true)?.toString()).toBe('ree');
    expect(m.readAll()).toBeNull();
  });
  it('query tables are appended sorted and encoded', () => {
    expect(appendQuery('http://h/p', [['b', '2'], ['a', 'x y']])).toBe('http://h/p?a=x%20y&b=2');
    expect(appendQuery('http://h/p?z=1#f', [['a', '1']])).toBe('http://h/p?z=1&a=1#f');
  });
  it('parsed URIs are kept frozen, so a repeated URI is parsed once and no caller can change it', () => {
    const a = parseURI('http://cache.test:81/p?q');
    expect(parseURI('http://cache.test:81/p?q')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => { (a as { port?: number }).port = 1; }).toThrow(TypeError);
    expect(a).toEqual({ scheme: 'http', host: 'cache.test', port: 81, path: '/p', query: 'q' });
    expect(() => parseURI('http://bad host/')).toThrow('Invalid URI');
    expect(() => parseURI('http://bad host/')).toThrow('Invalid URI'); // errors are not cached as results
    expect(toURL('http://cache.test:81/p')?.href).toBe('http://cache.test:81/p');
    expect(toURL('http://cache.test:81/p')).toBe(toURL('http://cache.test:81/p'));
    expect(toURL('file:///x')).toBeNull();
    for (let i = 0; i < 200; i++) parseURI(`http://h${i}/`); // the cache stays bounded and keeps working
    expect(parseURI('http://cache.test:81/p?q')).toEqual(a);
  });
});
