// Miscellaneous syscalls (reference/phoenix.md §2.5) and the sandboxed Lua
// standard library: time, dates, random numbers, load, removed functions.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, newWorld, runLua, tempDataDir } from './helpers.js';
import { World } from '../kernel/world.js';
import { lines, luaRunner } from './lua-prelude.js';

const lua = luaRunner();


afterAll(() => cleanupTempDirs());

describe('system information', () => {
  it('version, version(true), cchost', async () => {
    const r = await lua(`
      print(sys("version"))
      print(sys("version", true))
      print(sys("cchost"))
      print(try("version", "yes"))
    `);
    expect(r.stdout).toBe(lines(
      '0.0.9', 'cinder 0.1.0 (Phoenix 0.0.9 compatible)', 'ComputerCraft 1.113.0 (cinder 0.1.0)',
      "false\tbad argument #1 to 'version' (boolean expected, got string)",
    ));
  });

  it('uptime starts at 0 and follows the virtual clock', async () => {
    const r = await lua(`
      print(sys("uptime"))
      sys("timer", 1.5)
      coroutine.yield()
      print(sys("uptime"))
    `);
    expect(r.stdout).toBe(lines('0', '1.5'));
  });

  it('kernargs returns a copy of the kernel arguments', async () => {
    const r = await lua(`
      local k = sys("kernargs")
      print(k.init, k.quantum, k.custom)
      k.init = "changed"
      print(sys("kernargs").init)
    `, { kernargs: { custom: 'yes' } });
    expect(r.stdout).toBe(lines('/rom/sbin/init.lua\t20000\tyes', '/rom/sbin/init.lua'));
  });

  it('computers in one world are isolated from each other', async () => {
    const world = newWorld(3);
    const a = await lua('leak = "from 0" string.leak = 1 print(sys("getcomputerid"), sys("getpid"))', { world, computerId: 0 });
    const b = await lua('print(sys("getcomputerid"), sys("getpid"), leak, string.leak)', { world, computerId: 1 });
    expect(a.stdout).toBe(lines('0\t2'));
    expect(b.stdout).toBe(lines('1\t2\tnil\tnil'));
    expect(a.computer).not.toBe(b.computer);
  });

  it('getcomputerid gives the computer ID', async () => {
    const r = await lua('print(sys("getcomputerid"))', { computerId: 12 });
    expect(r.stdout).toBe(lines('12'));
  });
});

describe('the World on a real clock', () => {
  it('wakes for due timers, and a finished run leaves no host timer behind', async () => {
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const world = new World({ dataDir: tempDataDir(), clock: 'real' });
    const r = await runLua(`
      local util = require "system.util"
      local t0 = os.epoch("utc")
      util.sleep(0.03)
      util.sleep(0.01)
      print(os.epoch("utc") - t0 >= 40)
    `, { world });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('true\n');
    // A program waits for an event with a timer an hour away; the run ends from outside.
    const before = timeouts();
    r.computer.vfs.writeFile({ user: 'root' }, '/tmp/wait.lua', 'require("system.util").timer(3600) coroutine.yield()');
    r.computer.spawn('/tmp/wait.lua', []);
    let stop = false;
    setTimeout(() => { stop = true; world.wake(); }, 30);
    expect(await world.run({ until: () => stop })).toBe('done');
    expect(timeouts()).toBeLessThanOrEqual(before);
    world.shutdown();
  });
});

describe('time and dates', () => {
  it('os.time, os.epoch and os.clock are deterministic on the virtual clock', async () => {
    const r = await lua(`
      print(os.time(), math.type(os.time()))
      print(os.epoch("utc"), math.type(os.epoch("utc")))
      print(os.epoch("utc") == os.epoch("local"))
      print(math.type(os.epoch()), os.epoch("ingame") == os.epoch())
      print(os.time({year = 2026, month = 1, day = 1, hour = 0}))
      print(os.time({year = 2000, month = 3, day = 1, hour = 12, min = 30, sec = 15}))
      print(type(os.clock()))
      sys("timer", 10)
      coroutine.yield()
      print(os.time(), os.epoch("utc"))
    `);
    expect(r.stdout).toBe(lines(
      '1767225600\tinteger', '1767225600000.0\tfloat', 'true', 'float\ttrue', '1767225600', '951913815', 'number',
      '1767225610\t1767225610000.0',
    ));
  });

  it('os.time rejects a bad argument', async () => {
    const r = await lua(`
      print(pcall(os.time, "x"))
      print(pcall(os.time, {year = 2000}))
    `);
    expect(r.stdout).toBe(lines(
      "false\tbad argument #1 to 'time' (table expected, got string)",
      "false\tfield 'day' missing in date table",
    ));
  });

  it('os.date("!*t") gives the UTC date table', async () => {
    const r = await lua(`
      local t = os.date("!*t")
      print(t.year, t.month, t.day, t.hour, t.min, t.sec)
    `);
    expect(r.stdout).toBe(lines('2026\t1\t1\t0\t0\t0'));
  });

  it('os.date formats in UTC with and without "!"', async () => {
    const r = await lua(`
      print(os.date("!%Y"))
      print(os.date("%Y-%m-%d %H:%M:%S"))
      print(os.date("!%H:%M", 3600 * 5 + 60 * 7))
    `);
    expect(r.stdout).toBe(lines('2026', '2026-01-01 00:00:00', '05:07'));
  });
});

describe('random numbers', () => {
  const SRC = `
    local t = {}
    for i = 1, 5 do t[#t + 1] = math.random(1000) end
    t[#t + 1] = string.format("%.6f", math.random())
    t[#t + 1] = math.random(5, 7)
    print(table.concat(t, ","))
  `;

  it('the same seed gives the same sequence; another seed differs', async () => {
    const a = await lua(SRC, { seed: 1 });
    const b = await lua(SRC, { seed: 1 });
    const c = await lua(SRC, { seed: 2 });
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    const nums = a.stdout.trim().split(',').map(Number);
    expect(nums.slice(0, 5).every((n) => Number.isInteger(n) && n >= 1 && n <= 1000)).toBe(true);
    expect(nums[5]).toBeGreaterThanOrEqual(0);
    expect(nums[5]).toBeLessThan(1);
    expect([5, 6, 7]).toContain(nums[6]);
  });

  it('math.random ranges and errors', async () => {
    const r = await lua(`
      local ok = true
      for i = 1, 200 do
        local x = math.random(3)
        local y = math.random(-2, 2)
        if x < 1 or x > 3 or math.type(x) ~= "integer" or y < -2 or y > 2 then ok = false end
      end
      print(ok)
      print(pcall(math.random, 5, 1))
      print(select("#", math.randomseed(42)))
    `);
    expect(r.stdout).toBe(lines('true', "false\tbad argument #2 to 'random' (interval is empty)", '0'));
  });

  it('math.random(0) reports argument #1', async () => {
    const r = await lua('print(pcall(math.random, 0))');
    expect(r.stdout).toBe(lines("false\tbad argument #1 to 'random' (interval is empty)"));
  });
});

describe('the Lua sandbox', () => {
  it('load refuses binary chunks; text chunks work with an env', async () => {
    const r = await lua(`
      print(load(string.dump(function() return 1 end)))
      print(load("return 1 + 1")())
      print(load("return x", "chunk", "t", {x = 5})())
      print(load(function() return nil end))
      local parts = {"return ", "'pie", "ces'"}
      print(load(function() return table.remove(parts, 1) end)())
      print(load("syntax error here"))
    `);
    expect(r.stdout).toBe(lines(
      "nil\tattempt to load a binary chunk (mode is 't')",
      '2', '5', 'function: builtin', 'pieces',
      `nil\t[string "syntax error here"]:1: syntax error near 'error'`,
    ).replace('function: builtin', r.stdout.split('\n')[3]));
    expect(r.stdout.split('\n')[3]).toMatch(/^function: /);
  });

  it('load with mode "b" refuses a text chunk', async () => {
    const r = await lua(`print(load("return 1", "c", "b"))`);
    expect(r.stdout).toBe(lines(`nil\tattempt to load a text chunk (mode is 'b')`));
  });

  it('dofile/loadfile refuse binary files', async () => {
    const r = await lua(`
      local f = sys("open", "/tmp/bin.lua", "w") f.write(string.dump(function() return 1 end)) f.close()
      print(loadfile("/tmp/bin.lua"))
      print(pcall(dofile, "/tmp/bin.lua"))
    `);
    expect(r.stdout).toBe(lines(
      "nil\tattempt to load a binary chunk (mode is 't')",
      "false\tattempt to load a binary chunk (mode is 't')",
    ));
  });

  it('host and VM escape hatches are absent', async () => {
    const r = await lua(`
      print(io.popen, debug.sethook, debug.getregistry, debug.setupvalue, debug.upvaluejoin, debug.setlocal)
      print(package.loadlib, package.jspath, package.cpath, package.searchers[3])
      print(rawget(_G, "js"), rawget(_G, "fengari"), rawget(_G, "loadstring"), rawget(_G, "setfenv"))
      local ok, err = pcall(require, "js")
      print(ok, (err:match("^module 'js' not found")))
      print(pcall(require, "fengari") == false)
      print(os.execute(), os.execute("exit 5"))
    `);
    expect(r.stdout).toBe(lines(
      'nil\tnil\tnil\tnil\tnil\tnil',
      'nil\tnil\tnil\tnil',
      'nil\tnil\tnil\tnil',
      "false\tmodule 'js' not found",
      'true',
      // os.execute runs cinder's own shell inside the computer, never a host command.
      'true\tnil\texit\t5',
    ));
  });

  it('the debug library left to programs is safe and works', async () => {
    const r = await lua(`
      local keys = {}
      for k in pairs(debug) do keys[#keys + 1] = k end
      table.sort(keys)
      print(table.concat(keys, ","))
      print(debug.getinfo(1, "S").short_src ~= nil, type(debug.traceback("x")))
      print(debug.getmetatable("").__index == string)
    `);
    expect(r.stdout).toBe(lines('getinfo,getmetatable,traceback', 'true\tstring', 'true'));
  });

  it('collectgarbage, if present, does not disturb the kernel', async () => {
    const r = await lua(`
      if collectgarbage then
        collectgarbage()
        collectgarbage("collect")
        print(type(collectgarbage("count")))
        pcall(collectgarbage, "stop")
        pcall(collectgarbage, "bogus")
      else
        print("number")
      end
      local t = {}
      for i = 1, 10000 do t[i] = {i} end
      t = nil
      print("alive", sys("getpid"))
    `);
    expect(r.stdout).toBe(lines('number', 'alive\t2'));
  });

  it('os.exit(true) and os.exit(false) exit with 0 and 1', async () => {
    const ok = await runLua('os.exit(true)');
    const bad = await runLua('os.exit(false)');
    expect([ok.code, ok.completion?.error, bad.code, bad.completion?.error]).toEqual([0, undefined, 1, undefined]);
  });

  it('values keep their shape through events (cycles, sharing, functions, bytes, key types)', async () => {
    const r = await lua(`
      local f = function() return "fn" end
      local cyc = {name = "cyc"} cyc.self = cyc
      local shared = {1}
      sys("queueEvent", "v", {1, 3.5, "s", [true] = "bool", [2.5] = "fk", bin = string.char(0, 255, 128),
        fn = f, cyc = cyc, a = shared, b = shared, big = 2^40, neg = -0.0})
      local e, p = coroutine.yield()
      print(p[1], math.type(p[1]), p[2], p[3], p[true], p[2.5], #p.bin, p.bin:byte(1, -1))
      print(p.fn == f, p.fn(), p.cyc.self == p.cyc, p.cyc.name, p.a == p.b, p.big, p.neg)
    `);
    expect(r.stdout).toBe(lines(
      '1	integer	3.5	s	bool	fk	3	0	255	128',
      'true	fn	true	cyc	true	1099511627776.0	-0.0',
    ));
  });

  // BUG (minor): integral floats become integers when they cross the kernel
  // (event params, syscall arguments and results). Input: queueEvent("v", {2.0}).
  // Expected: math.type(p[1]) == "float" and it prints "2.0". Actual: "integer",
  // "2" (values are JS numbers in between; pushLua pushes integral numbers as
  // integers).
  it('integral floats stay floats in tables copied through events', async () => {
    const r = await lua(`
      sys("queueEvent", "v", {2.0, 3, x = -0.0, n = { 1e3, 7 }, f = 2.5})
      local e, p = coroutine.yield()
      print(p[1], math.type(p[1]), math.type(p[2]), p.x, math.type(p.x), p.n[1], math.type(p.n[2]), p.f)
      sys("sendEvent", sys("getpid"), "data", { 4.0, big = 2^40 })
      local _, q = coroutine.yield()
      print(q.data[1], math.type(q.data[1]), math.type(q.data.big), math.type(q.sender))
    `);
    expect(r.stdout).toBe(lines(
      '2.0\tfloat\tinteger\t-0.0\tfloat\t1000.0\tinteger\t2.5',
      '4.0\tfloat\tfloat\tinteger',
    ));
  });

  it('each process gets its own copies of the standard libraries', async () => {
    const r = await lua(`
      math.pi = 3
      table.insert = nil
      os.getenv = nil
      local pid = sys("fork", function() print(math.pi > 3, type(table.insert), type(os.getenv), package.loaded.math == math) end)
      repeat local e = coroutine.yield() until e == "process_complete"
    `);
    expect(r.stdout).toBe(lines('true\tfunction\tfunction\ttrue'));
  });

  it('require loads modules from package.path and caches them', async () => {
    const r = await lua(`
      local f = sys("open", "/lib/mymod.lua", "w")
      f.write("count = (count or 0) + 1 return {name = ..., n = count}")
      f.close()
      local m = require("mymod")
      print(m.name, m.n, require("mymod") == m, package.loaded.mymod == m)
      print(pcall(require, "nope.missing"))
    `);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('mymod\t1\ttrue\ttrue');
    expect(out.slice(1).join('\n')).toMatch(/^false\tmodule 'nope\.missing' not found:\n\tno field package\.preload\['nope\.missing'\]\n\tno file '\/lib\/nope\/missing\.lua'/);
  });
});

describe('os.execute', () => {
  it('runs a command with the shell and returns its status', async () => {
    const r = await runLua(`
      print(os.execute())
      print(os.execute("echo from the shell"))
      print(os.execute("exit 3"))
      print(os.execute("no-such-command-here 2>/dev/null"))`);
    expect(r.stdout).toBe('true\nfrom the shell\ntrue\texit\t0\nnil\texit\t3\nnil\texit\t127\n');
  });
});
