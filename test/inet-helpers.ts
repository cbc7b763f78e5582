// Loopback servers and Lua runners shared by the test/net-*.test.ts suites.
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { WebSocketServer, WebSocket } from 'ws';
import { runLua, newWorld, bootComputer, RunLuaOptions, RunLuaResult } from './helpers.js';
import { LUA_ASSERT } from './lua-prelude.js';
import { netPolicy } from '../kernel/net/state.js';
import type { NetPolicy } from '../kernel/net/policy.js';

export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

export interface TestServer {
  base: string;
  ws: string;
  port: number;
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }>;
  wsClosed: Array<{ code: number; reason: string }>;
  wsMessages: Array<{ binary: boolean; data: Buffer }>;
  /** URLs of /slow requests whose connection the client dropped before an answer. */
  aborted: string[];
  close(): Promise<void>;
}

/** One node:http server on 127.0.0.1 with the routes the tests use, and a ws echo server on /ws. */
export async function startServer(): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const wsClosed: TestServer['wsClosed'] = [];
  const wsMessages: TestServer['wsMessages'] = [];
  const aborted: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const u = new URL(req.url!, 'http://x');
      const p = u.pathname;
      if (p === '/text') { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('hello\nworld\n42 7.5 0x10 rest'); return; }
      if (p === '/empty') { res.writeHead(204); res.end(); return; }
      if (p === '/bytes') { res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); res.end(ALL_BYTES); return; }
      if (p === '/echo') {
        res.writeHead(200, { 'X-Method': req.method!, 'X-Query': u.search, 'X-Header': String(req.headers['x-test'] ?? ''), 'X-UA': String(req.headers['user-agent'] ?? '') });
        res.end(body);
        return;
      }
      if (p.startsWith('/status/')) { const code = Number(p.slice(8)); res.writeHead(code, { 'Content-Type': 'text/plain' }); res.end(`status ${code}`); return; }
      if (p.startsWith('/redirect/')) {
        const n = Number(p.slice(10));
        if (n <= 0) { res.writeHead(200); res.end(`done ${req.method}`); return; }
        res.writeHead(302, { Location: `/redirect/${n - 1}` }); res.end('moving');
        return;
      }
      if (p === '/loop') { res.writeHead(302, { Location: '/loop' }); res.end('loop'); return; }
      if (p === '/see-other') { res.writeHead(303, { Location: '/echo' }); res.end(); return; }
      if (p === '/temporary') { res.writeHead(307, { Location: '/echo' }); res.end(); return; }
      if (p === '/offsite') { res.writeHead(302, { Location: 'http://10.1.2.3/x' }); res.end(); return; }
      if (p === '/gzip') { res.writeHead(200, { 'Content-Encoding': 'gzip' }); res.end(zlib.gzipSync(Buffer.from('compressed body!'))); return; }
      if (p === '/deflate') { res.writeHead(200, { 'Content-Encoding': 'deflate' }); res.end(zlib.deflateSync(Buffer.from('deflated body!'))); return; }
      if (p === '/big') { const n = Number(u.searchParams.get('n')); res.writeHead(200); res.end(Buffer.alloc(n, 97)); return; }
      if (p === '/bigchunked') { const n = Number(u.searchParams.get('n')); res.writeHead(200); res.write(Buffer.alloc(n >> 1, 97)); res.end(Buffer.alloc(n - (n >> 1), 98)); return; }
      if (p === '/slow') { res.on('close', () => aborted.push(req.url!)); return; /* never answers */ }
      if (p === '/die') { res.writeHead(200, { 'Content-Length': '1000' }); res.write('partial'); setTimeout(() => req.socket.destroy(), 20); return; }
      if (p === '/latin1') { res.writeHead(200); res.end(Buffer.from([0x68, 0xe9, 0x6c, 0x6c, 0x6f])); return; }
      if (p === '/headers') { res.setHeader('Set-Cookie', ['a=1', 'b=2']); res.setHeader('X-Custom', 'yes'); res.writeHead(200); res.end('h'); return; }
      res.writeHead(404); res.end('not found');
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    if (req.url === '/nows') { socket.end('HTTP/1.1 404 Not Found\r\n\r\n'); return; }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      ws.on('close', (code, reason) => wsClosed.push({ code, reason: reason.toString() }));
      if (req.url === '/greet') { ws.send('hello'); ws.send(Buffer.from([1, 2, 3]), { binary: true }); }
      ws.on('message', (data, isBinary) => {
        wsMessages.push({ binary: isBinary, data: data as Buffer });
        const s = data.toString();
        if (!isBinary && s.startsWith('close:')) { const [, code, reason] = s.split(':'); ws.close(Number(code), reason); return; }
        if (!isBinary && s.startsWith('big:')) { ws.send(Buffer.alloc(Number(s.slice(4)), 120)); return; }
        if (!isBinary && s === 'invalid-utf8') { ws.send(Buffer.from([0x66, 0xff, 0xfe]), { binary: false }); return; }
        if (!isBinary && s === 'terminate') { ws.terminate(); return; }
        if (!isBinary && s === 'kind') { ws.send('text-reply'); return; }
        ws.send(data, { binary: isBinary });
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}`, port, requests, wsClosed, wsMessages, aborted,
    close: () => new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** A raw TCP server: echoes, or runs `onConn`. */
export async function startTcpServer(onConn?: (s: net.Socket) => void): Promise<{ port: number; close(): Promise<void>; received: Buffer[] }> {
  const received: Buffer[] = [];
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('error', () => {});
    s.on('close', () => socks.delete(s));
    if (onConn) { onConn(s); return; }
    s.on('data', (d) => { received.push(d); s.write(d); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port, received,
    close: () => new Promise<void>((r) => { for (const s of socks) s.destroy(); server.close(() => r()); }),
  };
}

/** A port nothing listens on. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export const PRE = LUA_ASSERT + `
local network = require "system.network"
local util = require "system.util"
local function waitStatus(h)
  local _, p = util.waitFor(function(n, p) return n == "handle_status_change" and p.id == h.id end)
  return p
end
`;

export interface NetRunOptions extends RunLuaOptions {
  /** Policy changes (default: allowLocal = true, so loopback test servers can be reached). */
  policy?: Partial<NetPolicy>;
}

/** Run a Lua program in a computer whose policy allows loopback (unless told otherwise). */
export async function runNet(src: string, opts: NetRunOptions = {}): Promise<RunLuaResult> {
  const world = opts.world ?? newWorld(opts.seed);
  const c = bootComputer(world, opts.computerId ?? 0, opts.kernargs);
  Object.assign(netPolicy(c), { allowLocal: true }, opts.policy ?? {});
  return runLua(PRE + src, { ...opts, world });
}

/** Run and require success (exit 0, nothing on stderr); returns stdout. */
export async function lua(src: string, opts: NetRunOptions = {}): Promise<string> {
  const r = await runNet(src, opts);
  if (r.code !== 0 || r.stderr !== '') {
    throw new Error(`exit ${r.code} (${r.result}): ${r.stderr}${r.completion?.error ?? ''}\n${r.completion?.traceback ?? ''}\nstdout: ${r.stdout}`);
  }
  return r.stdout;
}

export { WebSocket };
