// HTTP client handles against a loopback node:http server: the write-once flow,
// every read mode, event sequences, methods, redirects, binary bodies,
// decompression, error statuses and every bad input of issue 4.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, lua, freePort, TestServer } from './inet-helpers.js';
import { cleanupTempDirs, tempDataDir } from './helpers.js';
import { wrapFetch } from '../kernel/net/lazy.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(async () => { await s.close(); cleanupTempDirs(); });

// Events of handle h until its status is final (or open, with stopAtOpen), as "name:status[:error]".
const EVENTS = `
local function events(h, stopAtOpen)
  local seq = {}
  while true do
    local n, p = coroutine.yield()
    if type(p) == "table" and p.id == h.id then
      if n == "handle_status_change" then
        seq[#seq + 1] = n .. ":" .. p.status .. (p.error and (":" .. p.error) or "")
        if p.status == "error" or p.status == "closed" or (stopAtOpen and p.status == "open") then break end
      else seq[#seq + 1] = n end
    end
  end
  return table.concat(seq, ",")
end
-- Proves no event is pending for the handle: a marker queued now must come next.
local function noMoreEvents()
  util.queueEvent("marker", {})
  local n = coroutine.yield()
  return n == "marker"
end
`;

describe('HTTP handles', () => {
  it('follow the ready -> connecting -> open -> closed flow with exactly one event', async () => {
    const out = await lua(EVENTS + `
      local h = network.connect("${s.base}/text")
      eq(type(h.id), "number")
      eq(h:status(), "ready")
      fails("attempt to read from a ready handle", h.read, h)
      fails("attempt to use a ready handle", h.responseCode, h)
      h:write()
      eq(h:status(), "connecting")
      fails("attempt to write to a connecting handle", h.write, h, "again")
      print(events(h, true))
      eq(h:status(), "open")
      h:close()
      eq(h:status(), "closed")
      eq(noMoreEvents(), true, "local close queues nothing")
      h:close() -- closing twice does nothing
      fails("attempt to read from a closed handle", h.read, h, "*a")
      fails("attempt to write to a closed handle", h.write, h, "x")
    `);
    expect(out).toBe('handle_status_change:open\n');
  });

  it('cannot be forged: a copy of the table, its id or its metatable is not a handle', async () => {
    const out = await lua(`
      local h = assert(network.get("${s.base}/text"))
      local mt = getmetatable(h)
      local copy = {} for k, v in pairs(h) do copy[k] = v end
      fails("socket expected, got table", h.read, setmetatable(copy, mt), "*a")
      fails("socket expected, got table", h.read, setmetatable({ id = h.id }, mt), "*a")
      fails("socket expected, got number", h.read, h.id)
      fails("socket expected, got no value", h.read)
      local ws = assert(network.connect("${s.ws}"))
      fails("socket expected", h.responseCode, ws)
      print(h:read("*l"))
      h:close() ws:close()
    `);
    expect(out).toBe('hello\n');
  });

  it('supports every read mode and the nil rule for several modes', async () => {
    const out = await lua(`
      local h = assert(network.get("${s.base}/text"))
      print(h:read())                 -- default *l
      print(h:read("L"))              -- without the star
      print(h:read("*n", "*n", "*n")) -- 42 7.5 0x10
      print(h:read(3), h:read(0))
      print(h:read("*a"))
      print(h:read("*a") == "", h:read("*l"), h:read(1), h:read("*n"))
      print(select("#", h:read("*l", "*a", 5)), h:read("*l", "*a", 5))
      fails("bad argument #1 to 'read' %(invalid format%)", h.read, h, "*x")
      fails("bad argument #2 to 'read' %(invalid count%)", h.read, h, "*a", -1)
      h:close()
    `);
    expect(out).toBe('hello\nworld\n\n42\t7.5\t16\n re\t\nst\ntrue\tnil\tnil\tnil\n3\tnil\tnil\tnil\n');
  });

  it('returns the code, reason phrase and headers; error statuses stay open with their body', async () => {
    const out = await lua(`
      local h = assert(network.get("${s.base}/status/404"))
      eq(h:status(), "open")
      print(h:responseCode())
      print(h:read("*a"))
      h:close()
      h = assert(network.get("${s.base}/status/500"))
      print(h:read("*a"), h:responseCode())
      h:close()
      h = assert(network.get("${s.base}/headers"))
      local hd = h:responseHeaders()
      print(hd["x-custom"], hd["set-cookie"], type(hd["date"]))
      h:close()
    `);
    expect(out).toBe('404\tNot Found\nstatus 404\nstatus 500\t500\tInternal Server Error\nyes\ta=1, b=2\tstring\n');
  });

  it('sends each method, headers, query tables and bodies', async () => {
    const before = s.requests.length;
    const out = await lua(`
      for _, m in ipairs({ "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE" }) do
        local h = assert(network.connect({ url = "${s.base}/echo", method = m:lower(), headers = { ["X-Test"] = "v-" .. m } }))
        local body = (m ~= "GET" and m ~= "HEAD" and m ~= "TRACE") and ("body " .. m) or nil
        if body then h:write(body) else h:write() end
        waitStatus(h)
        local hd = h:responseHeaders()
        print(m, hd["x-method"], hd["x-header"], h:read("*a"))
        h:close()
      end
      local h = assert(network.connect({ url = "${s.base}/echo?a=1", query = { b = "x y", c = "é&" } }))
      h:write("implicit", " ", "post", 1)
      waitStatus(h)
      local hd = h:responseHeaders()
      print(hd["x-method"], hd["x-query"], h:read("*a"), hd["x-ua"]:match("^computercraft/") ~= nil)
      eq(network.connect({ url = "${s.base}/", method = "BREW" }), nil)
      print(select(2, network.connect({ url = "${s.base}/", method = "BREW" })))
    `);
    expect(out.split('\n')).toEqual([
      'GET\tGET\tv-GET\t', 'POST\tPOST\tv-POST\tbody POST', 'PUT\tPUT\tv-PUT\tbody PUT', 'DELETE\tDELETE\tv-DELETE\tbody DELETE',
      'PATCH\tPATCH\tv-PATCH\tbody PATCH', 'OPTIONS\tOPTIONS\tv-OPTIONS\tbody OPTIONS', 'HEAD\tHEAD\tv-HEAD\t', 'TRACE\tTRACE\tv-TRACE\t',
      'POST\t?a=1&b=x%20y&c=%C3%A9%26\timplicit post1\ttrue', 'Unsupported HTTP method', '',
    ]);
    expect(s.requests.length - before).toBe(9);
  });

  it('a request closed or timed out while node-fetch is still loading ends quietly (not the host process)', async () => {
    // Only the first requests of a process wait for node-fetch to load, so this runs the `cinder` command.
    const dir = tempDataDir();
    const file = join(dir, 'early.lua');
    writeFileSync(file, `
      local network = require "system.network"
      local util = require "system.util"
      local h = assert(network.connect({ url = "${s.base}/echo", method = "POST" }))
      h:write("body")
      h:close()
      print(h:status())
      local t = assert(network.connect({ url = "${s.base}/slow", method = "POST", timeout = 0.001 }))
      t:write("body")
      local ev = network.awaitStatus(t)
      print(ev.status, ev.error)
      util.sleep(0.2)
      print("still here")
    `);
    const cli = fileURLToPath(new URL('../dist/bin/cinder.js', import.meta.url));
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [cli, 'run', '--allow-local', '--data', join(dir, 'data'), file], { timeout: 30_000 },
        (e, out, err) => resolve({ code: e ? (e as { code?: number }).code ?? 1 : 0, out, err }));
    });
    expect([r.code, r.out, r.err]).toEqual([0, 'closed\nerror\tTimed out\nstill here\n', '']);
  });

  it("sends cinder's User-Agent unless the program sets its own (any case)", async () => {
    const out = await lua(`
      local function ua(headers)
        local h = assert(network.get({ url = "${s.base}/echo", headers = headers }))
        local v = h:responseHeaders()["x-ua"]
        h:close()
        return v
      end
      print(ua(nil):match("^computercraft/[%d.]+ cinder/") ~= nil)
      print(ua({ ["X-Test"] = "1" }):match("^computercraft/[%d.]+ cinder/") ~= nil)
      print(ua({ ["user-agent"] = "mine/1" }))
      print(ua({ ["User-Agent"] = "Mine/2", ["X-Test"] = "2" }))
    `);
    expect(out.trim().split('\n')).toEqual(['true', 'true', 'mine/1', 'Mine/2']);
  });

  it('round-trips all 256 byte values in both directions', async () => {
    const out = await lua(`
      local all = {}
      for i = 0, 255 do all[#all + 1] = string.char(i) end
      all = table.concat(all)
      local h = assert(network.get("${s.base}/bytes"))
      local got = h:read("*a")
      eq(#got, 256) eq(got, all, "download")
      h:close()
      h = assert(network.post("${s.base}/echo", all))
      eq(h:read("*a"), all, "upload")
      h:close()
      h = assert(network.get("${s.base}/bytes"))
      local parts = {}
      while true do local c = h:read(7) if not c then break end parts[#parts + 1] = c end
      eq(table.concat(parts), all, "read(7) chunks")
      h:close()
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('follows redirects (counted, 303 becomes GET, 307 keeps the method) or not', async () => {
    const out = await lua(`
      local h = assert(network.get("${s.base}/redirect/3"))
      print(h:responseCode(), h:read("*a"))
      h = assert(network.get({ url = "${s.base}/redirect/3", redirect = false }))
      print(h:responseCode(), h:responseHeaders().location, h:read("*a"))
      h = assert(network.post("${s.base}/see-other", "payload"))
      print(h:responseCode(), h:responseHeaders()["x-method"], h:read("*a"))
      h = assert(network.post("${s.base}/temporary", "payload"))
      print(h:responseCode(), h:responseHeaders()["x-method"], h:read("*a"))
      h = assert(network.get("${s.base}/loop"))
      print(h:responseCode(), h:read("*a"))
      print(network.get("${s.base}/redirect/20"))
      print(network.get("${s.base}/offsite"))
    `, { policy: { deny: ['10.0.0.0/8'] } });
    expect(out).toBe([
      '200\tdone GET', '302\t/redirect/2\tmoving', '200\tGET\t', '200\tPOST\tpayload', '302\tloop',
      'nil\tToo many redirects', 'nil\tDomain not permitted', '',
    ].join('\n'));
  });

  it('honours maxRedirects', async () => {
    const out = await lua(`
      print(network.get("${s.base}/redirect/2"))
      print(select(2, network.get("${s.base}/redirect/3")))
    `, { policy: { maxRedirects: 2 } });
    expect(out).toMatch(/^socket: .*\nToo many redirects\n$/);
  });

  it('decompresses gzip and deflate bodies transparently', async () => {
    const out = await lua(`
      print(network.getData("${s.base}/gzip"))
      print(network.getData("${s.base}/deflate"))
      print(network.getData("${s.base}/empty"))
    `);
    expect(out).toBe('compressed body!\t200\ndeflated body!\t200\n\t204\n');
  });

  it('utf8 encoding: invalid request bytes raise, invalid response bytes are replaced', async () => {
    const out = await lua(`
      local h = network.connect({ url = "${s.base}/echo", method = "POST", encoding = "utf8" })
      fails("Invalid UTF%-8 in request body", h.write, h, "\\xff\\xfe")
      eq(h:status(), "ready")
      h:write("ok é")
      waitStatus(h)
      print(h:read("*a"))
      h = assert(network.get({ url = "${s.base}/latin1", encoding = "utf-8" }))
      print(h:read("*a") == "h\\xEF\\xBF\\xBDllo")
      h = assert(network.get({ url = "${s.base}/latin1" }))
      print(h:read("*a") == "h\\xE9llo")
      fails("bad field 'encoding'", network.connect, { url = "${s.base}/", encoding = "latin1" })
    `);
    expect(out).toBe('ok é\ntrue\ntrue\n');
  });
});

describe('HTTP bad input', () => {
  it('a refused connection gives error "Could not connect" with the event', async () => {
    const port = await freePort();
    const out = await lua(EVENTS + `
      local h = network.connect("http://127.0.0.1:${port}/")
      h:write()
      print(events(h))
      print(h:status())
      fails("attempt to read from a error handle", h.read, h)
    `);
    expect(out).toBe('handle_status_change:error:Could not connect\nerror\tCould not connect\n');
  });

  it('a DNS failure gives "Unknown host"; a name resolving to a denied address "Domain not permitted"', async () => {
    const resolve = async (host: string) => {
      if (host === 'loop.test') return [{ address: '127.0.0.1', family: 4 as const }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const out = await lua(`
      print(network.get("http://nonexistent.test/"))
      print(network.get("http://loop.test:${s.port}/text"))
      print(network.checkURI("http://nonexistent.test/"), network.checkURI("http://loop.test/"))
    `, { policy: { allowLocal: false, resolve } });
    expect(out).toBe('nil\tUnknown host\nnil\tDomain not permitted\nfalse\tfalse\n');
    const out2 = await lua(`
      local h = assert(network.get("http://loop.test:${s.port}/text"))
      print(h:read("*l"), network.checkURI("http://loop.test/"))
    `, { policy: { allowLocal: false, allow: ['*', 'loop.test'], resolve } });
    expect(out2).toBe('hello\ttrue\n');
  });

  it('a TLS failure gives "Could not create a secure connection"', async () => {
    const out = await lua(`print(network.get("https://127.0.0.1:${s.port}/text"))`);
    expect(out).toBe('nil\tCould not create a secure connection\n');
  });

  it('a timeout gives "Timed out" and never leaves the handle connecting', async () => {
    const out = await lua(EVENTS + `
      local h = network.connect({ url = "${s.base}/slow", timeout = 0.3 })
      h:write()
      print(events(h))
      fails("bad field 'timeout'", network.connect, { url = "${s.base}/", timeout = -1 })
    `);
    expect(out).toBe('handle_status_change:error:Timed out\n');
  });

  it('closing a handle while it is connecting, or timing out, drops the request on the wire', async () => {
    const out = await lua(`
      local h = network.connect({ url = "${s.base}/slow?by=close" })
      h:write()
      h:close()
      print(h:status())
      print(network.get({ url = "${s.base}/slow?by=timeout", timeout = 0.2 }))
    `);
    expect(out).toBe('closed\nnil\tTimed out\n');
    await new Promise((r) => setTimeout(r, 50));
    const seen = (tag: string) => s.requests.some((r) => r.url === `/slow?by=${tag}`);
    expect(seen('timeout')).toBe(true);
    expect(s.aborted).toContain('/slow?by=timeout');
    // The closed request may not have left the computer yet; if it reached the server, it was dropped.
    if (seen('close')) expect(s.aborted).toContain('/slow?by=close');
  });

  it('a server dying mid-body gives "Connection closed"', async () => {
    const out = await lua(`print(network.get("${s.base}/die"))`);
    expect(out).toBe('nil\tConnection closed\n');
  });

  it('oversized responses and uploads are refused', async () => {
    const out = await lua(`
      print(network.get("${s.base}/big?n=1000"))
      print(network.get("${s.base}/big?n=1001"))
      print(network.get("${s.base}/bigchunked?n=5000"))
      print(network.post("${s.base}/echo", string.rep("x", 101)))
      local h = assert(network.post("${s.base}/echo", string.rep("x", 100)))
      print(#h:read("*a"))
    `, { policy: { maxDownload: 1000, maxUpload: 100 } });
    expect(out).toMatch(/^socket: \S+\nnil\tResponse is too large\nnil\tResponse is too large\nnil\tRequest body is too large\n100\n$/);
  });

  it('the default 16 MiB download limit holds', async () => {
    const out = await lua(`
      print(network.get("${s.base}/big?n=${16 * 1024 * 1024 + 1}"))
      local d = network.getData("${s.base}/big?n=${16 * 1024 * 1024}")
      print(#d)
    `);
    expect(out).toBe(`nil\tResponse is too large\n${16 * 1024 * 1024}\n`);
  });

  it('limits concurrent requests: extra ones wait, past the queue they are refused', async () => {
    const out = await lua(`
      local hs = {}
      for i = 1, 4 do
        hs[i] = network.connect({ url = "${s.base}/text", timeout = 5 })
        hs[i]:write()
      end
      local st = {}
      for i = 1, 4 do local p = waitStatus(hs[i]) st[#st + 1] = p.status .. (p.error and (":" .. p.error) or "") end
      print(table.concat(st, ","))
    `, { policy: { maxRequests: 2, maxPending: 1 } });
    expect(out).toBe('open,open,open,error:Too many ongoing HTTP requests\n');
  });

  it('GET and HEAD with a body, wrong option types and bad URIs', async () => {
    const out = await lua(`
      local h = network.connect({ url = "${s.base}/echo", method = "GET" })
      h:write("body")
      print(waitStatus(h).error)
      fails("Invalid URI", network.connect, "http://exa mple.com/")
      fails("Invalid URI", network.connect, "no scheme")
      fails("Invalid protocol gopher", network.connect, "gopher://example.com/")
      fails("bad field 'url'", util.syscall.connect, { method = "GET" })
      fails("bad field 'headers'", network.connect, { url = "${s.base}/", headers = "x" })
      fails("Invalid header name", network.connect, { url = "${s.base}/", headers = { ["bad name"] = "x" } })
      fails("bad argument #1 to 'connect'", util.syscall.connect, 42)
      fails("Invalid URI", network.connect, "http:///path")
      print("ok")
    `);
    expect(out).toBe('GET requests cannot have a body\nok\n');
  });

  it('benchmarks can wrap node-fetch for every request, and unwrap it', async () => {
    const seen: string[] = [];
    await wrapFetch((f) => ((url: string, init?: object) => { seen.push(String(url)); return f(url, init); }) as typeof f);
    try {
      expect(await lua(`local d, c = network.getData("${s.base}/text") print(c, #d)`)).toBe('200\t28\n');
    } finally {
      await wrapFetch(null);
    }
    expect(seen).toEqual([`${s.base}/text`]);
    expect(await lua(`local d, c = network.getData("${s.base}/text") print(c, #d)`)).toBe('200\t28\n');
    expect(seen).toHaveLength(1);
  });
});
