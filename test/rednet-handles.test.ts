// Rednet handles (reference/phoenix.md §3.5.3): send, broadcast, protocol
// filtering, self-send, read modes, close, the CraftOS wire format, dedup and
// repeating across two networks.
import { describe, it, expect, afterAll } from 'vitest';
import { cleanupTempDirs } from './helpers.js';
import { start, run, runAll, LUA_PRE, setupNet } from './dev-helpers.js';
import { rednetOf } from '../kernel/net/rednet.js';
import type { TraceRecord } from '../devices/media/trace.js';

afterAll(() => cleanupTempDirs());

describe('rednet handles', () => {
  it('send to one computer: raw messages with *a, text modes, sender filtering, status after close', async () => {
    const { world, c } = setupNet({ air: { kind: 'wireless' } }, {
      1: { modems: [['top', 'air']] }, 2: { modems: [['top', 'air']] }, 3: { modems: [['top', 'air']] },
    });
    const rx = start(c(2), LUA_PRE + `
      local from1 = sys.connect("rednet://0.0.0.1")
      local from3 = sys.connect("rednet://0.0.0.3")
      eq(from1:status(), "open")
      eq(require("system.util").type(from1), "socket")
      local function next(h)
        while true do
          local ev, p = coroutine.yield()
          if ev == "handle_data_ready" and p.id == h.id then return end
        end
      end
      next(from1)
      local t = from1:read("*a")
      eq(type(t), "table"); eq(t.k, "v"); eq(t.list[2], 20)
      next(from1)
      eq(from1:read(), "line one")
      eq(from1:read("*L"), "line two\\n")
      eq(from1:read("*l"), "tail", "a message's end ends a line")
      next(from1)
      eq(from1:read("*n"), 42.5)
      next(from1)
      local a, b, c2 = from1:read(3, 100, "*l")
      eq(a, "abc"); eq(b, "defgh"); eq(c2, nil, "nothing left: later modes give nil")
      eq(from1:read("*a"), nil, "empty buffer")
      next(from3)
      eq(from3:read("*a"), "from three")
      eq(from1:read("*a"), nil, "3's message did not reach the handle for 1")
      from1:close()
      eq(from1:status(), "closed")
      fails("closed", from1.read, from1)
      fails("closed", from1.write, from1, "x")
      print("ok")
    `);
    const tx1 = start(c(1), LUA_PRE + `
      util.sleep(1)
      local h = sys.connect("rednet://0.0.0.2")
      h:write({ k = "v", list = { 10, 20 }, fn = print })
      h:write("line one\\nline two\\ntail")
      h:write(42.5)
      h:write("abcdefgh")
      print("sent")
    `);
    const tx3 = start(c(3), LUA_PRE + `util.sleep(2) sys.connect("rednet://0.0.0.2"):write("from three") print("sent")`);
    await runAll(world, [rx, tx1, tx3]);
    expect(tx1.result()).toBe('sent\n');
    expect(rx.result()).toBe('ok\n');
  });

  it('broadcast reaches everyone; 255.255.255.255 receives from anyone; protocols filter', async () => {
    const { world, c } = setupNet({ air: { kind: 'wireless' } }, {
      1: { modems: [['top', 'air']] }, 2: { modems: [['top', 'air']] }, 3: { modems: [['top', 'air']] },
    });
    const listener = `
      local any = sys.connect("rednet://255.255.255.255")
      local chat = sys.connect("rednet+chat://255.255.255.255")
      local dns = sys.connect({ url = "rednet+dns://255.255.255.255" })
      util.sleep(3)
      local got = {}
      for _, h in ipairs({ any, chat, dns }) do
        local list = {}
        while true do
          local m, sender, proto = h:receive()
          if m == nil then break end
          list[#list + 1] = m .. "/" .. sender .. "/" .. tostring(proto)
        end
        got[#got + 1] = table.concat(list, ",")
      end
      print(table.concat(got, " | "))
    `;
    const r2 = start(c(2), LUA_PRE + listener);
    const r3 = start(c(3), LUA_PRE + listener);
    const tx = start(c(1), LUA_PRE + `
      util.sleep(1)
      sys.connect("rednet://255.255.255.255"):write("hello all")
      sys.connect("rednet+chat://255.255.255.255"):write("chat all")
      sys.connect("rednet+chat://0.0.0.3"):write("chat to 3")
      print("ok")
    `);
    await runAll(world, [r2, r3, tx]);
    expect(r2.result()).toBe('hello all/1/nil,chat all/1/chat | chat all/1/chat | \n');
    expect(r3.result()).toBe('hello all/1/nil,chat all/1/chat,chat to 3/1/chat | chat all/1/chat,chat to 3/1/chat | \n');
  });

  it('self-send delivers the payload locally without any frame', async () => {
    const { world, c, net } = setupNet({ air: { kind: 'wireless' } }, { 4: { modems: [['top', 'air']] }, 5: { modems: [['top', 'air']] } });
    const frames: TraceRecord[] = [];
    net.trace.observe((r) => frames.push(r));
    const p = start(c(4), LUA_PRE + `
      local me = sys.connect("rednet://0.0.0.4")
      me:write({ n = 1 })
      local ev, q = coroutine.yield()
      eq(ev, "handle_data_ready"); eq(q.id, me.id)
      local m, sender = me:receive()
      eq(m.n, 1); eq(sender, 4)
      print("ok")
    `);
    await runAll(world, [p]);
    expect(p.result()).toBe('ok\n');
    expect(frames).toEqual([]);
  });

  it('uses the CraftOS wire format: id % 65500, 65535 for broadcast, a copy on 65533, reply channel = own channel', async () => {
    const { world, c, net } = setupNet({ lan: { kind: 'wired' } }, { 65501: { modems: [['back', 'lan']] }, 1: { modems: [['back', 'lan']] }, 7: { modems: [['back', 'lan']] } });
    const frames: TraceRecord[] = [];
    net.trace.observe((r) => frames.push(r));
    const rx1 = start(c(1), LUA_PRE + `
      local any = sys.connect("rednet://255.255.255.255")
      util.sleep(2)
      print(any:read("*a"))
    `);
    const rx7 = start(c(7), LUA_PRE + `
      local any = sys.connect("rednet://255.255.255.255")
      util.sleep(2)
      local m, sender = any:receive()
      print(m, sender, any:receive())
    `);
    const tx = start(c(65501), LUA_PRE + `
      util.sleep(1)
      sys.connect("rednet://0.0.0.7"):write("to seven")
      sys.connect("rednet://0.0.255.221"):write("to 65501 (myself)")
      print("ok")
    `);
    await runAll(world, [rx1, rx7, tx]);
    // Computer 1 listens on channel 1 = 65501 % 65500 but the message is for 7: nothing.
    expect(rx1.result()).toBe('nil\n');
    expect(rx7.result()).toBe('to seven\t65501\n');
    const sent = frames.filter((f) => f.to === 7);
    expect(sent.map((f) => [f.channel, f.replyChannel, f.event, f.cause ?? ''])).toEqual([[7, 1, 'deliver', ''], [65533, 1, 'drop', 'channel closed']]);
    const env = sent[0].rednet as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual(['message', 'nMessageID', 'nRecipient', 'nSender', 'sProtocol']);
    expect(env.nRecipient).toBe(7);
    expect(env.nSender).toBe(65501);
    expect(env.message).toBe('to seven');
    expect(Number.isInteger(env.nMessageID) && (env.nMessageID as number) >= 1).toBe(true);
  });

  it('errors: no modem, not a modem, bad host', async () => {
    const { world, c } = setupNet({ air: { kind: 'wireless' } }, { 1: { modems: [['top', 'air']] } });
    const p = start(c(1), LUA_PRE + `
      local h, err = sys.connect({ url = "rednet://0.0.0.2", device = "/nowhere" }); eq(h, nil); eq(err, "Could not find a modem")
      h, err = sys.connect("rednet://0.0.0.2", "/redstone/left"); eq(h, nil); eq(err, "Not a modem")
      h, err = sys.connect("rednet://example"); eq(h, nil); eq(err, "Invalid IP address")
      h, err = sys.connect("rednet:foo"); eq(h, nil); eq(err, "Missing host")
      fails("Invalid protocol", sys.connect, "rednet-x://0.0.0.1")
      h = sys.connect({ url = "rednet://0.0.0.2", device = "/top" }); eq(h:status(), "open")
      fails("cannot transmit a function", h.write, h, print)
      print("ok")
    `);
    await runAll(world, [p]);
    expect(p.result()).toBe('ok\n');
  });

  it('opens its channels on first use and closes them with the last handle', async () => {
    const { world, c } = setupNet({ air: { kind: 'wireless' } }, { 9: { modems: [['top', 'air']] } });
    const p = start(c(9), LUA_PRE + `
      local function remaining() return sys.devcall("/top", "getRemainingChannels") end
      eq(remaining(), 128)
      local a = sys.connect("rednet://0.0.0.1")
      eq(remaining(), 126, "9 and 65535")
      local b = sys.connect("rednet+x://255.255.255.255")
      eq(remaining(), 126)
      a:close()
      eq(remaining(), 126)
      b:close()
      eq(remaining(), 128)
      sys.connect("rednet://0.0.0.1") -- released when the process ends
      print("ok")
    `);
    await runAll(world, [p]);
    expect(p.result()).toBe('ok\n');
    const { modemState } = await import('../devices/modem.js');
    const { devicesOf } = await import('../devices/index.js');
    expect(modemState(devicesOf(c(9)).byPath('/top')!).openCount).toBe(0);
  });
});

describe('rednet across networks', () => {
  // LAN A: 1, 2, 3 (repeaters 2 and 3 sit on both LANs); LAN B: 2, 3, 4.
  const topo = () => setupNet({ lanA: { kind: 'wired' }, lanB: { kind: 'wired' } }, {
    1: { modems: [['back', 'lanA']] },
    2: { modems: [['left', 'lanA'], ['right', 'lanB']] },
    3: { modems: [['left', 'lanA'], ['right', 'lanB']] },
    4: { modems: [['back', 'lanB']] },
  });

  it('rednet-repeat carries messages from one network to the other; duplicates are suppressed', async () => {
    const { world, c } = topo();
    const r2 = run(c(2), '/rom/bin/rednet-repeat.lua', ['-q', '-t', '5']);
    const r3 = run(c(3), '/rom/bin/rednet-repeat.lua', ['-q', '-t', '5']);
    const rx = start(c(4), LUA_PRE + `
      local rednet = require "system.rednet"
      rednet.open()
      local got = {}
      while true do
        local id, msg, proto = rednet.receive(nil, 4)
        if not id then break end
        got[#got + 1] = id .. ":" .. tostring(msg) .. ":" .. tostring(proto)
      end
      print(table.concat(got, " "))
    `);
    const tx = start(c(1), LUA_PRE + `
      local rednet = require "system.rednet"
      util.sleep(1)
      rednet.send(4, "direct", "x")
      rednet.broadcast("everyone")
      print("ok")
    `);
    await runAll(world, [r2, r3, rx, tx]);
    // Each message arrives once although both repeaters pass it on.
    expect(rx.result()).toBe('1:direct:x 1:everyone:nil\n');
    expect(rednetOf(c(4)).stats.duplicates).toBeGreaterThan(0);
    expect(r2.result()).toMatch(/^Repeating between 2 modems: \/left, \/right\nRepeated \d+ messages\n$/);
  });

  it('rednet-chat: says its messages and prints what the others say', async () => {
    const { world, c } = setupNet({ air: { kind: 'wireless' } }, { 1: { modems: [['top', 'air']] }, 2: { modems: [['top', 'air']] } });
    const a = run(c(1), '/rom/bin/rednet-chat.lua', ['-n', 'ann', '-t', '5', '-w', '1', 'hello', 'how are you']);
    const b = run(c(2), '/rom/bin/rednet-chat.lua', ['-n', 'bo', '-t', '5', '-w', '2', 'fine']);
    await runAll(world, [a, b]);
    expect(a.result()).toBe('<ann> * joined\n<ann> hello\n<ann> how are you\n<bo> * joined\n<bo> fine\n');
    expect(b.result()).toBe('<ann> * joined\n<ann> hello\n<ann> how are you\n<bo> * joined\n<bo> fine\n');
  });

  it('without a repeater nothing crosses', async () => {
    const { world, c } = topo();
    const rx = start(c(4), LUA_PRE + `
      local rednet = require "system.rednet"
      print(rednet.receive(nil, 3))
    `);
    const tx = start(c(1), LUA_PRE + `util.sleep(1) require("system.rednet").broadcast("hi") print("ok")`);
    await runAll(world, [rx, tx]);
    expect(rx.result()).toBe('nil\n');
  });

  it('the seen-message table is pruned after the dedup window', async () => {
    const { world, c } = setupNet({ air: { kind: 'wireless' } }, { 1: { modems: [['top', 'air']] }, 2: { modems: [['top', 'air']] } });
    const rx = start(c(2), LUA_PRE + `local h = sys.connect("rednet://255.255.255.255") util.sleep(2) print(h:read("*a"))`);
    const tx = start(c(1), LUA_PRE + `util.sleep(1) sys.connect("rednet://0.0.0.2"):write("m") print("ok")`);
    await runAll(world, [rx, tx]);
    expect(rx.result()).toBe('m\n');
    expect(rednetOf(c(1)).seenCount).toBe(1);
    expect(rednetOf(c(2)).seenCount).toBe(1);
    await world.run({ forMs: 25_000 });
    expect(rednetOf(c(1)).seenCount).toBe(0);
    expect(rednetOf(c(2)).seenCount).toBe(0);
  });
});
