// The device tree and the dev* syscalls (reference/phoenix.md §2.5, §6), and
// libsystem's system.hardware, in real headless computers.
import { describe, it, expect, afterAll } from 'vitest';
import { cleanupTempDirs, newWorld, bootComputer } from './helpers.js';
import { start, runAll, LUA_PRE, setupNet } from './dev-helpers.js';
import { devicesOf, attachPeripheral } from '../devices/index.js';
import { uuidV5 } from '../devices/tree.js';
import { setRedstoneInput } from '../devices/redstone.js';
import { printerState } from '../devices/printer.js';
import { monitorText } from '../devices/monitor.js';
import { insertDisk } from '../devices/drive.js';

afterAll(() => cleanupTempDirs());

async function lua(src: string, opts: { user?: string; setup?: (w: ReturnType<typeof newWorld>) => void } = {}): Promise<string> {
  const world = newWorld(3);
  const c = bootComputer(world, 5);
  opts.setup?.(world);
  const p = start(c, LUA_PRE + src, [], opts.user);
  await runAll(world, [p]);
  return p.result();
}

describe('device tree', () => {
  it('has the root, /redstone/<side> and /lo with deterministic version-5 UUIDs', async () => {
    const world = newWorld(1);
    const tree = devicesOf(bootComputer(world, 7));
    expect([...tree.root.children.keys()].sort()).toEqual(['lo', 'redstone']);
    expect(tree.root.uuid).toBe(uuidV5('a6f53b7d-50f3-4e51-adef-8728c83e3f3a', '7'));
    expect(tree.root.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const lo = tree.byPath('/lo')!;
    expect(lo.uuid).toBe(uuidV5(tree.root.uuid, 'lo'));
    // The same path on a new computer object with the same ID gives the same UUID.
    const again = devicesOf(bootComputer(newWorld(2), 7));
    expect(again.byPath('/redstone/left')!.uuid).toBe(tree.byPath('/redstone/left')!.uuid);
  });

  it('dev* syscalls: lookup, find, info, alias, methods, properties, children, call', async () => {
    const out = await lua(`
      eq(sys.devlookup("/lo"), "/lo")
      local a, b = sys.devlookup("left")
      eq(a, "/redstone/left", "first match (tree order)"); eq(b, nil)
      eq(select("#", sys.devlookup("nothing")), 0)
      local info = sys.devinfo("/lo")
      eq(info.id, "lo"); eq(info.parent, "/"); eq(info.types.modem, "loopback_modem"); eq(info.metadata.wireless, true)
      eq(sys.devlookup(info.uuid), "/lo", "by UUID")
      eq(sys.devinfo("/nope"), nil)
      eq(sys.devinfo("/").types.computer, "root")
      eq(sys.devinfo("/").metadata.id, 5)
      sys.devalias("/redstone/top", "lamp")
      eq(sys.devlookup("lamp"), "/redstone/top")
      eq(sys.devinfo("lamp").alias, "lamp")
      sys.devalias("/redstone/top", nil)
      eq(sys.devlookup("lamp"), nil)
      fails("No such device", sys.devalias, "/nope", "x")
      local props = sys.devproperties("/redstone/left")
      eq(table.concat(props, ","), "input,output,bundledInput,bundledOutput")
      local methods = table.concat(sys.devmethods("/lo"), ",")
      assert(methods:find("transmit") and methods:find("getRemainingChannels"), methods)
      eq(table.concat(sys.devchildren("/"), ","), "lo,redstone")
      eq(#sys.devchildren("/redstone"), 6)
      eq(select(1, sys.devfind("modem")), "/lo")
      eq(select("#", sys.devfind("redstone")), 6)
      sys.devcall("/redstone/back", "setOutput", 9)
      eq(sys.devcall("/redstone/back", "getOutput"), 9)
      fails("No such method", sys.devcall, "/lo", "explode")
      fails("No such device", sys.devcall, "/nope", "x")
      fails("Expected number in range 0-15", sys.devcall, "/redstone/back", "setOutput", 99)
      eq(sys.devcall("/", "getID"), 5)
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('devlisten delivers device events; device_added/removed go to listeners of the parent', async () => {
    const world = newWorld(1);
    const c = bootComputer(world, 1);
    const p = start(c, LUA_PRE + `
      sys.devlisten("/")
      sys.devlisten("/redstone/left")
      util.sleep(1)
      local ev = pull("redstone"); eq(ev.device, "/redstone/left")
      ev = pull("device_added"); eq(ev.device, "/right")
      ev = pull("device_removed"); eq(ev.device, "/right")
      print("ok")
    `);
    c.clock.setTimer(500, () => {
      setRedstoneInput(devicesOf(c), 'left', 7);
      attachPeripheral(c, 'right', 'monitor');
      devicesOf(c).remove(devicesOf(c).byPath('/right')!);
    });
    await runAll(world, [p]);
    expect(p.result()).toBe('ok\n');
  });

  it('a lock blocks other callers ("Device is locked"), hides events from them, waits, and is freed when the holder dies', async () => {
    const world = newWorld(1);
    const c = bootComputer(world, 1);
    const holder = start(c, LUA_PRE + `
      eq(sys.devlock("/redstone/top"), true)
      eq(sys.devlock("/redstone/top"), true, "own lock again")
      sys.devlisten("/redstone/top")
      util.sleep(2)
      sys.devunlock("/redstone/top")
      eq(sys.devlock("/redstone/front"), true)
      util.sleep(2)
      print("holder done")
    `);
    const other = start(c, LUA_PRE + `
      util.sleep(1)
      sys.devlisten("/redstone/top")
      fails("Device is locked", sys.devcall, "/redstone/top", "getOutput")
      eq(sys.devlock("/redstone/top", false), false, "no wait")
      fails("locked by another process", sys.devunlock, "/redstone/top")
      util.queueEvent("mark")
      -- the redstone event at 1.5 s is suppressed for this process (the lock holder gets it)
      local first = coroutine.yield()
      eq(first, "mark")
      eq(sys.devlock("/redstone/top"), true, "waited for the unlock at 2 s")
      eq(sys.devcall("/redstone/top", "getOutput"), 0)
      -- /redstone/front is released when its holder exits at 4 s
      eq(sys.devlock("/redstone/front"), true)
      print("other done", math.floor(sys.uptime()))
    `);
    c.clock.setTimer(1500, () => setRedstoneInput(devicesOf(c), 'top', 3));
    await runAll(world, [holder, other]);
    expect(holder.result()).toBe('holder done\n');
    expect(other.result()).toBe('other done\t4\n');
  });

  it('attach and detach are root-only and report errors as false, message', async () => {
    const { world, c } = setupNet({ air: { kind: 'wireless' } }, { 1: {} });
    const p = start(c(1), LUA_PRE + `
      eq(sys.attach("left", "modem", "air"), true)
      eq(sys.devinfo("/left").types.modem, "peripheral_modem")
      eq(sys.devcall("/left", "isWireless"), true)
      local ok, err = sys.attach("left", "printer"); eq(ok, false); eq(err, "A device is already attached at left")
      ok, err = sys.attach("top", "modem", "nowhere"); eq(ok, false); eq(err, "No such medium 'nowhere'")
      ok, err = sys.attach("top", "toaster"); eq(ok, false); assert(err:find("Unknown peripheral type 'toaster'"), err)
      ok, err = sys.attach("lo", "printer"); eq(ok, false)
      eq(sys.detach("left"), true)
      ok, err = sys.detach("left"); eq(ok, false); eq(err, "No peripheral attached at left")
      print("ok")
    `);
    const q = start(c(1), LUA_PRE + `fails("Permission denied", sys.attach, "x", "printer") print("ok")`, [], 'guest');
    await runAll(world, [p, q]);
    expect(p.result()).toBe('ok\n');
    expect(q.result()).toBe('ok\n');
  });

  it('system.hardware: wrap, properties as fields, find, tree, hasType', async () => {
    const out = await lua(`
      local hw = require "system.hardware"
      local lo = hw.wrap("lo")
      eq(require("system.util").type(lo), "device")
      eq(lo.remainingChannels, 128)
      lo:open(5)
      eq(lo:isOpen(5), true)
      eq(lo.remainingChannels, 127)
      local ok, err = pcall(function() lo.remainingChannels = 3 end)
      eq(ok, false); assert(tostring(err):find("read%-only"), err)
      local rs = hw.tree.redstone.left
      eq(require("system.util").type(rs), "devicetree")
      hw.call(rs, "setOutput", 4)
      local w = hw.wrap(rs)
      eq(w.output, 4)
      w.output = 6
      eq(hw.call("/redstone/left", "getOutput"), 6)
      eq(hw.tree.nothing, nil)
      eq(hw.hasType("/lo", "modem"), true)
      eq(hw.hasType(lo, "printer"), false)
      eq(hw.wrap("/nope"), nil)
      local mods = { hw.find("modem") }
      eq(#mods, 1)
      eq(hw.path(lo), "/lo")
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('monitor, printer, speaker and drive drivers', async () => {
    let world!: ReturnType<typeof newWorld>;
    const out = await lua(`
      local hw = require "system.hardware"
      sys.devlisten("/mon"); sys.devlisten("/spk"); sys.devlisten("/drv")
      local mon = hw.wrap("/mon")
      eq(mon.size.width, 29)
      mon.scale = 0.5
      local ev = pull("monitor_resize"); eq(ev.width, 58); eq(ev.height, 24)
      mon:write("hello\\nworld")
      local page = sys.devcall("/prn", "page")
      eq(sys.devcall("/prn", "page"), nil, "one page at a time")
      page:setTitle("T"); page:setCursor(2, 1); page:write("ab")
      eq(page:getCursor().x, 4)
      eq(page:close(), true)
      eq(hw.wrap("/prn").inkLevel, 63)
      eq(sys.devcall("/spk", "playNote", "harp", 1, 12), true)
      local samples = {} for i = 1, 4800 do samples[i] = 0 end
      eq(sys.devcall("/spk", "playAudio", samples), true)
      eq(sys.devcall("/spk", "playAudio", samples), false, "still playing")
      ev = pull("speaker_audio_empty"); eq(ev.device, "/spk")
      eq(math.floor(sys.uptime() * 10 + 0.5), 1, "100 ms of audio")
      eq(sys.devcall("/drv", "getState"), nil)
      ev = pull("disk"); eq(ev.device, "/drv")
      eq(sys.devcall("/drv", "getLabel"), "games")
      sys.devcall("/drv", "eject")
      ev = pull("disk_eject")
      fails("Permission denied", sys.devcall, "/", "reboot")
      print("ok")
    `, {
      user: 'guest',
      setup: (w) => {
        world = w;
        const c = w.computers.get(5)!;
        for (const [side, type] of [['mon', 'monitor'], ['prn', 'printer'], ['spk', 'speaker'], ['drv', 'drive']]) attachPeripheral(c, side, type);
        c.clock.setTimer(1000, () => insertDisk(devicesOf(c).byPath('/drv')!, { label: 'games' }));
      },
    });
    expect(out).toBe('ok\n');
    const tree = devicesOf(world.computers.get(5)!);
    expect(monitorText(tree.byPath('/mon')!)).toBe('hello\nworld');
    expect(printerState(tree.byPath('/prn')!).pages).toEqual([{ title: 'T', lines: [' ab', ...Array(20).fill('')] }]);
  });

  it('a monitor is a terminal: openterm, termctl, and stdout redirected to it', async () => {
    let world!: ReturnType<typeof newWorld>;
    const out = await lua(`
      local t = sys.devcall("/mon", "openterm")
      t:setCursorPos(1, 2) t:write("exclusive")
      eq(sys.devcall("/mon", "openterm"), t, "the same Terminal again")
      t:close()
      eq(sys.devcall("/mon", "termctl").echo, true)
      local pid = sys.fork(function() sys.stdout("/mon") print("printed on the monitor") end)
      repeat local e, p = coroutine.yield() until e == "process_complete"
      fails("Not a terminal device", sys.stdout, "/prn")
      print("ok")
    `, {
      setup: (w) => {
        world = w;
        const c = w.computers.get(5)!;
        attachPeripheral(c, 'mon', 'monitor');
        attachPeripheral(c, 'prn', 'printer');
      },
    });
    expect(out).toBe('ok\n');
    expect(monitorText(devicesOf(world.computers.get(5)!).byPath('/mon')!)).toBe('printed on the monitor');
  });

  it('the computer driver: label, reboot through the World, peripheral computers', async () => {
    const { world, c } = setupNet({}, { 1: {}, 2: {} });
    attachPeripheral(c(1), 'back', 'computer', [2]);
    const p = start(c(1), LUA_PRE + `
      sys.devcall("/", "setLabel", "alpha")
      eq(sys.devcall("/", "getLabel"), "alpha")
      eq(sys.devcall("/back", "getIsOn"), true)
      eq(sys.devcall("/back", "getID"), 2)
      sys.devcall("/back", "shutdown")
      util.sleep(0.1)
      eq(sys.devcall("/back", "getIsOn"), false)
      sys.devcall("/back", "turnOn")
      util.sleep(0.1)
      eq(sys.devcall("/back", "getIsOn"), true)
      print("ok")
    `);
    await runAll(world, [p]);
    expect(p.result()).toBe('ok\n');
    const before = c(2);
    const q = start(before, LUA_PRE + `sys.devcall("/", "reboot") while true do coroutine.yield() end`);
    await world.run({ until: () => c(2) !== before, forMs: 1000 });
    expect(q.done()).toBe(true);
    expect(c(2)).not.toBe(before);
    expect(c(2).halted).toBeNull();
    expect(c(1).label).toBe('alpha');
  });
});
