// listen/unlisten for http://, ws:// and tcp:// driven by real clients
// (node-fetch, ws, node:net), the serve() helper, and the listen errors.
import { describe, it, expect, afterAll } from 'vitest';
import net from 'node:net';
import http from 'node:http';
import fetch from 'node-fetch';
import { WebSocket } from 'ws';
import { runNet, lua, freePort, ALL_BYTES } from './inet-helpers.js';
import { cleanupTempDirs } from './helpers.js';
import { requestTarget } from '../kernel/net/server-http.js';

afterAll(() => cleanupTempDirs());

/** Resolve once something accepts connections on the port (the Lua server is up). */
async function waitForPort(port: number, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A connection to the port, retried until something listens (no probe connection is wasted). */
async function connectRetry(port: number, ms = 5000): Promise<net.Socket> {
  const end = Date.now() + ms;
  for (;;) {
    const s = await new Promise<net.Socket | null>((r) => {
      const c = net.connect(port, '127.0.0.1');
      c.on('connect', () => r(c));
      c.on('error', () => r(null));
    });
    if (s) return s;
    if (Date.now() > end) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Run a Lua server program; returns its completion promise once the port accepts connections. */
async function serverProgram(src: string, port: number, opts = {}): Promise<{ done: ReturnType<typeof runNet> }> {
  const done = runNet(src, opts);
  await Promise.race([waitForPort(port), done.then((r) => { throw new Error(`server ended early: ${r.stderr}${r.completion?.error ?? ''}`); })]);
  return { done }; // wrapped: an async function returning the promise itself would wait for the program to end
}

function expectOk(r: Awaited<ReturnType<typeof runNet>>): string {
  if (r.code !== 0 || r.stderr !== '') throw new Error(`exit ${r.code}: ${r.stderr}${r.completion?.error ?? ''}\n${r.completion?.traceback ?? ''}\n${r.stdout}`);
  return r.stdout;
}

describe('listen: HTTP servers', () => {
  it('delivers requests as network_request with a server handle, and sends the answer on close', async () => {
    const port = await freePort();
    const { done } = await serverProgram(`
      local uri = network.listen("http://127.0.0.1:${port}")
      print(uri)
      for i = 1, 3 do
        local _, ev = util.waitFor(function(n) return n == "network_request" end)
        local h = ev.handle
        eq(h:status(), "open")
        local body = h:read("*a")
        print(ev.uri, ev.ip, h:requestMethod(), h:requestPath(), h:requestQuery().a, h:requestHeaders()["x-test"], #body, util.type(h))
        h:setResponseCode(i == 3 and 404 or 201)
        h:setResponseHeader("X-Reply", "yes")
        h:write(body, "|", h:requestMethod())
        h:close()
        eq(h:status(), "closed")
        fails("attempt to write to a closed handle", h.write, h, "late")
      end
      network.unlisten(uri)
      fails("Not listening", network.unlisten, uri)
    `, port);
    const base = `http://127.0.0.1:${port}`;
    const r1 = await fetch(`${base}/path/x?a=1&b=2`, { headers: { 'X-Test': 'one' } });
    expect(r1.status).toBe(201);
    expect(r1.headers.get('x-reply')).toBe('yes');
    expect(await r1.text()).toBe('|GET');
    const r2 = await fetch(`${base}/upload`, { method: 'POST', body: ALL_BYTES });
    const echoed = Buffer.from(await r2.arrayBuffer());
    expect(echoed.subarray(0, 256).equals(ALL_BYTES)).toBe(true);
    expect(echoed.subarray(256).toString()).toBe('|POST');
    const r3 = await fetch(`${base}/missing`, { method: 'DELETE' });
    expect(r3.status).toBe(404);
    const out = expectOk(await done);
    expect(out.split('\n')).toEqual([
      `http://127.0.0.1:${port}`,
      `http://127.0.0.1:${port}/path/x?a=1&b=2\t127.0.0.1\tGET\t/path/x\t1\tone\t0\tsocket`,
      `http://127.0.0.1:${port}/upload\t127.0.0.1\tPOST\t/upload\tnil\tnil\t256\tsocket`,
      `http://127.0.0.1:${port}/missing\t127.0.0.1\tDELETE\t/missing\tnil\tnil\t0\tsocket`,
      '',
    ]);
    await expect(fetch(`${base}/`, { agent: new http.Agent({ keepAlive: false }) })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('port 0 picks a port; the handle checks its arguments', async () => {
    const out = await lua(`
      local uri = network.listen("http://127.0.0.1:0")
      local port = tonumber(uri:match(":(%d+)$"))
      print(port > 0)
      network.unlisten(uri)
    `);
    expect(out).toBe('true\n');
  });

  it('answers 503 when the process ends without answering, and sends what was written on timeout', async () => {
    const port = await freePort();
    const { done } = await serverProgram(`
      network.listen("http://127.0.0.1:${port}")
      local _, ev = util.waitFor(function(n) return n == "network_request" end)
      ev.handle:write("partial answer")
      local p = waitStatus(ev.handle)
      print(p.status, p.error)
      _, ev = util.waitFor(function(n) return n == "network_request" end)
      fails("status code out of range", ev.handle.setResponseCode, ev.handle, 42)
      fails("invalid header name", ev.handle.setResponseHeader, ev.handle, "bad name", "x")
    `, port, { policy: { timeout: 300 } });
    const r1 = await fetch(`http://127.0.0.1:${port}/`);
    expect(await r1.text()).toBe('partial answer');
    const r2 = await fetch(`http://127.0.0.1:${port}/`);
    expect(r2.status).toBe(503);
    expect(expectOk(await done)).toBe('closed\tTimed out\n');
  });

  it('a client that goes away gives the handle closed with an event', async () => {
    const port = await freePort();
    const { done } = await serverProgram(`
      network.listen("http://127.0.0.1:${port}")
      local _, ev = util.waitFor(function(n) return n == "network_request" end)
      local p = waitStatus(ev.handle)
      print(p.status, p.error)
    `, port);
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/', method: 'GET' });
      req.on('error', () => resolve());
      req.end();
      setTimeout(() => { req.destroy(); resolve(); }, 200);
    });
    expect(expectOk(await done)).toBe('closed\tConnection closed\n');
  });
});

describe('listen: WebSocket and TCP servers', () => {
  it('a ws:// listener gets open handles; messages and close codes flow both ways', async () => {
    const port = await freePort();
    const { done } = await serverProgram(`
      network.listen("ws://127.0.0.1:${port}")
      local _, ev = util.waitFor(function(n) return n == "network_request" end)
      local h = ev.handle
      print(ev.uri, ev.ip, h:status())
      local seq = {}
      while true do
        local n, p = coroutine.yield()
        if type(p) == "table" and p.id == h.id then
          if n == "handle_data_ready" then
            local m = h:read("*a")
            seq[#seq + 1] = m
            h:write("echo:" .. m)
            if m == "one" then h:send("text:" .. m, false) end
          else
            seq[#seq + 1] = p.status .. ":" .. tostring(p.code) .. ":" .. tostring(p.reason)
            break
          end
        end
      end
      print(table.concat(seq, ","))
    `, port);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat?room=1`);
    ws.on('error', () => {});
    const got: Array<[string, boolean]> = [];
    await new Promise<void>((resolve) => {
      ws.on('open', () => { ws.send('one'); ws.send(Buffer.from([0, 255]), { binary: true }); });
      ws.on('message', (d, bin) => {
        got.push([bin ? Buffer.from(d as Buffer).toString('hex') : d.toString(), bin]);
        if (got.length === 3) { ws.close(4003, 'client done'); resolve(); }
      });
    });
    expect(got).toEqual([[Buffer.from('echo:one').toString('hex'), true], ['text:one', false],
      [Buffer.concat([Buffer.from('echo:'), Buffer.from([0, 255])]).toString('hex'), true]]);
    const out = expectOk(await done);
    const lines = out.split('\n');
    expect(lines[0]).toBe(`ws://127.0.0.1:${port}/chat?room=1\t127.0.0.1\topen`);
    expect(Buffer.from(lines[1], 'latin1').length).toBeGreaterThan(0);
    expect(out.split('\n')[1].endsWith(',closed:4003:client done')).toBe(true);
  });

  it('http and ws listeners share a port', async () => {
    const port = await freePort();
    const { done } = await serverProgram(`
      network.listen("http://127.0.0.1:${port}")
      network.listen("ws://127.0.0.1:${port}")
      fails("Port already open", network.listen, "ws://127.0.0.1:${port}")
      for i = 1, 2 do
        local _, ev = util.waitFor(function(n) return n == "network_request" end)
        if ev.uri:sub(1, 2) == "ws" then ev.handle:write("ws ok") ev.handle:close()
        else ev.handle:write("http ok") ev.handle:close() end
      end
    `, port);
    const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    const msg = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      ws.on('error', reject);
      ws.on('message', (d) => resolve(d.toString()));
    });
    expect([text, msg]).toEqual(['http ok', 'ws ok']);
    expectOk(await done);
  });

  it('a tcp:// listener gets a byte stream handle per connection', async () => {
    const port = await freePort();
    const done = runNet(`
      local uri = network.listen("tcp://127.0.0.1:${port}")
      for i = 1, 2 do
        local _, ev = util.waitFor(function(n) return n == "network_request" end)
        local h = ev.handle
        local line
        repeat
          line = h:read("*l")
          if not line then util.waitFor(function(n, p) return p.id == h.id end) end
        until line or h:status() ~= "open"
        h:write("pong ", line, "\\n")
        h:close()
        print(ev.uri, ev.ip, line)
      end
      network.unlisten(uri)
    `);
    for (const word of ['one', 'two']) {
      const s = await connectRetry(port);
      const reply = await new Promise<string>((resolve, reject) => {
        let data = '';
        s.on('error', reject);
        s.on('data', (d) => { data += d.toString(); });
        s.on('end', () => resolve(data));
        s.write(`${word}\n`);
      });
      expect(reply).toBe(`pong ${word}\n`);
    }
    expect(expectOk(await done)).toBe(`tcp://127.0.0.1:${port}\t127.0.0.1\tone\ntcp://127.0.0.1:${port}\t127.0.0.1\ttwo\n`);
  });
});

describe('listen errors and cleanup', () => {
  it('port in use, not listening, another process, bad schemes', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const used = (blocker.address() as net.AddressInfo).port;
    const port = await freePort();
    try {
      const out = await lua(`
        local process = require "system.process"
        fails("Address already in use", network.listen, "tcp://127.0.0.1:${used}")
        fails("Not listening", network.unlisten, "http://127.0.0.1:${port}")
        fails("Missing port", network.listen, "tcp://127.0.0.1")
        fails("Invalid protocol ftp", network.listen, "ftp://127.0.0.1:21")
        fails("secure servers are not supported", network.listen, "https://127.0.0.1:${port}")
        fails("Invalid IP address", network.listen, "http://example.com:${port}")
        local uri = network.listen("tcp://127.0.0.1:${port}")
        fails("Port already open", network.listen, uri)
        local pid = process.fork(function()
          local ok, err = pcall(network.unlisten, uri)
          print("child unlisten:", err)
          ok, err = pcall(network.listen, uri)
          print("child listen:", err)
        end)
        process.wait(pid)
        network.unlisten(uri)
      `);
      expect(out.replace(/\S+:\d+: /g, '')).toBe('child unlisten:\tPort open in another process\nchild listen:\tPort open in another process\n');
    } finally { blocker.close(); }
  });

  it('servers and connections are released when the owning process ends', async () => {
    const port = await freePort();
    const out = await lua(`
      network.listen("tcp://127.0.0.1:${port}")
      network.listen("http://127.0.0.1:${port + 0}")
      print("listening")
    `).catch((e) => String(e));
    expect(out).toMatch(/listening|Address already in use/);
    await new Promise((r) => setTimeout(r, 50));
    await expect(new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => { s.destroy(); resolve('connected'); });
      s.on('error', (e) => reject(e));
    })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('serve()', () => {
  it('answers requests with the handler, turns errors into 500, and stops on request', async () => {
    const port = await freePort();
    const { done } = await serverProgram(`
      util.queueEvent("unrelated", { n = 1 })
      local served = network.serve("http://127.0.0.1:${port}", function(req)
        if req.path == "/boom" then error("kaboom") end
        if req.path == "/stop" then network.stopServing() return "bye" end
        if req.path == "/plain" then return "just a string" end
        return { status = 202, headers = { ["Content-Type"] = "text/plain", ["X-Path"] = req.path },
          body = req.method .. " " .. req.path .. " " .. tostring(req.query.q) .. " " .. req.body }
      end)
      print("served", served)
      local n, p = util.pullEvent()
      print(n, p.n)
    `, port);
    const base = `http://127.0.0.1:${port}`;
    const r1 = await fetch(`${base}/hello?q=7`, { method: 'POST', body: 'data' });
    expect([r1.status, r1.headers.get('x-path'), await r1.text()]).toEqual([202, '/hello', 'POST /hello 7 data']);
    expect(await (await fetch(`${base}/plain`)).text()).toBe('just a string');
    const r3 = await fetch(`${base}/boom`);
    expect(r3.status).toBe(500);
    expect(await (await fetch(`${base}/stop`)).text()).toBe('bye');
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/serve: handler error: .*kaboom/);
    expect(r.stdout).toBe(`served\thttp://127.0.0.1:${port}\nunrelated\t1\n`);
  });

  it('serves WebSocket clients with handleWebSocket next to HTTP', async () => {
    const port = await freePort();
    const { done } = await serverProgram(`
      network.serve("http://127.0.0.1:${port}", {
        handleRequest = function(req) return "http" end,
        handleWebSocket = function(h)
          local _, p = util.waitFor(function(n, p) return n == "handle_data_ready" and p.id == h.id end)
          h:write("got " .. h:read("*a"))
          h:close()
          network.stopServing()
        end,
      })
    `, port);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('http');
    const msg = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      ws.on('error', reject);
      ws.on('open', () => ws.send('hi'));
      ws.on('message', (d) => resolve(d.toString()));
    });
    expect(msg).toBe('got hi');
    expectOk(await done);
  });
});

describe('request targets', () => {
  it('requestTarget gives the path and query the URL parser gives, with or without its fast path', () => {
    const targets = [
      '/', '/a/b.txt', '/a/b?x=1&y=two%20words', '/a/../b', '/a/./b/', '/a/%2e%2e/b', '/%41b', '/a b?q=a b',
      '/ä?ü=1', '/a?x=1#frag', '/a#f', '/?', '/a?', '/a//b', '/.hidden/..x', '/a/..', '/a/.', "/x'y(z)*", '/a\\b',
      '/a?x=%zz&y=+', '/~user/file-name_1.lua',
    ];
    for (const t of targets) {
      const url = new URL(t, 'http://localhost');
      const got = requestTarget(t);
      expect([t, got.path, [...new URLSearchParams(got.query)]]).toEqual([t, url.pathname, [...url.searchParams]]);
    }
  });
});
