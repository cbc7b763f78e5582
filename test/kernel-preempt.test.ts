// Preemption and runaway programs (reference/phoenix.md §1.3 "Preemption",
// reference/ecosystem.md: the fengari hook patch, sort comparators, memory).
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runLua } from './helpers.js';
import { lines, luaRunner, LUA_PRELUDE } from './lua-prelude.js';

const lua = luaRunner();


afterAll(() => cleanupTempDirs());

describe('preemption', () => {
  it('a process spinning forever does not stop another from finishing', async () => {
    const r = await lua(`
      local spinner = sys("fork", function() while true do end end, "spin")
      local n = 0
      for i = 1, 300000 do n = n + 1 end
      print("main finished", n, sys("getpinfo", spinner).name)
      sys("kill", spinner, 9)
      print(waitfor(spinner).result)
    `);
    expect(r.stdout).toBe(lines('main finished\t300000\tspin', '137'));
  });

  it('the main thread spinning does not stop its own other threads (and vice versa)', async () => {
    const r = await lua(`
      done = false
      sys("newthread", function() done = true end)
      while not done do end
      print("thread ran while main spun")
      sys("newthread", function() while true do end end)
      for i = 1, 200000 do end
      print("main ran while thread spun")
      sys("exit", 0)
    `);
    expect(r.stdout).toBe(lines('thread ran while main spun', 'main ran while thread spun'));
  });

  it('is still preempted after pcall caught an error (fengari hook patch regression)', async () => {
    const r = await lua(`
      local spinner = sys("fork", function()
        print("caught", pcall(error, "x"))
        print("xpcall", xpcall(function() error("y", 0) end, function(m) return "handled " .. m end))
        while true do end
      end)
      local n = 0
      for i = 1, 300000 do n = n + 1 end
      print("main finished", n)
      sys("kill", spinner, 9)
      waitfor(spinner)
    `);
    expect(r.stdout).toBe(lines('caught\tfalse\tx', 'xpcall\tfalse\thandled y', 'main finished\t300000'));
  });

  it('the main thread of the program itself spinning after pcall is preempted', async () => {
    const r = await lua(`
      sys("newthread", function() while true do pcall(error, "z") end end)
      local n = 0
      for i = 1, 300000 do n = n + 1 end
      print("main done", n)
      sys("exit", 0)
    `);
    expect(r.stdout).toBe(lines('main done\t300000'));
  });

  it('a spinning user coroutine is preempted and its resume returns once, transparently', async () => {
    const r = await lua(`
      local other = 0
      sys("newthread", function() while true do other = other + 1 coroutine.yield("preempt") end end)
      local co = coroutine.create(function(a)
        local s = 0
        for i = 1, 1e6 do s = s + 1 end
        return s, a
      end)
      local before = other
      print("resume", coroutine.resume(co, "arg"))
      print("status", coroutine.status(co))
      print("other thread ran meanwhile", other > before)
      local w = coroutine.wrap(function() local s = 0 for i = 1, 1e6 do s = s + 1 end coroutine.yield(s) return "second" end)
      print("wrap", w(), w())
      sys("exit", 0)
    `);
    expect(r.stdout).toBe(lines(
      'resume\ttrue\t1000000\targ', 'status\tdead', 'other thread ran meanwhile\ttrue', 'wrap\t1000000\tsecond',
    ));
  });

  it('a coroutine preempted inside one thread\'s resume cannot be resumed by another', async () => {
    const r = await runLua(LUA_PRELUDE + `
      local co = coroutine.create(function()
        local s = 0
        for i = 1, 2e6 do s = s + 1 end
        return "co result", s
      end)
      local started = false
      sys("newthread", function()
        while not started do coroutine.yield("preempt") end
        print("B resume", coroutine.resume(co))
      end)
      coroutine.yield("preempt")
      started = true
      print("A resume", coroutine.resume(co))
      sys("exit", 0)
    `);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('A resume\ttrue\tco result\t2000000\n');
    expect(r.stdout).toContain('B resume\tfalse\tcannot resume non-suspended coroutine\n');
  });

  it('a preempted coroutine that yields values to its resumer keeps them in order', async () => {
    const r = await lua(`
      local co = coroutine.create(function()
        local s = 0
        for i = 1, 300000 do s = s + 1 if i % 100000 == 0 then coroutine.yield(i) end end
        return "end", s
      end)
      while true do
        local res = table.pack(coroutine.resume(co))
        print(table.unpack(res, 1, res.n))
        if coroutine.status(co) == "dead" then break end
      end
    `);
    expect(r.stdout).toBe(lines('true\t100000', 'true\t200000', 'true\t300000', 'true\tend\t300000'));
  });

  it('an endless table.sort comparator fails with "Too long without yielding"; the kernel survives', async () => {
    const r = await lua(`
      local t = {} for i = 1, 100 do t[i] = 101 - i end
      print("sort", pcall(table.sort, t, function(a, b) while true do end end))
      print("alive after sort", sys("getpid"))
      local u = {3, 1, 2}
      table.sort(u, function(a, b) return a < b end)
      print(table.concat(u, ","))
      local pid = sys("fork", function() table.sort({2, 1, 3}, function() while true do end end) end)
      local p = waitfor(pid)
      print(p.result, p.error)
    `);
    const out = r.stdout.split('\n');
    expect(out.slice(0, 3)).toEqual(['sort\tfalse\tToo long without yielding', 'alive after sort\t2', '1,2,3']);
    expect(out[3]).toMatch(/^1\t(.*: )?Too long without yielding$/);
  });

  it('other string.gsub/JS-called callbacks that spin are stopped too', async () => {
    const r = await lua(`
      print(pcall(string.gsub, "abc", "%w", function() while true do end end))
      print("alive")
    `);
    expect(r.stdout).toBe(lines('false\tToo long without yielding', 'alive'));
  });

  it('endless recursion is a "stack overflow" error for that program only', async () => {
    const r = await lua(`
      local function rec(n) return rec(n + 1) + 1 end
      local ok, err = pcall(rec, 1)
      print(ok, (tostring(err):gsub("^.-:%d+: ", "")))
      local pid = sys("fork", function() local function f() return 1 + f() end return f() end)
      local p = waitfor(pid)
      print(p.result, p.error:find("stack overflow", 1, true) ~= nil)
      print("parent fine", sys("getpid"))
    `);
    expect(r.stdout).toBe(lines('false\tstack overflow', '1\ttrue', 'parent fine\t2'));
  });

  it('a huge string.rep is an error, not a crash', async () => {
    const r = await lua(`
      print(pcall(string.rep, "x", 1e9))
      print(pcall(string.rep, "xx", 2^31))
      print(pcall(string.rep, "x", 1e8, ","))
      print(pcall(function() return ("x"):rep(1e10) end))
      print(#string.rep("ab", 1000, ","))
      print(string.rep("x", 0), string.rep("x", -1) == "")
    `);
    expect(r.stdout).toBe(lines(
      'false\tresulting string too large',
      'false\tresulting string too large',
      'false\tresulting string too large',
      'false\tresulting string too large',
      '2999',
      '\ttrue',
    ));
  });

  it('concatenation past the string limit is an error', async () => {
    const r = await lua(`
      local s = string.rep("x", 32 * 1024 * 1024)
      local ok, err = pcall(function() return s .. s .. s end)
      print(ok, type(err) == "string" and #err < 200)
      print("kernel alive", sys("getpid"))
    `);
    expect(r.stdout).toBe(lines('false\ttrue', 'kernel alive\t2'));
  });

  // The fengari patch appends in place to the latest concatenation result; no string may change.
  it('repeated appends keep every earlier string intact (in-place concatenation)', async () => {
    const r = await lua(`
      local s, kept = "", {}
      for i = 1, 3000 do
        s = s .. "x" .. (i % 10)
        if i % 250 == 0 then kept[#kept + 1] = s end
      end
      local fine = #s == 6000
      for k, v in ipairs(kept) do
        fine = fine and #v == 500 * k and v == s:sub(1, #v) and v:sub(-2) == "x0"
      end
      print("chain", fine)
      -- two builders interleaved, and a string appended to itself
      local a, b = ("a"):rep(100), ("b"):rep(100)
      for i = 1, 100 do a = a .. "1"; b = b .. "2" end
      print("interleaved", a == ("a"):rep(100) .. ("1"):rep(100), b == ("b"):rep(100) .. ("2"):rep(100))
      local c = ("c"):rep(70) .. "d"
      local twice = c .. c
      local e = c .. "e"
      local f = c .. "f"
      print("branches", twice == ("c"):rep(70) .. "d" .. ("c"):rep(70) .. "d", e == ("c"):rep(70) .. "de", f == ("c"):rep(70) .. "df")
      local g = ("g"):rep(70) .. "1"
      g = g .. "2"
      g = g .. "3" -- g now has spare room after it
      local y = g .. "y"
      local z = g .. "z"
      print("forks", y:sub(-2), z:sub(-2), #y, #z)
      -- appended strings are ordinary strings: table keys, comparisons, patterns
      local t = { [e] = 1 }
      print("keys", t[("c"):rep(70) .. "de"], e < f, (e:find("de$")))
      -- a string kept by the kernel (an event parameter) is not changed by later appends
      local base = ("z"):rep(80)
      local sent = base .. "1"
      sys("sendEvent", sys("getpid"), "keep", sent)
      local later = sent .. "2"
      local ev, params = coroutine.yield()
      print("event", ev, params.type, params.data == base .. "1", later == base .. "12")
    `);
    expect(r.stdout).toBe(lines(
      'chain\ttrue',
      'interleaved\ttrue\ttrue',
      'branches\ttrue\ttrue\ttrue',
      'forks\t3y\t3z\t74\t74',
      'keys\t1\ttrue\t71',
      'event\tremote_event\tkeep\ttrue\ttrue',
    ));
  });

  it('nice 20 gives a process about a hundredth of the CPU of nice 0 (quantum × 10^(−level/10))', async () => {
    const r = await lua(`
      local me = sys("getpid")
      local function spinner()
        n = 0
        sys("signal", 10, function() sys("sendEvent", me, "count", n) end)
        while true do n = n + 1 end
      end
      local a = sys("fork", spinner, "normal")
      local b = sys("fork", spinner, "nice")
      sys("nice", 20, b)
      for i = 1, 50 do coroutine.yield("preempt") end
      sys("kill", a, 10) sys("kill", b, 10)
      local counts = {}
      while not (counts[a] and counts[b]) do
        local e, p = coroutine.yield()
        if e == "remote_event" then counts[p.sender] = p.data end
      end
      print(counts[a] > 0 and counts[b] > 0, counts[a] / counts[b] > 50, counts[a] / counts[b] < 200)
      sys("kill", a, 9) sys("kill", b, 9)
      waitfor(a) waitfor(b)
    `);
    expect(r.stdout).toBe(lines('true\ttrue\ttrue'));
  });

  it('nice changes the time slice without breaking preemption', async () => {
    const r = await lua(`
      local pid = sys("fork", function() while true do end end)
      sys("nice", 20, pid)
      sys("nice", -20)
      for i = 1, 200000 do end
      print("niced", sys("getpinfo", pid).nice, sys("getpinfo", sys("getpid")).nice)
      sys("kill", pid, 9)
      waitfor(pid)
    `);
    expect(r.stdout).toBe(lines('niced\t20\t-20'));
  });
});
