// Events, IPC, timers and signals (reference/phoenix.md §1.6–1.8, §2.2, §5.2).
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runLua } from './helpers.js';
import { lines, luaRunner } from './lua-prelude.js';

const lua = luaRunner(`
local me = sys("getpid")
-- Children call ready() once set up; the parent waits with awaitReady().
local function ready() sys("sendEvent", me, "ready") end
local function awaitReady() repeat local e = coroutine.yield() until e == "remote_event" end
`);


afterAll(() => cleanupTempDirs());

describe('event queue', () => {
  it('queueEvent is FIFO; peekEvent returns the head without removing it', async () => {
    const r = await lua(`
      print("empty", select("#", try("peekEvent")), try("peekEvent"))
      sys("queueEvent", "first", {n = 1})
      sys("queueEvent", "second", {n = 2})
      local n, p = sys("peekEvent")
      print("peek", n, p.n)
      n, p = sys("peekEvent")
      print("peek again", n, p.n)
      local e, q = coroutine.yield() print("got", e, q.n)
      n, p = sys("peekEvent") print("peek", n, p.n)
      e, q = coroutine.yield() print("got", e, q.n)
      print(try("queueEvent", 5))
    `);
    expect(r.stdout).toBe(lines(
      'empty\t1\ttrue', 'peek\tfirst\t1', 'peek again\tfirst\t1', 'got\tfirst\t1', 'peek\tsecond\t2', 'got\tsecond\t2',
      "false\tbad argument #1 to 'queueEvent' (string expected, got number)",
    ));
  });

  it('a full queue (4096 events) drops the oldest', async () => {
    const r = await lua(`
      for i = 1, 5000 do sys("queueEvent", "e", {i = i}) end
      local _, p = coroutine.yield()
      print("first kept", p.i)
      sys("queueEvent", "end")
      local n = 1
      while true do local e = coroutine.yield() if e == "end" then break end n = n + 1 end
      print("kept", n)
    `);
    expect(r.stdout).toBe(lines('first kept\t905', 'kept\t4096'));
  });

  it('event parameters are copied for each receiving thread', async () => {
    const r = await lua(`
      local t = {x = 1}
      sys("queueEvent", "e", t)
      local _, p = coroutine.yield()
      print(p == t, p.x)
    `);
    expect(r.stdout).toBe(lines('false\t1'));
  });

  it('sendEvent delivers remote_event {sender, type, data}; false for an unknown pid', async () => {
    const r = await lua(`
      print("unknown", sys("sendEvent", 999, "x", 1))
      print("kernel", sys("sendEvent", 0, "x", 1))
      local child = sys("fork", function()
        ready()
        local e, p = coroutine.yield()
        print("child got", e, p.sender, p.type, p.data.a, p.data.list[2])
        sys("sendEvent", p.sender, "reply", "pong")
      end)
      awaitReady()
      print("send", sys("sendEvent", child, "ping", {a = "b", list = {1, 2}}))
      local e, p = coroutine.yield()
      print(e, p.sender == child, p.type, p.data)
      waitfor(child)
      print("after exit", sys("sendEvent", child, "x"))
    `);
    expect(r.stdout).toBe(lines(
      'unknown\tfalse', 'kernel\tfalse', 'send\ttrue', 'child got\tremote_event\t2\tping\tb\t2',
      'remote_event\ttrue\treply\tpong', 'after exit\tfalse',
    ));
  });

  it('register and lookup; a name is released when its process ends', async () => {
    const r = await lua(`
      print(sys("register", "svc"), sys("lookup", "svc"), sys("lookup", "none"))
      local child = sys("fork", function()
        print("child", sys("register", "svc"), sys("register", "svc2"), sys("lookup", "svc2") == sys("getpid"))
      end)
      waitfor(child)
      print("released", sys("lookup", "svc2"), sys("lookup", "svc"))
      print(try("register"))
    `);
    expect(r.stdout).toBe(lines(
      'true\t2\tnil', 'child\tfalse\ttrue\ttrue', 'released\tnil\t2',
      "false\tbad argument #1 to 'register' (string expected, got no value)",
    ));
  });
});

describe('timers and alarms', () => {
  it('timers fire in order of their due time; cancel removes one', async () => {
    const r = await lua(`
      local t0 = sys("uptime")
      local a = sys("timer", 2)
      local b = sys("timer", 1)
      local c = sys("timer", 3)
      local d = sys("timer", 1)
      sys("cancel", c)
      print("cancel again", try("cancel", c))
      print("distinct", a ~= b and b ~= c and c ~= d)
      local order = {}
      for i = 1, 3 do
        local e, p = coroutine.yield()
        local name = p.id == a and "a" or p.id == b and "b" or p.id == d and "d" or "?"
        order[#order + 1] = e .. ":" .. name .. "@" .. (sys("uptime") - t0)
      end
      print(table.concat(order, " "))
      local z = sys("timer", 0)
      local e, p = coroutine.yield()
      print(e, p.id == z, sys("uptime") - t0)
      local neg = sys("timer", -5)
      e, p = coroutine.yield()
      print(e, p.id == neg)
    `);
    expect(r.stdout).toBe(lines(
      'cancel again\tfalse\tNo such timer', 'distinct\ttrue', 'timer:b@1 timer:d@1 timer:a@2', 'timer\ttrue\t2', 'timer\ttrue',
    ));
  });

  it('a timer of another process cannot be cancelled ("No such timer")', async () => {
    const r = await lua(`
      local tid = sys("timer", 5)
      local child = sys("fork", function() print("child cancel", try("cancel", tid)) end)
      waitfor(child)
      local e, p = coroutine.yield()
      print(e, p.id == tid)
    `);
    expect(r.stdout).toBe(lines('child cancel\tfalse\tNo such timer', 'timer\ttrue'));
  });

  it('a one-hour timer completes at once on the virtual clock, and uptime advances 3600 s', async () => {
    const started = Date.now();
    const r = await lua(`
      local t0 = sys("uptime")
      local e0 = os.epoch("utc")
      local id = sys("timer", 3600)
      local e, p = coroutine.yield()
      print(e, p.id == id, sys("uptime") - t0, (os.epoch("utc") - e0) / 1000)
    `, { forMs: 2 * 3600_000 });
    expect(r.stdout).toBe(lines('timer\ttrue\t3600\t3600.0'));
    expect(r.computer.clock.now()).toBe(3600_000);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a program waiting past the run limit times out without consuming real time', async () => {
    const r = await runLua('coroutine.yield("syscall", "timer", 7200) coroutine.yield() print("late")', { forMs: 60_000 });
    expect(r.result).toBe('timeout');
    expect(r.completion).toBeNull();
    expect(r.stdout).toBe('');
  });

  it('alarm fires at the in-game time of day; cancel knows alarms', async () => {
    const r = await lua(`
      local now = os.epoch("ingame") / 3600000
      local t0 = sys("uptime")
      local al = sys("alarm", 12)
      local tm = sys("timer", 1)
      print("ids differ", al ~= tm)
      local e, p = coroutine.yield()
      print(e, p.id == tm)
      e, p = coroutine.yield()
      print(e, p.id == al, math.floor((sys("uptime") - t0) + 0.5) == math.floor((12 - now) * 50 + 0.5))
      print(math.floor(os.epoch("ingame") / 3600000 + 0.5))
      print(try("alarm", 25))
      print(try("alarm", -1))
      local al2 = sys("alarm", 20)
      print(try("cancel", al2))
      print(try("cancel", al2))
      sys("exit", 0)
    `, { forMs: 3600_000 });
    expect(r.stdout).toBe(lines(
      'ids differ\ttrue', 'timer\ttrue', 'alarm\ttrue\ttrue', '12',
      "false\tbad argument #1 to 'alarm' (time out of range)",
      "false\tbad argument #1 to 'alarm' (time out of range)",
      'true', 'false\tNo such alarm',
    ));
  });

  it('timers of an ended process are dropped', async () => {
    const r = await lua(`
      local child = sys("fork", function() sys("timer", 100) end)
      waitfor(child)
      local t = sys("timer", 200)
      local e, p = coroutine.yield()
      print(e, p.id == t)
    `);
    expect(r.stdout).toBe(lines('timer\ttrue'));
  });
});

describe('signals', () => {
  it('default actions: 1, 2, 3, 6, 13, 15 terminate; 10, 12, 18 are ignored but visible', async () => {
    const r = await lua(`
      for _, sig in ipairs({1, 2, 3, 6, 13, 15}) do
        local pid = sys("fork", function() ready() while true do coroutine.yield() end end)
        awaitReady()
        sys("kill", pid, sig)
        print(sig, dump(waitfor(pid)))
      end
      for _, sig in ipairs({10, 12, 18}) do
        local pid = sys("fork", function()
          ready()
          local e, p = coroutine.yield()
          return e, p.signal
        end)
        awaitReady()
        sys("kill", pid, sig)
        local p = waitfor(pid)
        print(sig, p.result, p[1], p[2])
      end
    `);
    expect(r.stdout).toBe(lines(
      '1\tid=3,n=0,pid=3,result=129,signal=1,thread=0',
      '2\tid=4,n=0,pid=4,result=130,signal=2,thread=0',
      '3\tid=5,n=0,pid=5,result=131,signal=3,thread=0',
      '6\tid=6,n=0,pid=6,result=134,signal=6,thread=0',
      '13\tid=7,n=0,pid=7,result=141,signal=13,thread=0',
      '15\tid=8,n=0,pid=8,result=143,signal=15,thread=0',
      '10\t0\tsignal\t10',
      '12\t0\tsignal\t12',
      '18\t0\tsignal\t18',
    ));
  });

  it('SIGTTIN and SIGTTOU stop like SIGSTOP; SIGTRAP has no default action but is visible', async () => {
    const r = await lua(`
      for _, sig in ipairs({21, 22}) do
        local pid = sys("fork", function() ready() local e, p = coroutine.yield() return e, p.signal end)
        awaitReady()
        sys("kill", pid, sig)
        print(sig, "paused", sys("getpinfo", pid).paused)
        sys("kill", pid, 18)
        local p = waitfor(pid)
        print(sig, "continued", p[1], p[2])
      end
      local pid = sys("fork", function() ready() local e, p = coroutine.yield() return e, p.signal end)
      awaitReady()
      sys("kill", pid, 5)
      local p = waitfor(pid)
      print(5, p.result, p[1], p[2])
    `);
    expect(r.stdout).toBe(lines(
      '21\tpaused\ttrue', '21\tcontinued\tsignal\t18',
      '22\tpaused\ttrue', '22\tcontinued\tsignal\t18',
      '5\t0\tsignal\t5',
    ));
  });

  it('SIGTERM stops a process that is spinning', async () => {
    const r = await lua(`
      local pid = sys("fork", function() ready() while true do end end)
      awaitReady()
      sys("kill", pid, 15)
      print(waitfor(pid).result)
    `);
    expect(r.stdout).toBe(lines('143'));
  });

  it('SIGSTOP pauses a process (it does not run) and SIGCONT resumes it', async () => {
    const r = await lua(`
      local pid = sys("fork", function()
        local n = 0
        while true do
          n = n + 1
          sys("sendEvent", me, "tick", n)
          sys("timer", 1)
          repeat local e = coroutine.yield() until e == "timer"
        end
      end)
      local e, q = coroutine.yield()
      print("tick", e, q.data)
      sys("kill", pid, 19)
      print("paused", sys("getpinfo", pid).paused)
      local t = sys("timer", 10)
      local got = {}
      -- (cinder also tells the parent with a process_stopped event: not a tick, so skipped)
      repeat e, q = coroutine.yield() if e ~= "process_stopped" then got[#got + 1] = e end until e == "timer" and q.id == t
      print("while stopped", table.concat(got, ","))
      sys("kill", pid, 18)
      print("paused", sys("getpinfo", pid).paused)
      e, q = coroutine.yield()
      print("after cont", e, q.data)
      sys("kill", pid, 9)
      waitfor(pid)
    `);
    expect(r.stdout).toBe(lines(
      'tick\tremote_event\t1', 'paused\ttrue', 'while stopped\ttimer', 'paused\tfalse', 'after cont\tremote_event\t2',
    ));
  });

  it('a stopped spinning process uses no time slices until continued', async () => {
    const r = await lua(`
      local pid = sys("fork", function()
        ready()
        local n = 0
        while true do n = n + 1 if n % 50000 == 0 then sys("sendEvent", me, "spin", n) end end
      end)
      awaitReady()
      sys("kill", pid, 19)
      -- drain anything sent before it stopped
      sys("queueEvent", "mark")
      repeat local e = coroutine.yield() until e == "mark"
      for i = 1, 20 do coroutine.yield("preempt") end
      sys("queueEvent", "mark2")
      local e, p = coroutine.yield()
      print("while stopped", e)
      sys("kill", pid, 18)
      e, p = coroutine.yield()
      print("after cont", e, p.type)
      sys("kill", pid, 9)
      waitfor(pid)
    `);
    expect(r.stdout).toBe(lines('while stopped\tmark2', 'after cont\tremote_event\tspin'));
  });

  it('handlers set with signal(sig, fn) are called instead of the default', async () => {
    const r = await lua(`
      local pid = sys("fork", function()
        sys("signal", 15, function(s) print("handler", s, sys("getpid")) end)
        sys("signal", 2, function(s) print("int handler", s) sys("exit", 5) end)
        ready()
        while true do
          local e, p = coroutine.yield()
          if e == "remote_event" then print("child ev", p.type) break end
        end
        sys("kill", sys("getpid"), 2)
      end)
      awaitReady()
      sys("kill", pid, 15)
      sys("kill", pid, 15)
      for i = 1, 4 do coroutine.yield("preempt") end
      sys("sendEvent", pid, "stop")
      print("complete", dump(waitfor(pid)))
    `);
    expect(r.stdout).toBe(lines(
      'handler\t15\t3', 'handler\t15\t3', 'child ev\tstop', 'int handler\t2', 'complete\t1=5,id=3,n=1,pid=3,result=5,thread=3,value=5',
    ));
  });

  it('signal(sig, nil) removes a handler; invalid signals are refused', async () => {
    const r = await lua(`
      local pid = sys("fork", function()
        sys("signal", 15, function() print("should not run") end)
        sys("signal", 15, nil)
        print("sig9", try("signal", 9, function() end))
        print("sig0", try("signal", 0, function() end))
        print("sig65", try("signal", 65, function() end))
        ready()
        while true do coroutine.yield() end
      end)
      awaitReady()
      sys("kill", pid, 15)
      print(waitfor(pid).result)
      print("kill bad sig", try("kill", pid, 99))
      print("kill bad sig", try("kill", me, 0))
    `);
    expect(r.stdout).toBe(lines(
      'sig9\tfalse\tCannot handle SIGKILL', 'sig0\tfalse\tInvalid signal', 'sig65\tfalse\tInvalid signal',
      '143', 'kill bad sig\tfalse\tNo such process', 'kill bad sig\tfalse\tInvalid signal',
    ));
  });

  it('SIGKILL cannot be handled and reaps at once with result 128+9', async () => {
    const r = await lua(`
      local pid = sys("fork", function()
        for s = 1, 20 do if s ~= 9 then sys("signal", s, function() print("caught", s) end) end end
        ready()
        while true do end
      end)
      awaitReady()
      sys("kill", pid, 9)
      local p = waitfor(pid)
      print(dump(p))
      print(try("getpinfo", pid))
    `);
    expect(r.stdout).toBe(lines('id=3,n=0,pid=3,result=137,signal=9,thread=0', 'true\tnil\tNo such process'));
  });

  it('kill: unknown pid, the kernel, and permissions between users', async () => {
    const r = await lua(`
      print("unknown", try("kill", 999, 15))
      print("kernel", try("kill", 0, 15))
      local alice = sys("fork", function() sys("setuser", "alice") ready() while true do coroutine.yield() end end)
      awaitReady()
      local bob = sys("fork", function()
        sys("setuser", "bob")
        print("bob kills alice", try("kill", alice, 15))
        print("bob kills root", try("kill", me, 10))
        local own = sys("fork", function() while true do coroutine.yield() end end)
        print("bob kills own child", try("kill", own, 15))
        print(waitfor(own).result)
      end)
      waitfor(bob)
      print("root kills alice", try("kill", alice, 15))
      print(waitfor(alice).result)
    `);
    expect(r.stdout).toBe(lines(
      'unknown\tfalse\tNo such process', 'kernel\tfalse\tNo such process',
      'bob kills alice\tfalse\tPermission denied', 'bob kills root\tfalse\tPermission denied',
      'bob kills own child\ttrue', '143', 'root kills alice\ttrue', '143',
    ));
  });

  it('an error in a signal handler ends the process with that error', async () => {
    const r = await lua(`
      local pid = sys("fork", function()
        sys("signal", 15, function() error("in handler", 0) end)
        ready()
        while true do coroutine.yield() end
      end)
      awaitReady()
      sys("kill", pid, 15)
      local p = waitfor(pid)
      print(p.result, p.error)
    `);
    expect(r.stdout).toBe(lines('1\tin handler'));
    expect(r.stderr).toMatch(/^in handler\n/);
  });

  it('a process can signal itself', async () => {
    const r = await lua(`
      local pid = sys("fork", function() sys("kill", sys("getpid"), 15) print("not reached") end)
      print(waitfor(pid).result)
    `);
    expect(r.stdout).toBe(lines('143'));
  });

  it('an uncaught error in a process with a SIGABRT handler calls the handler with the error', async () => {
    const r = await lua(`
      local pid = sys("fork", function()
        sys("signal", 6, function(s, err) print("abrt", s, err) end)
        error("oops", 0)
      end)
      local p = waitfor(pid)
      print("complete", p.result, p.error)
      local pid2 = sys("fork", function()
        sys("signal", 6, function(s, err) print("abrt via kill", s, err) end)
        ready()
        while true do coroutine.yield() end
      end)
      awaitReady()
      sys("kill", pid2, 6)
      for i = 1, 4 do coroutine.yield("preempt") end
      sys("kill", pid2, 9)
      waitfor(pid2)
    `);
    expect(r.stdout).toBe(lines('abrt\t6\toops', 'complete\t0\tnil', 'abrt via kill\t6\tnil'));
  });
});

describe('init', () => {
  it('ignores signals it has no handler for, so the computer keeps running', async () => {
    const r = await runLua(`
      local function sys(n, ...) local t = table.pack(coroutine.yield("syscall", n, ...)) if not t[1] then error(t[2], 2) end return table.unpack(t, 2, t.n) end
      sys("kill", 1, 15) sys("kill", 1, 9)
      print(sys("getpinfo", 1).name)`);
    expect(r.stdout).toBe('init\n');
    expect(r.computer.halted).toBe(null);
  });
});
