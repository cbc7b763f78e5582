// WebSocket client handles against a loopback ws server: handshake events,
// one message per write argument, message boundaries on read, frame types by
// encoding, binary round trips, close codes both ways, limits and bad input.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import net from 'node:net';
import { startServer, lua, freePort, TestServer, startTcpServer } from './inet-helpers.js';
import { cleanupTempDirs } from './helpers.js';

let s: TestServer;
beforeAll(async () => { s = await startServer(); });
afterAll(async () => { await s.close(); cleanupTempDirs(); });

const EVENTS = `
local function nextEvent(h)
  while true do
    local n, p = coroutine.yield()
    if type(p) == "table" and p.id == h.id then
      if n == "handle_status_change" then
        return n .. ":" .. p.status .. (p.error and (":" .. p.error) or "") .. (p.code and (":" .. p.code) or "") .. (p.reason and (":" .. p.reason) or "")
      end
      return n
    end
  end
end
local function openWs(url, opts)
  opts = opts or {}
  opts.url = url
  local h = assert(network.connect(opts))
  eq(h:status(), "connecting")
  local e = nextEvent(h)
  eq(e, "handle_status_change:open")
  return h
end
`;

describe('WebSocket handles', () => {
  it('connect, one message per write argument, whole messages on read', async () => {
    const out = await lua(EVENTS + `
      local h = openWs("${s.ws}/echo")
      h:write("first\\nline", "second", 3)
      local seq = {}
      for i = 1, 3 do seq[#seq + 1] = nextEvent(h) end
      print(table.concat(seq, ","))
      print(h:read("*a"), h:read("*a"), h:read("*a"), h:read("*a"))
      h:write("a\\nb", "c")
      nextEvent(h) nextEvent(h)
      print(h:read("*l"), h:read("*L"), h:read("*l"), h:read("*l"))
      h:write("12 rest", "xyz")
      nextEvent(h) nextEvent(h)
      print(h:read("*n", 2, 100), h:read(2), h:read(5), h:read(1))
      h:close()
      eq(h:status(), "closed")
      fails("attempt to read from a closed handle", h.read, h)
    `);
    expect(out).toBe('handle_data_ready,handle_data_ready,handle_data_ready\nfirst\nline\tsecond\t3\tnil\na\tb\tc\tnil\n12\txy\tz\tnil\n');
    const last = s.wsMessages.slice(-2).map((m) => m.data.toString());
    expect(last).toEqual(['12 rest', 'xyz']);
  });

  it('binary encoding (the default) sends binary frames; utf8 sends text frames', async () => {
    const before = s.wsMessages.length;
    const out = await lua(EVENTS + `
      local all = {}
      for i = 0, 255 do all[#all + 1] = string.char(i) end
      all = table.concat(all)
      local h = openWs("${s.ws}/echo")
      h:write(all)
      nextEvent(h)
      eq(h:read("*a"), all, "256 bytes")
      h:send("as text", false)
      nextEvent(h)
      eq(h:read("*a"), "as text")
      h:close()
      local t = openWs("${s.ws}/echo", { encoding = "utf8" })
      t:write("héllo")
      nextEvent(t)
      eq(t:read("*a"), "héllo")
      fails("bad argument #2 to 'write' %(Invalid UTF%-8%)", t.write, t, "ok", "\\xff")
      t:send("\\xff\\x00", true)
      nextEvent(t)
      eq(t:read("*a"), "\\xff\\x00")
      t:close()
      print("ok")
    `);
    expect(out).toBe('ok\n');
    const kinds = s.wsMessages.slice(before).map((m) => m.binary);
    expect(kinds).toEqual([true, false, false, true]);
  });

  it('peer close gives closed with its code and reason; data before it stays readable', async () => {
    const out = await lua(EVENTS + `
      local h = openWs("${s.ws}/echo")
      h:write("keep me")
      h:send("close:4001:bye", false)
      print(nextEvent(h))
      print(nextEvent(h))
      print(h:status(), h:closeCode())
      print(h:read("*a"), h:read("*a"))
      fails("attempt to write to a closed handle", h.write, h, "x")
      h:close()
    `);
    expect(out).toBe('handle_data_ready\nhandle_status_change:closed:4001:bye\nclosed\t4001\tbye\nkeep me\tnil\n');
  });

  it('a local close sends the code and reason, and queues no event', async () => {
    const before = s.wsClosed.length;
    const out = await lua(EVENTS + `
      local h = openWs("${s.ws}/echo")
      fails("close code must be", h.close, h, 1006)
      h:close(4002, "done here")
      eq(h:status(), "closed")
      util.queueEvent("marker", {})
      print((coroutine.yield()))
      local g = openWs("${s.ws}/echo")
      g:close()
    `);
    expect(out).toBe('marker\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.wsClosed.slice(before)).toEqual(expect.arrayContaining([{ code: 4002, reason: 'done here' }, { code: 1000, reason: '' }]));
  });

  it('an abrupt peer disconnect closes with 1006', async () => {
    const out = await lua(EVENTS + `
      local h = openWs("${s.ws}/echo")
      h:send("terminate", false)
      print(nextEvent(h))
    `);
    expect(out).toBe('handle_status_change:closed:1006\n');
  });

  it('messages over the limit: outgoing raise, incoming close the socket (1009)', async () => {
    const out = await lua(EVENTS + `
      local h = openWs("${s.ws}/echo")
      fails("Message is too large", h.write, h, string.rep("x", 128 * 1024 + 1))
      h:write(string.rep("y", 128 * 1024))
      print(nextEvent(h), #h:read("*a"))
      h:send("big:" .. (128 * 1024 + 1), false)
      print(nextEvent(h))
    `);
    expect(out).toBe('handle_data_ready\t131072\nhandle_status_change:closed:Message is too large:1009\n');
  });

  it('an invalid UTF-8 text frame from the peer closes with an error (1007)', async () => {
    const out = await lua(EVENTS + `
      local h = openWs("${s.ws}/echo", { encoding = "utf8" })
      h:write("invalid-utf8")
      print(nextEvent(h))
    `);
    expect(out).toBe('handle_status_change:closed:Invalid UTF-8:1007\n');
  });

  it('failed handshakes: refused, rejected upgrade, timeout, address rules, bad URIs', async () => {
    const port = await freePort();
    const silent = await startTcpServer((sock) => { sock.on('data', () => {}); });
    try {
      const out = await lua(EVENTS + `
        local h = network.connect("ws://127.0.0.1:${port}/")
        print(nextEvent(h), h:status())
        h = network.connect("${s.ws}/nows")
        print(nextEvent(h))
        h = network.connect({ url = "ws://127.0.0.1:${silent.port}/", timeout = 0.3 })
        print(nextEvent(h))
        fails("Invalid URI", network.connect, "ws://")
        fails("attempt to write to a error handle", h.write, h, "x")
      `);
      expect(out).toBe([
        'handle_status_change:error:Could not connect\terror\tCould not connect',
        'handle_status_change:error:Unexpected server response: 404',
        'handle_status_change:error:Timed out', '',
      ].join('\n'));
      const denied = await lua(`print(network.connect("${s.ws}/echo"))`, { policy: { allowLocal: false } });
      expect(denied).toBe('nil\tDomain not permitted\n');
    } finally { await silent.close(); }
  });

  it('sends the headers given in the options', async () => {
    let seen: string | undefined;
    const srv = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', (d) => { seen = /x-token: (\S+)/i.exec(d.toString())?.[1]; sock.destroy(); });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      await lua(EVENTS + `
        local h = network.connect({ url = "ws://127.0.0.1:${port}/", headers = { ["X-Token"] = "abc" } })
        nextEvent(h)
      `);
      expect(seen).toBe('abc');
    } finally { srv.close(); }
  });
});
