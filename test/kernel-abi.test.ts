// The syscall ABI (reference/phoenix.md §1.4, §1.5) and syscalls made from
// inside user coroutines, as Lua programs in a headless computer see them.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from './helpers.js';
import { lines, luaRunner } from './lua-prelude.js';

const lua = luaRunner();


afterAll(() => cleanupTempDirs());

describe('syscall ABI', () => {
  it('returns (true, results...) and (false, "No such syscall")', async () => {
    const r = await lua(`
      print(try("getpid"))
      print(select("#", try("getpid")))
      print(try("no_such_call"))
      print(try("__private_thing", 1, 2))
      print(try("getcwd"))
    `);
    expect(r.stdout).toBe(lines('true\t2', '2', 'false\tNo such syscall', 'false\tNo such syscall', 'true\t/'));
  });

  it('bad argument types give a message and the program carries on', async () => {
    const r = await lua(`
      print(try("chdir", 5))
      print(try("open", {}))
      print(try("timer"))
      print(try("timer", "soon"))
      print(try("kill", 1))
      print(try("fork", "notafunction"))
      print(try("sendEvent", "x", "y"))
      print(try("lockmutex", "m"))
      print(try("signal", "x"))
      print(try("read", "x"))
      print(try("exec", 5))
      print("still running", sys("getpid"))
    `);
    expect(r.stdout).toBe(lines(
      "false\tbad argument #1 to 'chdir' (string expected, got number)",
      "false\tbad argument #1 to 'open' (string expected, got table)",
      "false\tbad argument #1 to 'timer' (number expected, got no value)",
      "false\tbad argument #1 to 'timer' (number expected, got string)",
      "false\tbad argument #2 to 'kill' (number expected, got no value)",
      "false\tbad argument #1 to 'fork' (function expected, got string)",
      "false\tbad argument #1 to 'sendEvent' (number expected, got string)",
      "false\tbad argument #1 to 'lockmutex' (table expected, got string)",
      "false\tbad argument #1 to 'signal' (number expected, got string)",
      "false\tbad argument #1 to 'read' (number expected, got string)",
      "false\tbad argument #1 to 'exec' (string expected, got number)",
      'still running\t2',
    ));
  });

  it('a syscall failure raised by a wrapper is an ordinary Lua error', async () => {
    const r = await lua(`
      local ok, err = pcall(sys, "kill", 12345, 15)
      print(ok, err)
    `);
    expect(r.stdout).toBe(lines('false\tNo such process'));
  });

  it('a bare coroutine.yield() waits for an event and returns (name, params)', async () => {
    const r = await lua(`
      sys("queueEvent", "hello", {a = 1, b = "two"})
      local name, params = coroutine.yield()
      print(name, type(params), params.a, params.b)
      sys("queueEvent", "bare")
      local n2, p2 = coroutine.yield()
      print(n2, type(p2), next(p2))
      local t = sys("timer", 0.5)
      local n3, p3 = coroutine.yield()
      print(n3, p3.id == t)
    `);
    expect(r.stdout).toBe(lines('hello\ttable\t1\ttwo', 'bare\ttable\tnil', 'timer\ttrue'));
  });

  it('coroutine.yield("preempt") gives up the time slice and returns nothing', async () => {
    const r = await lua(`
      local order = {}
      sys("newthread", function() order[#order + 1] = "thread" end)
      local n = 0
      while #order == 0 do
        print(select("#", coroutine.yield("preempt")))
        n = n + 1
      end
      order[#order + 1] = "main"
      print(table.concat(order, ","), n >= 1)
    `);
    const out = r.stdout.split('\n');
    expect(out.slice(0, -2).every((l) => l === '0')).toBe(true);
    expect(out.at(-2)).toBe('thread,main\ttrue');
  });

  it('a syscall yield without a name fails at once', async () => {
    const r = await lua(`
      local pid = sys("fork", function() print("result", coroutine.yield("syscall")) end)
      sys("timer", 1)
      while true do
        local e, q = coroutine.yield()
        if e == "timer" then print("still waiting") sys("kill", pid, 9) break end
        if e == "process_complete" then break end
      end
    `);
    expect(r.stdout).toMatch(/^result\tfalse\t/);
  });

  it('secure_syscall works like syscall, also from inside a user coroutine', async () => {
    const r = await lua(`
      print(coroutine.yield("secure_syscall", "getpid"))
      local co = coroutine.create(function() return coroutine.yield("secure_syscall", "getpid") end)
      print(coroutine.resume(co))
    `);
    expect(r.stdout).toBe(lines('true\t2', 'true\ttrue\t2'));
  });

  it('secure_event yields pass through user coroutines to the kernel', async () => {
    const r = await lua(`
      sys("queueEvent", "se", {x = 1})
      local co = coroutine.create(function() local e, p = coroutine.yield("secure_event") return e, p.x end)
      print(coroutine.resume(co))
    `);
    expect(r.stdout).toBe(lines('true\tse\t1'));
  });

  it('an explicit "preempt" yield in a user coroutine is forwarded like the hook\'s', async () => {
    const r = await lua(`
      local co = coroutine.create(function() local x = coroutine.yield("preempt") return "after", x end)
      print(coroutine.resume(co))
    `);
    expect(r.stdout).toBe(lines('true\tafter\tnil'));
  });

  it('the program\'s arguments arrive as ... and arg', async () => {
    const r = await lua(`
      print(select("#", ...), ...)
      print(arg[0], arg[1], arg[2], #arg)
    `, { args: ['one', 2], path: '/tmp/args.lua' });
    expect(r.stdout).toBe(lines('2\tone\t2', '/tmp/args.lua\tone\t2\t2'));
  });
});

describe('coroutines and syscalls', () => {
  it('syscalls, including blocking ones, work inside coroutine.resume', async () => {
    const r = await lua(`
      local co = coroutine.create(function(a)
        print("in co", sys("getpid"), a)
        print("readline", sys("readline"))
        print("read", sys("read", 3))
        local x = coroutine.yield("user", 1)
        print("resumed with", x)
        local pid = sys("fork", function() while true do coroutine.yield() end end)
        sys("kill", pid, 15)
        print("kill again", try("kill", pid, 15))
        return "fin"
      end)
      print("r1", coroutine.resume(co, "A"))
      print("r2", coroutine.resume(co, "B"))
      print("r3", coroutine.resume(co))
      print(coroutine.status(co))
    `, { stdin: 'first line\nsecond\n' });
    expect(r.stdout).toBe(lines(
      'in co\t2\tA', 'readline\tfirst line', 'read\tsec', 'r1\ttrue\tuser\t1',
      'resumed with\tB', 'kill again\tfalse\tNo such process', 'r2\ttrue\tfin',
      'r3\tfalse\tcannot resume dead coroutine', 'dead',
    ));
  });

  it('syscalls work inside coroutine.wrap, and exec errors come back', async () => {
    const r = await lua(`
      local w = coroutine.wrap(function()
        print("line", sys("readline"))
        print("eof", sys("readline"))
        local ok, err = pcall(sys, "exec", "/nonexistent")
        print("exec", ok, err)
        coroutine.yield("first")
        return "second"
      end)
      print(w())
      print(w())
    `, { stdin: 'only\n' });
    expect(r.stdout).toBe(lines(
      'line\tonly', 'eof\tnil', 'exec\tfalse\t/nonexistent: No such file or directory', 'first', 'second',
    ));
  });

  it('errors propagate out of coroutine.wrap (strings get a position, tables are kept)', async () => {
    const r = await lua(`
      local w = coroutine.wrap(function() error("boom") end)
      print(pcall(w))
      local w0 = coroutine.wrap(function() error("plain", 0) end)
      print(pcall(w0))
      local w2 = coroutine.wrap(function() error({code = 7}) end)
      local ok, e = pcall(w2)
      print(ok, type(e), e.code)
      local w3 = coroutine.wrap(function() return 1 end)
      w3()
      print(pcall(w3))
    `);
    const out = r.stdout.split('\n');
    expect(out[0]).toMatch(/^false\t\/tmp\/[^:]+\.lua:\d+: boom$/);
    expect(out.slice(1).join('\n')).toBe(lines('false\tplain', 'false\ttable\t7', 'false\tcannot resume dead coroutine'));
  });

  it('nested wraps pass user yields to their own resumer and syscalls to the kernel', async () => {
    const r = await lua(`
      local outer = coroutine.wrap(function()
        local inner = coroutine.wrap(function()
          local p = sys("getpid")
          coroutine.yield(p)
          return "inner2"
        end)
        print("inner first", inner())
        print("inner second", inner())
        coroutine.yield("outer1")
        return "outer done"
      end)
      print(outer())
      print(outer())
      print(coroutine.isyieldable(), coroutine.status(coroutine.running()))
    `);
    expect(r.stdout).toBe(lines('inner first\t2', 'inner second\tinner2', 'outer1', 'outer done', 'true\trunning'));
  });

  it('coroutine.resume of a kernel thread is refused', async () => {
    const r = await lua(`
      print(coroutine.resume(coroutine.running()))
      local other
      sys("newthread", function() other = coroutine.running() coroutine.yield() end)
      while not other do coroutine.yield("preempt") end
      print(type(other), coroutine.resume(other))
      print(coroutine.status(other))
      local w = coroutine.wrap(function() return coroutine.resume(other) end)
      print(w())
      sys("exit", 0)
    `);
    expect(r.stdout).toBe(lines(
      'false\tcannot resume a kernel thread',
      'thread\tfalse\tcannot resume a kernel thread',
      'suspended',
      'false\tcannot resume a kernel thread',
    ));
  });

  it('user-level yields and resumes pass values both ways', async () => {
    const r = await lua(`
      local co = coroutine.create(function(...)
        local got = table.pack(...)
        while true do
          got = table.pack(coroutine.yield(got.n, table.unpack(got, 1, got.n)))
          if got[1] == "stop" then return "stopped" end
        end
      end)
      print(coroutine.resume(co, 1, nil, 3))
      print(coroutine.resume(co))
      print(coroutine.resume(co, "a", "b"))
      print(coroutine.resume(co, "stop"))
    `);
    expect(r.stdout).toBe(lines('true\t3\t1\tnil\t3', 'true\t0', 'true\t2\ta\tb', 'true\tstopped'));
  });
});
