// Modems (cc-reference.md §1): channel rules and errors, per-process channel
// sets, delivery to listeners, range and distance on the three media, and
// payload copying between computers.
import { describe, it, expect, afterAll } from 'vitest';
import { cleanupTempDirs } from './helpers.js';
import { start, runAll, LUA_PRE, setupNet } from './dev-helpers.js';
import { rangeAt } from '../devices/media/wireless.js';

afterAll(() => cleanupTempDirs());

describe('modem semantics', () => {
  it('open/isOpen/close/closeAll, range errors, the modem-wide 128-channel limit', async () => {
    const { world, c } = setupNet({ lan: { kind: 'wired' } }, { 1: { modems: [['left', 'lan']] } });
    const a = start(c(1), LUA_PRE + `
      local m = "/left"
      eq(sys.devcall(m, "getRemainingChannels"), 128)
      fails("Expected number in range 0-65535", sys.devcall, m, "open", 65536)
      fails("Expected number in range 0-65535", sys.devcall, m, "open", -1)
      fails("Expected number in range 0-65535", sys.devcall, m, "open", 1.5)
      fails("bad argument #1 (number expected, got string)", sys.devcall, m, "open", "x")
      fails("Expected number in range 0-65535", sys.devcall, m, "isOpen", 70000)
      fails("Expected number in range 0-65535", sys.devcall, m, "close", 70000)
      fails("Expected number in range 0-65535", sys.devcall, m, "transmit", 1, 65536, "x")
      fails("Expected number in range 0-65535", sys.devcall, m, "transmit", 65536, 1, "x")
      sys.devcall(m, "open", 10)
      sys.devcall(m, "open", 10) -- again: no-op
      eq(sys.devcall(m, "isOpen", 10), true)
      eq(sys.devcall(m, "getRemainingChannels"), 127)
      sys.devcall(m, "close", 10)
      sys.devcall(m, "close", 10) -- closing a closed channel is fine
      eq(sys.devcall(m, "isOpen", 10), false)
      for ch = 1, 100 do sys.devcall(m, "open", ch) end
      util.sleep(1)
      -- the other process holds 28 more: the modem is full
      eq(sys.devcall(m, "getRemainingChannels"), 0)
      fails("Too many open channels", sys.devcall, m, "open", 5000)
      sys.devcall(m, "open", 1) -- already open by this process: still fine
      sys.devcall(m, "open", 101) -- open by the other process only: no new modem channel
      eq(sys.devcall(m, "isOpen", 150), false, "the other process's channel is not ours")
      sys.devcall(m, "closeAll")
      eq(sys.devcall(m, "getRemainingChannels"), 100)
      print("ok")
    `);
    const b = start(c(1), LUA_PRE + `
      util.sleep(0.1)
      for ch = 101, 127 do sys.devcall("/left", "open", ch) end
      sys.devcall("/left", "open", 150)
      util.sleep(10)
      eq(sys.devcall("/left", "getRemainingChannels"), 100)
      print("b done")
    `);
    await runAll(world, [a, b]);
    expect(b.result()).toBe('b done\n');
    expect(a.result()).toBe('ok\n');
  });

  it('delivers modem_message to processes that listen and opened the channel; a modem never hears itself', async () => {
    const { world, c, net } = setupNet({ lan: { kind: 'wired', length: 4 } }, {
      1: { modems: [['left', 'lan'], ['right', 'lan']] },
      2: { modems: [['back', 'lan']] },
    });
    net.trace; // trace not needed here
    const rx = start(c(2), LUA_PRE + `
      sys.devlisten("/back")
      sys.devcall("/back", "open", 12)
      util.queueEvent("ready")
      local p = pull("modem_message")
      eq(p.device, "/back"); eq(p.channel, 12); eq(p.replyChannel, 34); eq(p.message, "Hello"); eq(p.distance, 4)
      p = pull("modem_message")
      eq(p.replyChannel, 7, "replyChannel defaults to the channel? no: explicit 7")
      print("ok")
    `);
    const notListening = start(c(2), LUA_PRE + `
      sys.devcall("/back", "open", 12) -- opened but no devlisten: no events
      util.sleep(5)
      eq(util.peekEvent(), nil)
      print("quiet")
    `);
    const tx = start(c(1), LUA_PRE + `
      sys.devlisten("/left"); sys.devlisten("/right")
      sys.devcall("/left", "open", 12)
      sys.devcall("/right", "open", 12)
      util.sleep(1)
      sys.devcall("/left", "transmit", 12, 34, "Hello")
      -- /right on the same computer hears /left; /left never hears itself
      local p = pull("modem_message")
      eq(p.device, "/right"); eq(p.distance, 0)
      sys.devcall("/left", "transmit", 12, 7, "again")
      sys.devcall("/left", "transmit", 13, 7, "closed channel: nobody")
      util.sleep(1)
      local n = 0
      while util.peekEvent() do local ev, q = coroutine.yield() if ev == "modem_message" then n = n + 1; eq(q.device, "/right") end end
      eq(n, 1)
      print("ok")
    `);
    await runAll(world, [rx, tx, notListening]);
    expect(rx.result()).toBe('ok\n');
    expect(tx.result()).toBe('ok\n');
    expect(notListening.result()).toBe('quiet\n');
  });

  it('copies payloads: functions dropped, cycles and shared tables kept, a fresh copy per receiver', async () => {
    const { world, c } = setupNet({ air: { kind: 'wireless' } }, {
      1: { modems: [['top', 'air']] }, 2: { modems: [['top', 'air']] }, 3: { modems: [['top', 'air']] },
    });
    const recv = `
      sys.devlisten("/top"); sys.devcall("/top", "open", 1)
      local p = pull("modem_message")
      local m = p.message
      eq(m.f, nil, "function dropped"); eq(m[print], nil)
      eq(m.self, m, "cycle kept")
      eq(m.a, m.b, "shared table kept")
      eq(m.a.x, 1); eq(m.n, 2.5); eq(m.i, 3); eq(math.type(m.i), "integer"); eq(m.s, "\\0bin\\255")
      eq(math.type(m.fl), "float"); eq(tostring(m.fl), "2.0")
      eq(m.nested[1][1][1], "deep")
      m.a.x = 99 -- must not affect anyone else
      util.sleep(1)
      print(m.a.x)
    `;
    const r2 = start(c(2), LUA_PRE + recv);
    const r3 = start(c(3), LUA_PRE + recv);
    const tx = start(c(1), LUA_PRE + `
      util.sleep(0.5)
      local shared = { x = 1 }
      local t = { f = print, [print] = true, a = shared, b = shared, n = 2.5, i = 3, fl = 2.0, s = "\\0bin\\255", nested = { { { "deep" } } } }
      t.self = t
      sys.devcall("/top", "transmit", 1, 1, t)
      eq(shared.x, 1)
      fails("cannot transmit a function", sys.devcall, "/top", "transmit", 1, 1, print)
      fails("cannot transmit a thread", sys.devcall, "/top", "transmit", 1, 1, coroutine.create(print))
      local deep = {} local cur = deep for i = 1, 200 do cur.next = {} cur = cur.next end
      fails("nested too deeply", sys.devcall, "/top", "transmit", 1, 1, deep)
      print("sent")
    `);
    await runAll(world, [r2, r3, tx]);
    expect(tx.result()).toBe('sent\n');
    expect(r2.result()).toBe('99\n');
    expect(r3.result()).toBe('99\n');
  });
});

describe('range and distance', () => {
  it('wireless range is 64 blocks low down, grows above y=96, uses the larger of the two ends', () => {
    expect(rangeAt(0)).toBe(64);
    expect(rangeAt(96)).toBe(64);
    expect(rangeAt(319)).toBe(384);
    expect(rangeAt(207.5)).toBeCloseTo(224, 5);
  });

  it('wireless delivery depends on distance, is symmetric, reports distance, and dimensions only meet by ender', async () => {
    const { world, c, net } = setupNet({ air: { kind: 'wireless' } }, {
      1: { at: [0, 64, 0], modems: [['top', 'air']] },
      2: { at: [64, 64, 0], modems: [['top', 'air']] }, // exactly at range: heard
      3: { at: [65, 64, 0], modems: [['top', 'air']] }, // out of range of 1
      4: { at: [0, 64, 300], dim: 'nether', modems: [['top', 'air', true]] }, // ender, other dimension
      5: { at: [200, 300, 0], modems: [['top', 'air']] }, // high up: range 384 covers 1
      6: { at: [0, 64, 1], dim: 'nether', modems: [['top', 'air']] }, // plain modem in the nether
    });
    net.trace.observe(() => {});
    const listen = (expectFrom: string) => `
      sys.devlisten("/top"); sys.devcall("/top", "open", 9)
      local got = {}
      local t = sys.timer(5)
      while true do
        local ev, p = coroutine.yield()
        if ev == "timer" and p.id == t then break end
        if ev == "modem_message" then got[#got + 1] = p.message .. "@" .. (p.distance and string.format("%.1f", p.distance) or "none") end
      end
      table.sort(got)
      print(table.concat(got, " "))
    `;
    const progs = [2, 3, 4, 5, 6].map((id) => start(c(id), LUA_PRE + listen('')));
    const tx = start(c(1), LUA_PRE + `util.sleep(1) sys.devcall("/top", "transmit", 9, 9, "from1") print("ok")`);
    const tx3 = start(c(3), LUA_PRE + `util.sleep(2) sys.devcall("/top", "transmit", 9, 9, "from3") print("ok")`);
    await runAll(world, [...progs, tx, tx3]);
    const [p2, p3, p4, p5, p6] = progs.map((p) => p.result().trim());
    expect(p2).toBe('from1@64.0 from3@1.0');
    expect(p3).toBe(''); // 65 blocks from 1: neither end reaches (symmetric)
    expect(p4).toBe('from1@none from3@none'); // ender across dimensions: no distance
    expect(p5).toBe('from1@' + Math.hypot(200, 236).toFixed(1) + ' from3@' + Math.hypot(135, 236).toFixed(1));
    expect(p6).toBe(''); // other dimension, no ender at either end
  });

  it('wired distance is the cable path length; disconnected cables do not deliver', async () => {
    const { world, c } = setupNet({ lan: { kind: 'wired', cables: [[1, 'hub', 3], ['hub', 2, 4.5], [1, 2, 20]] } }, {
      1: { modems: [['back', 'lan']] }, 2: { modems: [['back', 'lan']] }, 3: { modems: [['back', 'lan']] },
    });
    const rx = (id: number) => start(c(id), LUA_PRE + `
      sys.devlisten("/back"); sys.devcall("/back", "open", 1)
      local t = sys.timer(3)
      while true do
        local ev, p = coroutine.yield()
        if ev == "timer" and p.id == t then print("none") return end
        if ev == "modem_message" then print(p.distance) return end
      end
    `);
    const r2 = rx(2), r3 = rx(3);
    const tx = start(c(1), LUA_PRE + `util.sleep(1) sys.devcall("/back", "transmit", 1, 1, "x") print("ok")`);
    await runAll(world, [r2, r3, tx]);
    expect(r2.result()).toBe('7.5\n');
    expect(r3.result()).toBe('none\n');
  });

  it('ender media reach everything, across dimensions without a distance', async () => {
    const { world, c } = setupNet({ void: { kind: 'ender' } }, {
      1: { at: [0, 0, 0], modems: [['top', 'void']] },
      2: { at: [100000, 0, 0], modems: [['top', 'void']] },
      3: { at: [0, 0, 0], dim: 'end', modems: [['top', 'void']] },
    });
    const rx = (id: number) => start(c(id), LUA_PRE + `
      sys.devlisten("/top"); sys.devcall("/top", "open", 1)
      local p = pull("modem_message")
      print(p.distance)
    `);
    const r2 = rx(2), r3 = rx(3);
    const tx = start(c(1), LUA_PRE + `util.sleep(1) sys.devcall("/top", "transmit", 1, 1, "x") print(sys.devcall("/top", "isWireless"))`);
    await runAll(world, [r2, r3, tx]);
    expect(r2.result()).toBe('100000\n');
    expect(r3.result()).toBe('nil\n');
    expect(tx.result()).toBe('true\n');
  });

  it('the loopback modem hears itself at distance 0', async () => {
    const { world, c } = setupNet({}, { 1: {} });
    const p = start(c(1), LUA_PRE + `
      sys.devlisten("/lo"); sys.devcall("/lo", "open", 3)
      sys.devcall("/lo", "transmit", 3, 4, {k = "v"})
      local m = pull("modem_message")
      eq(m.device, "/lo"); eq(m.distance, 0); eq(m.message.k, "v"); eq(m.replyChannel, 4)
      sys.devcall("/lo", "transmit", 5, 5, "closed")
      util.queueEvent("end")
      eq(coroutine.yield(), "end")
      print("ok")
    `);
    await runAll(world, [p]);
    expect(p.result()).toBe('ok\n');
  });

  it('drops a frame with "queue full" when the receiver\'s event queue is full', async () => {
    const { world, c, net } = setupNet({ lan: { kind: 'wired' } }, { 1: { modems: [['a', 'lan']] }, 2: { modems: [['b', 'lan']] } });
    c(2).limits.eventQueue = 5;
    const causes: string[] = [];
    net.trace.observe((r) => { if (r.event === 'drop') causes.push(r.cause!); });
    const rx = start(c(2), LUA_PRE + `
      sys.devlisten("/b"); sys.devcall("/b", "open", 1)
      util.queueEvent("ready")
      local t = sys.timer(2)
      -- do not read events until the burst is over: only 5 fit
      local n = 0
      while true do
        local ev, p = coroutine.yield()
        if ev == "modem_message" then n = n + 1 end
        if ev == "timer" and p.id == t then break end
      end
      print(n)
    `);
    const tx = start(c(1), LUA_PRE + `util.sleep(1) for i = 1, 10 do sys.devcall("/a", "transmit", 1, 1, i) end print("ok")`);
    // Run until A is done sending, without letting B wake up in between: B waits on its timer.
    await runAll(world, [rx, tx]);
    expect(Number(rx.result().trim())).toBeLessThan(10);
    expect(causes.filter((x) => x === 'queue full').length).toBe(10 - Number(rx.result().trim()));
  });
});
