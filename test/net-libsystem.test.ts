// libsystem system.network: parseURI (same results as the kernel's parser),
// urlEncode/urlDecode, the HTTP helpers, waiting without losing events,
// checkURI, and handle IDs from one kernel-wide counter.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, lua, startTcpServer, TestServer } from './inet-helpers.js';
import { cleanupTempDirs } from './helpers.js';
import { parseURI } from '../kernel/net/uri.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(async () => { await s.close(); cleanupTempDirs(); });

const URIS_FIXED = [
  'http://example.com', 'https://user:pw@example.com:8443/a/b?x=1&y=2#frag', 'ws://[::1]:9000/socket', 'tcp://10.0.0.1:23',
  'rednet://0.0.0.4', 'rednet+dns://0.0.2.56', 'psp://10.0.1.2:5', 'mailto:someone@example.com', 'file:///etc/passwd',
  'HTTP://EXAMPLE.com/Path', 'http://host:/p', 'x-y.z+w://h/%41', 'http://example.com?only=query', 'urn:isbn:123#x',
  // invalid
  'no scheme', '1http://x', 'http//x', 'http://exa mple.com/', 'http://host:99999/', 'http://host:12ab/', 'http://[::1/',
  'http://ho]st/', 'http://x/%zz', 'http://x/é', '', ':nothing',
];

/** Random URIs built from the parts parsers trip over (a fixed seed: the same list every run). */
function randomURIs(n: number): string[] {
  const schemes = ['http', 'HTTPS', 'ws', 'x+y.z-w', '1a', '', 'a b', 'é'];
  const seps = [':', '://', ':/', '//', ':///'];
  const parts = ['http', ':', '://', '//', '/', '@', '[', ']', '::1', '%41', '%4', '%zz', '%', 'é', ' ', '?', '#',
    'host', 'a.b', '8080', '65535', '65536', '0', '-', '~', '!', '$', '&', "'", '(', ')', '*', ',', ';', '=', '^', '{', '`'];
  let seed = 12345;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
  return Array.from({ length: n }, () => {
    let u = schemes[next() % schemes.length] + seps[next() % seps.length];
    for (let k = next() % 8; k > 0; k--) u += parts[next() % parts.length];
    return u;
  });
}

describe('system.network', () => {
  it('parseURI gives the same result as the kernel parser, and raises "Invalid URI" alike', async () => {
    await sameAsKernel(URIS_FIXED);
  });

  it('parseURI and the kernel parser agree on 400 random URIs', async () => {
    const uris = randomURIs(400);
    await sameAsKernel(uris);
    const valid = uris.filter((u) => { try { parseURI(u); return true; } catch { return false; } });
    expect(valid.length).toBeGreaterThan(40); // the list exercises both outcomes
  });

  async function sameAsKernel(uris: string[]): Promise<void> {
    const URIS = uris;
    const expected = URIS.map((u) => { try { return JSON.stringify(parseURI(u), Object.keys(parseURI(u)).sort()); } catch (e) { return `error: ${(e as Error).message}`; } });
    const list = URIS.map((u) => `"${u}"`).join(', ');
    const out = await lua(`
      local keys = { "fragment", "host", "path", "port", "query", "scheme", "user" }
      for _, u in ipairs({ ${list} }) do
        local ok, r = pcall(network.parseURI, u)
        if not ok then print("error: " .. r:gsub("^.-:%d+: ", ""))
        else
          local parts = {}
          for _, k in ipairs(keys) do
            if r[k] ~= nil then
              parts[#parts + 1] = string.format("%q:%s", k, type(r[k]) == "number" and tostring(r[k]) or string.format("%q", r[k]))
            end
          end
          print("{" .. table.concat(parts, ",") .. "}")
        end
      end
    `);
    expect(out.split('\n').slice(0, -1)).toEqual(expected);
    if (uris === URIS_FIXED) expect(expected.filter((e) => e.startsWith('error')).length).toBe(12);
  }

  it('urlEncode and urlDecode', async () => {
    const out = await lua(`
      print(network.urlEncode("a b&c=d/é\\n~_.-"))
      print(network.urlDecode("a+b%26c%3Dd%2F%C3%A9%0D%0A~_.-") == "a b&c=d/é\\r\\n~_.-")
      local all = {}
      for i = 0, 255 do all[#all + 1] = string.char(i) end
      all = table.concat(all):gsub("\\r?\\n", "\\r\\n")
      print(network.urlDecode(network.urlEncode(all)) == all)
    `);
    expect(out).toBe('a+b%26c%3Dd%2F%C3%A9%0D%0A~_.-\ntrue\ntrue\n');
  });

  it('get, head, options, post, put, delete and getData', async () => {
    const out = await lua(`
      local function show(h, err)
        if not h then return "nil " .. tostring(err) end
        local r = h:responseHeaders()["x-method"] .. " " .. (h:read("*a") or "")
        h:close()
        return r
      end
      print(show(network.get("${s.base}/echo")))
      print(show(network.get({ url = "${s.base}/echo", headers = { ["X-Test"] = "t" } })))
      print(show(network.head("${s.base}/echo")))
      print(show(network.options({ url = "${s.base}/echo" })))
      print(show(network.post("${s.base}/echo", "p")))
      print(show(network.put({ url = "${s.base}/echo" }, "u")))
      print(show(network.delete("${s.base}/echo")))
      print(show(network.delete("${s.base}/echo", "d")))
      print(network.getData("${s.base}/text"))
      print(network.getData("${s.base}/status/404"))
      fails("Invalid scheme", network.get, "ws://127.0.0.1/")
      for _, bad in ipairs({ "", "http", "http:/", "https:/x", "httpx://a", "htp://a", "ftp://a", " http://a", "http//a" }) do
        fails("Invalid scheme", network.get, bad)
      end
      print(show(network.get("HTTP://${s.base.slice(7)}/echo")), show(network.head("hTtP://${s.base.slice(7)}/echo")))
      print(network.get("HttpS://127.0.0.1:1/"))
      fails("bad argument #2", network.post, "${s.base}/echo")
      fails("bad field 'url'", network.connect, {})
      print(network.get("http://127.0.0.1:1/"))
    `);
    expect(out).toBe([
      'GET ', 'GET ', 'HEAD ', 'OPTIONS ', 'POST p', 'PUT u', 'DELETE ', 'DELETE d',
      'hello\nworld\n42 7.5 0x10 rest\t200', 'status 404\t404', 'GET \tHEAD ', 'nil\tCould not connect', 'nil\tCould not connect', '',
    ].join('\n'));
  });

  it('waiting helpers put unrelated events back in order', async () => {
    const out = await lua(`
      util.queueEvent("first", { n = 1 })
      util.queueEvent("second", { n = 2 })
      local h = assert(network.get("${s.base}/text"))
      util.queueEvent("third", { n = 3 })
      local d = network.getData("${s.base}/text")
      local names = {}
      for i = 1, 3 do local n, p = coroutine.yield() names[#names + 1] = n .. p.n end
      print(table.concat(names, ","))
    `);
    expect(out).toBe('first1,second2,third3\n');
  });

  it('with another thread waiting, a request does not deliver unrelated events twice', async () => {
    const out = await lua(`
      local process = require "system.process"
      local seen = 0
      process.newthread(function()
        while true do
          local name = coroutine.yield()
          if name == "ping" then seen = seen + 1 elseif name == "stop" then return end
        end
      end)
      -- let the thread start waiting: an event reaches only the threads waiting for one
      util.queueEvent("sync", {})
      coroutine.yield()
      util.queueEvent("ping", {})
      local h = assert(network.get("${s.base}/text"))
      h:close()
      util.sleep(0.05)
      print(seen)
      util.queueEvent("stop", {})
    `);
    expect(out).toBe('1\n');
  });

  it('checkURI validates the URI, the scheme and the address rules', async () => {
    const out = await lua(`
      print(network.checkURI("${s.base}/"), network.checkURI("${s.ws}/"), network.checkURI("tcp://127.0.0.1:1"))
      print(network.checkURI("gopher://x/"), network.checkURI("not a uri"), network.checkURI("http://"), network.checkURI("http:/x"))
      fails("bad argument #1", network.checkURI, 1)
    `);
    expect(out).toBe('true\ttrue\ttrue\nfalse\tfalse\tfalse\tfalse\n');
    const denied = await lua(`
      print(network.checkURI("${s.base}/"), network.checkURI("http://localhost/"), network.checkURI("ws://[::1]/"), network.checkURI("http://192.168.1.114/"))
    `, { policy: { allowLocal: false } });
    expect(denied).toBe('false\tfalse\tfalse\tfalse\n');
  });

  it('handle ids come from one kernel-wide counter across schemes and processes', async () => {
    const tcp = await startTcpServer();
    try {
      const out = await lua(`
        local process = require "system.process"
        local a = network.connect("${s.base}/")
        local b = network.connect("${s.ws}/echo")
        local c = network.connect("tcp://127.0.0.1:${tcp.port}")
        local childId
        process.wait(process.fork(function() childId = network.connect("${s.base}/").id print("child", childId) end))
        local d = network.connect("${s.base}/")
        print(b.id - a.id, c.id - b.id, d.id - c.id, util.type(a), util.type(b), util.type(c))
      `);
      expect(out.split('\n').slice(-2)).toEqual(['1\t1\t2\tsocket\tsocket\tsocket', '']);
    } finally { await tcp.close(); }
  });
});
