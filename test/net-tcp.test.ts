// Raw TCP client handles (tcp://host:port, TLS with tls=true) against loopback
// node:net / node:tls servers.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import net from 'node:net';
import { lua, freePort, startTcpServer } from './inet-helpers.js';
import { cleanupTempDirs } from './helpers.js';

afterAll(() => cleanupTempDirs());

const EVENTS = `
local function nextEvent(h)
  while true do
    local n, p = coroutine.yield()
    if type(p) == "table" and p.id == h.id then
      if n == "handle_status_change" then return n .. ":" .. p.status .. (p.error and (":" .. p.error) or "") end
      return n
    end
  end
end
`;

/** A self-signed certificate for 127.0.0.1 (openssl), or null when openssl is missing. */
function makeCert(): { key: string; cert: string } | null {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'cinder-cert-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch { return null; }
}

describe('TCP handles', () => {
  let echo: Awaited<ReturnType<typeof startTcpServer>>;
  beforeAll(async () => { echo = await startTcpServer(); });
  afterAll(async () => { await echo.close(); });

  it('connects, streams bytes both ways, and reads lines only once complete', async () => {
    const out = await lua(EVENTS + `
      local h = assert(network.connect("tcp://127.0.0.1:${echo.port}"))
      eq(h:status(), "connecting")
      print(nextEvent(h))
      h:write("hello\\nwor")
      print(nextEvent(h))
      print(h:read("*l"), h:read("*l"), h:read("*a"))
      h:write("ld\\n", 42, "\\n")
      while h:read(0) == nil or true do
        util.sleep(0)
        local line = h:read("*l")
        if line then print(line) break end
      end
      print(h:read("*L"))
      print(h:remoteAddress())
      h:close()
      eq(h:status(), "closed")
      fails("attempt to write to a closed handle", h.write, h, "x")
    `);
    expect(out).toBe(`handle_status_change:open\nhandle_data_ready\nhello\tnil\twor\nld\n42\n\n127.0.0.1\t${echo.port}\n`);
  });

  it('round-trips all 256 byte values', async () => {
    const out = await lua(EVENTS + `
      local all = {}
      for i = 0, 255 do all[#all + 1] = string.char(i) end
      all = table.concat(all)
      local h = network.connect({ url = "tcp://127.0.0.1:${echo.port}" })
      nextEvent(h)
      h:write(all)
      local got = ""
      while #got < 256 do nextEvent(h) got = got .. h:read("*a") end
      eq(got, all)
      h:close()
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('a peer close gives closed with an event; data sent before it stays readable', async () => {
    const srv = await startTcpServer((sock) => { sock.end('bye\npartial'); });
    try {
      const out = await lua(EVENTS + `
        local h = network.connect("tcp://127.0.0.1:${srv.port}")
        local seq = {}
        repeat local e = nextEvent(h) seq[#seq + 1] = e until e:find("closed")
        print(table.concat(seq, ","))
        print(h:status(), h:read("*l"), h:read("*l"), h:read("*l"))
      `);
      expect(out).toBe('handle_status_change:open,handle_data_ready,handle_status_change:closed\nclosed\tbye\tpartial\tnil\n');
    } finally { await srv.close(); }
  });

  it('flow control: a slow reader still gets every byte', async () => {
    const total = 200_000;
    const srv = await startTcpServer((sock) => { sock.end(Buffer.alloc(total, 65)); });
    try {
      const out = await lua(EVENTS + `
        local h = network.connect("tcp://127.0.0.1:${srv.port}")
        eq(nextEvent(h), "handle_status_change:open")
        local n = 0
        while true do
          local d = h:read(1000)
          if d then n = n + #d
          elseif h:status() == "closed" then break
          else nextEvent(h) end
        end
        print(n)
      `, { policy: { maxDownload: 4096 } });
      expect(out).toBe(`${total}\n`);
    } finally { await srv.close(); }
  });

  it('bad input: refused, missing port, address rules, timeout', async () => {
    const port = await freePort();
    const out = await lua(EVENTS + `
      local h = network.connect("tcp://127.0.0.1:${port}")
      print(nextEvent(h), h:status())
      fails("No port specified", network.connect, "tcp://127.0.0.1")
      fails("Missing host", network.connect, "tcp:foo")
      print(network.checkURI("tcp://127.0.0.1:${port}"), network.checkURI("tcp://127.0.0.1"))
    `);
    expect(out).toBe('handle_status_change:error:Could not connect\terror\tCould not connect\ntrue\tfalse\n');
    const denied = await lua(`print(network.connect("tcp://127.0.0.1:${port}")) print(network.checkURI("tcp://127.0.0.1:${port}"))`, { policy: { allowLocal: false } });
    expect(denied).toBe('nil\tDomain not permitted\nfalse\n');
  });

  it('TLS: a trusted certificate works, an untrusted one or a plain server is a TLS error', async () => {
    const cert = makeCert();
    if (!cert) return; // openssl not installed
    const server = tls.createServer({ key: cert.key, cert: cert.cert }, (s) => { s.on('error', () => {}); s.pipe(s); });
    server.on('tlsClientError', () => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const plain = await startTcpServer((sock) => { sock.on('data', () => sock.end('not tls')); });
    try {
      const ok = await lua(EVENTS + `
        local h = network.connect("tcp://127.0.0.1:${port}?tls=true")
        print(nextEvent(h))
        h:write("secure\\n")
        nextEvent(h)
        print(h:read("*l"))
        h:close()
      `, { policy: { ca: cert.cert } });
      expect(ok).toBe('handle_status_change:open\nsecure\n');
      const bad = await lua(EVENTS + `
        local h = network.connect({ url = "tcp://127.0.0.1:${port}", tls = true })
        print(nextEvent(h))
        h = network.connect({ url = "tcp://127.0.0.1:${plain.port}", tls = true })
        print(nextEvent(h))
      `);
      expect(bad).toBe('handle_status_change:error:Could not create a secure connection\nhandle_status_change:error:Could not create a secure connection\n');
      // and https / wss through the same trusted CA
      const https = await import('node:https');
      const hs = https.createServer({ key: cert.key, cert: cert.cert }, (_q, r) => { r.end('over tls'); });
      await new Promise<void>((r) => hs.listen(0, '127.0.0.1', r));
      const hport = (hs.address() as net.AddressInfo).port;
      try {
        const body = await lua(`print(network.getData("https://127.0.0.1:${hport}/"))`, { policy: { ca: cert.cert } });
        expect(body).toBe('over tls\t200\n');
        const untrusted = await lua(`print(network.get("https://127.0.0.1:${hport}/"))`);
        expect(untrusted).toBe('nil\tCould not create a secure connection\n');
      } finally { hs.close(); }
    } finally { server.close(); await plain.close(); }
  });
});
