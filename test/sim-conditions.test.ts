// Link conditions on the VirtualClock (latency, jitter, loss, duplication,
// reordering, partitions) and the trace they leave.
import { describe, it, expect, afterAll } from 'vitest';
import { cleanupTempDirs } from './helpers.js';
import { start, runAll, LUA_PRE, setupNet } from './dev-helpers.js';
import type { TraceRecord } from '../devices/media/trace.js';
import type { MediumSpec } from '../devices/network.js';

afterAll(() => cleanupTempDirs());

/** Computer 1 sends `count` numbered frames on channel 1 at t=1 s (one every `gapMs`); computer 2 logs arrival times. */
async function burst(spec: MediumSpec, count: number, gapMs = 0, seed = 1, during?: (net: ReturnType<typeof setupNet>) => void) {
  const setup = setupNet({ lan: spec }, { 1: { modems: [['a', 'lan']] }, 2: { modems: [['b', 'lan']] } }, seed);
  const { world, c, net } = setup;
  const trace: TraceRecord[] = [];
  net.trace.observe((r) => trace.push(r));
  during?.(setup);
  const rx = start(c(2), LUA_PRE + `
    sys.devlisten("/b"); sys.devcall("/b", "open", 1)
    local t = sys.timer(30)
    local got = {}
    while true do
      local ev, p = coroutine.yield()
      if ev == "timer" and p.id == t then break end
      if ev == "modem_message" then got[#got + 1] = p.message .. "@" .. math.floor(sys.uptime() * 1000 + 0.5) end
    end
    print(table.concat(got, " "))
  `);
  const tx = start(c(1), LUA_PRE + `
    util.sleep(1)
    for i = 1, ${count} do
      sys.devcall("/a", "transmit", 1, 1, i)
      if ${gapMs} > 0 then util.sleep(${gapMs / 1000}) end
    end
    print("ok")
  `);
  await runAll(world, [rx, tx]);
  const got = rx.result().trim().split(' ').filter(Boolean).map((x) => x.split('@').map(Number) as [number, number]);
  return { got, trace };
}

describe('link conditions', () => {
  it('latency delays every frame on the virtual clock', async () => {
    const { got } = await burst({ kind: 'wired', conditions: { latency: 250 } }, 3);
    expect(got).toEqual([[1, 1250], [2, 1250], [3, 1250]]);
  });

  it('jitter adds a seeded delay in [0, jitter]; the same seed gives the same delays', async () => {
    const a = await burst({ kind: 'wired', conditions: { latency: 100, jitter: 50 } }, 20, 0, 7);
    const b = await burst({ kind: 'wired', conditions: { latency: 100, jitter: 50 } }, 20, 0, 7);
    const c = await burst({ kind: 'wired', conditions: { latency: 100, jitter: 50 } }, 20, 0, 8);
    expect(a.got.length).toBe(20);
    for (const [, t] of a.got) { expect(t).toBeGreaterThanOrEqual(1100); expect(t).toBeLessThanOrEqual(1150); }
    expect(new Set(a.got.map(([, t]) => t)).size).toBeGreaterThan(1);
    expect(b.got).toEqual(a.got);
    expect(c.got).not.toEqual(a.got);
  });

  it('loss drops a seeded share of frames, traced as "lost"', async () => {
    const { got, trace } = await burst({ kind: 'wired', conditions: { loss: 0.5 } }, 200);
    const lost = trace.filter((r) => r.cause === 'lost').length;
    expect(got.length + lost).toBe(200);
    expect(lost).toBeGreaterThan(60);
    expect(lost).toBeLessThan(140);
    const all = await burst({ kind: 'wired', conditions: { loss: 1 } }, 10);
    expect(all.got).toEqual([]);
  });

  it('duplication delivers a frame twice (the copy is marked in the trace)', async () => {
    const { got, trace } = await burst({ kind: 'wired', conditions: { latency: 10, duplicate: 1 } }, 3);
    expect(got.map(([m]) => m).sort((x, y) => x - y)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(trace.filter((r) => r.duplicate).length).toBe(3);
  });

  it('reordering lets later frames overtake earlier ones', async () => {
    const { got } = await burst({ kind: 'wired', conditions: { latency: 5, reorder: 0.5, reorderWindow: 200 } }, 30, 10);
    const order = got.map(([m]) => m);
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(order).not.toEqual([...order].sort((x, y) => x - y));
  });

  it('a partition drops frames between groups until healed', async () => {
    const { got, trace } = await burst({ kind: 'wired' }, 10, 1000, 1, ({ world, net }) => {
      world.clock.setTimer(3500, () => net.setPartition([[1], [2]]));
      world.clock.setTimer(6500, () => net.setPartition(null));
    });
    // Frames leave at 1, 2, ..., 10 s; those at 4, 5 and 6 s fall in the partition.
    expect(got.map(([m]) => m)).toEqual([1, 2, 3, 7, 8, 9, 10]);
    expect(trace.filter((r) => r.cause === 'partitioned').map((r) => r.t)).toEqual([4000, 5000, 6000]);
  });

  it('a medium partition leaves other media alone; unlisted computers form their own group', async () => {
    const { world, c, net } = setupNet({ x: { kind: 'wired' }, y: { kind: 'wired' } }, {
      1: { modems: [['a', 'x'], ['b', 'y']] }, 2: { modems: [['a', 'x'], ['b', 'y']] }, 3: { modems: [['a', 'x']] },
    });
    net.setPartition([[1]], 'x');
    const causes: string[] = [];
    net.trace.observe((r) => causes.push(`${r.medium}:${r.to}:${r.event}${r.cause ? ':' + r.cause : ''}`));
    const tx = start(c(1), LUA_PRE + `sys.devcall("/a", "transmit", 1, 1, "x") sys.devcall("/b", "transmit", 1, 1, "y") print("ok")`);
    await runAll(world, [tx]);
    expect(causes).toEqual(['x:2:drop:partitioned', 'x:3:drop:partitioned', 'y:2:drop:channel closed']);
  });
});

describe('trace contents', () => {
  it('records deliveries and drops with time, medium, ends, channels, distance, cause, payload and the rednet envelope', async () => {
    const { world, c, net } = setupNet({ air: { kind: 'wireless', conditions: { latency: 20 } } }, {
      1: { at: [0, 0, 0], modems: [['top', 'air']] }, 2: { at: [30, 40, 0], modems: [['top', 'air']] }, 3: { at: [500, 0, 0], modems: [['top', 'air']] },
    });
    const trace: TraceRecord[] = [];
    net.trace.observe((r) => trace.push(r));
    const rx = start(c(2), LUA_PRE + `local h = sys.connect("rednet+chat://255.255.255.255") util.sleep(2) print(h:read("*a").text)`);
    const tx = start(c(1), LUA_PRE + `util.sleep(1) sys.connect("rednet+chat://0.0.0.2"):write({ text = "hi" }) print("ok")`);
    await runAll(world, [rx, tx]);
    expect(rx.result()).toBe('hi\n');
    const first = trace[0];
    expect(Object.keys(first)).toEqual(['t', 'frame', 'medium', 'from', 'fromDevice', 'to', 'toDevice', 'channel', 'replyChannel', 'event', 'cause', 'distance', 'rednet', 'payload']);
    expect(first).toMatchObject({ t: 1000, frame: 1, medium: 'air', from: 1, to: 3, channel: 2, replyChannel: 1, event: 'drop', cause: 'out of range', distance: null });
    const delivered = trace.find((r) => r.event === 'deliver')!;
    expect(delivered).toMatchObject({ t: 1020, from: 1, fromDevice: '/top', to: 2, toDevice: '/top', channel: 2, replyChannel: 1, distance: 50 });
    expect(delivered.rednet).toMatchObject({ nRecipient: 2, nSender: 1, sProtocol: 'chat', message: { text: 'hi' } });
    expect(delivered.payload).toMatchObject({ nRecipient: 2, message: { text: 'hi' } });
    const repeatCopy = trace.find((r) => r.channel === 65533 && r.to === 2)!;
    expect(repeatCopy).toMatchObject({ event: 'drop', cause: 'channel closed', t: 1020 });
  });
});
