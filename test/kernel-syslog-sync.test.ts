// The system logger (reference/phoenix.md §1.12, §2.7) and mutexes and
// semaphores (§1.15, §2.8).
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, deadline, runLua } from './helpers.js';
import { lines, luaRunner } from './lua-prelude.js';

const lua = luaRunner(`
-- Print every queued event up to a marker (syslog events without their time).
local function drain()
  sys("queueEvent", "--end--")
  while true do
    local e, p = coroutine.yield()
    if e == "--end--" then return end
    p.time = nil
    print(e, dump(p))
  end
end
`);

afterAll(() => cleanupTempDirs());

describe('syslog', () => {
  it('syslog to the default log; options; errors for a missing log and a bad level', async () => {
    const r = await lua(`
      print(try("syslog", "hello", 1, true))
      print(try("syslog", {level = "warning", category = "test"}, "with", "options"))
      print(try("syslog", {name = "nolog"}, "x"))
      print(try("syslog", {level = 9}, "x"))
      print(try("syslog", {level = "loud"}, "x"))
    `);
    expect(r.stdout).toBe(lines('true', 'true', 'false\tNo such log', 'false\tInvalid log level', 'false\tInvalid log level'));
    const msgs = r.computer.syslogService.entries('default').filter((e) => e.process === r.process.id);
    expect(msgs.map((e) => [e.level, e.message, e.category])).toEqual([
      [1, 'hello 1 true', undefined],
      [3, 'with options', 'test'],
    ]);
  });

  it('mklog + openlog with filters stream matching messages as syslog events', async () => {
    const r = await lua(`
      print("mklog", try("mklog", "app", true))
      print("mklog again", try("mklog", "app", true))
      local a = sys("openlog", "app", "level >= warning")
      local b = sys("openlog", "app", 'category == "net"|"disk"')
      print("ids", a ~= b)
      sys("syslog", {name = "app", level = 1}, "info msg")
      sys("syslog", {name = "app", level = "error", category = "x"}, "err msg", 42)
      sys("syslog", {name = "app", level = 0, category = "disk"}, "disk msg")
      drain()
    `);
    expect(r.stdout).toBe(lines(
      'mklog\ttrue', 'mklog again\ttrue', 'ids\ttrue',
      'syslog\tcategory=x,id=1,level=4,message=err msg 42,name=app,process=2,thread=0,traceback=false',
      'syslog\tcategory=disk,id=2,level=0,message=disk msg,name=app,process=2,thread=0,traceback=false',
    ));
  });

  it('filters: =% pattern, != and several clauses', async () => {
    const r = await lua(`
      sys("openlog", "default", "message =% ^hel")
      sys("syslog", "hello world")
      sys("syslog", "bye world")
      drain()
      sys("closelog", "default")
      drain()
      sys("openlog", "default", "level != info; category == a")
      sys("syslog", {category = "a"}, "info a")
      sys("syslog", {category = "a", level = 3}, "warn a")
      sys("syslog", {category = "b", level = 3}, "warn b")
      drain()
    `);
    expect(r.stdout.replace(/id=\d+/g, 'id=N')).toBe(lines(
      'syslog\tid=N,level=1,message=hello world,name=default,process=2,thread=0,traceback=false',
      'syslog_close\tid=N',
      'syslog\tcategory=a,id=N,level=3,message=warn a,name=default,process=2,thread=0,traceback=false',
    ));
  });

  it('closelog by id or by name sends syslog_close and stops the stream', async () => {
    const r = await lua(`
      sys("mklog", "app", true)
      local a = sys("openlog", "app")
      local b = sys("openlog", "app")
      print(try("closelog", a))
      sys("syslog", {name = "app"}, "only b")
      drain()
      print(try("closelog", "app"))
      sys("syslog", {name = "app"}, "nobody")
      drain()
      print(try("closelog", {}))
    `);
    const out = r.stdout.replace(/id=\d+/g, 'id=N');
    expect(out).toBe(lines(
      'true',
      'syslog_close\tid=N',
      'syslog\tid=N,level=1,message=only b,name=app,process=2,thread=0,traceback=false',
      'true',
      'syslog_close\tid=N',
      "false\tbad argument #1 to 'closelog' (string or number expected, got table)",
    ));
  });

  it('rmlog: default cannot be removed, missing log fails; openlog errors', async () => {
    const r = await lua(`
      print(try("rmlog", "default"))
      print(try("rmlog", "nope"))
      sys("mklog", "app", true)
      local id = sys("openlog", "app")
      print(try("rmlog", "app"))
      drain()
      print(try("openlog", "app"))
      sys("mklog", "quiet", false)
      print(try("openlog", "quiet"))
      print(try("openlog", "default", "garbage"))
      print(try("syslog", {name = "app"}, "gone"))
    `);
    const out = r.stdout.replace(/id=\d+/g, 'id=N');
    expect(out).toBe(lines(
      'false\tCannot remove default log', 'false\tNo such log', 'true', 'syslog_close\tid=N',
      'false\tNo such log', 'false\tLog is not streamed', "false\tInvalid filter clause 'garbage'", 'false\tNo such log',
    ));
  });

  it('logtty is root only', async () => {
    const r = await lua(`
      print(try("logtty", "default", 1, 2))
      local pid = sys("fork", function() sys("setuser", "bob") print(try("logtty", "default", 1)) end)
      repeat local e = coroutine.yield() until e == "process_complete"
    `);
    expect(r.stdout).toBe(lines('true', 'false\tPermission denied'));
  });

  it('a stream is closed when its process ends', async () => {
    const r = await lua(`
      sys("mklog", "app", true)
      local pid = sys("fork", function() sys("openlog", "app") end)
      repeat local e = coroutine.yield() until e == "process_complete"
      sys("openlog", "app")
      sys("syslog", {name = "app"}, "x")
      drain()
    `);
    // Only the parent's own stream delivers (once); the child's went with it.
    expect(r.stdout.replace(/id=\d+/g, 'id=N')).toBe(lines(
      'syslog\tid=N,level=1,message=x,name=app,process=2,thread=0,traceback=false',
    ));
    // ...and the parent's stream is gone now that it has ended too.
    expect(r.computer.syslogService.logs.get('app')?.streams.length).toBe(0);
  });
});

describe('mutexes', () => {
  it('lock, unlock, relock error, owner field, unlocked unlock error', async () => {
    const r = await lua(`
      local m = {}
      print("lock", try("lockmutex", m))
      print("owner", m.owner and m.owner.pid, m.owner and m.owner.thread)
      print("relock", try("lockmutex", m))
      print("trylock same", try("trylockmutex", m))
      print("unlock", try("unlockmutex", m))
      print("unlock again", try("unlockmutex", m))
      print("owner after", m.owner)
      print("never locked", try("unlockmutex", {}))
      print("trylock free", try("trylockmutex", m))
    `);
    expect(r.stdout).toBe(lines(
      'lock\ttrue', 'owner\t2\t0', 'relock\tfalse\tMutex already locked by this thread',
      'trylock same\tfalse\tMutex already locked by this thread', 'unlock\ttrue', 'unlock again\tfalse\tMutex is not locked',
      'owner after\tnil', 'never locked\tfalse\tMutex is not locked', 'trylock free\ttrue\ttrue',
    ));
  });

  it('recursive mutexes count their locks', async () => {
    const r = await lua(`
      local m = {recursive = true}
      print(try("lockmutex", m), try("lockmutex", m), try("trylockmutex", m))
      print(try("unlockmutex", m), try("unlockmutex", m), m.owner ~= nil)
      print(try("unlockmutex", m), m.owner)
      print(try("unlockmutex", m))
    `);
    expect(r.stdout).toBe(lines('true\ttrue\ttrue\ttrue', 'true\ttrue\ttrue', 'true\tnil', 'false\tMutex is not locked'));
  });

  it('two threads contend: the second waits until the first unlocks', async () => {
    const r = await deadline(lua(`
      local log = {}
      local mtx = {}
      sys("lockmutex", mtx)
      sys("newthread", function()
        log[#log + 1] = "t wants"
        print("t unlock foreign", try("unlockmutex", mtx))
        print("t trylock", try("trylockmutex", mtx))
        sys("lockmutex", mtx)
        log[#log + 1] = "t got"
        sys("unlockmutex", mtx)
        log[#log + 1] = "t released"
      end)
      for i = 1, 5 do coroutine.yield("preempt") end
      log[#log + 1] = "main releasing"
      sys("unlockmutex", mtx)
      local n = 0
      while #log < 4 and n < 1000 do coroutine.yield("preempt") n = n + 1 end
      print(table.concat(log, ","))
      sys("lockmutex", mtx)
      print("main relocked", mtx.owner.thread)
    `));
    expect(r.stdout).toBe(lines(
      't unlock foreign\tfalse\tMutex is locked by another thread', 't trylock\ttrue\tfalse',
      't wants,main releasing,t got,t released', 'main relocked\t0',
    ));
  });

  it('mutexes work between processes and are released when the owner dies', async () => {
    const r = await deadline(lua(`
      shared = {}
      local m = {}
      local me = sys("getpid")
      local child = sys("fork", function()
        sys("lockmutex", m)
        sys("sendEvent", me, "locked")
        while true do coroutine.yield() end
      end, "holder")
      repeat local e = coroutine.yield() until e == "remote_event"
      print("held by child", m.owner.pid == child, try("trylockmutex", m))
      sys("kill", child, 9)
      repeat local e = coroutine.yield() until e == "process_complete"
      print("after death", try("trylockmutex", m))
    `));
    expect(r.stdout).toBe(lines('held by child\ttrue\ttrue\tfalse', 'after death\ttrue\ttrue'));
  });

  it('a waiter gets the mutex when its owner is killed', async () => {
    const r = await deadline(lua(`
      local me = sys("getpid")
      local m = {}
      local holder = sys("fork", function() sys("lockmutex", m) sys("sendEvent", me, "locked") while true do coroutine.yield() end end)
      repeat local e = coroutine.yield() until e == "remote_event"
      local waiter = sys("fork", function() sys("lockmutex", m) print("waiter got the lock", m.owner.pid == sys("getpid")) end)
      for i = 1, 5 do coroutine.yield("preempt") end
      sys("kill", holder, 9)
      sys("timer", 10)
      while true do
        local e, p = coroutine.yield()
        if e == "timer" then print("waiter still blocked") sys("kill", waiter, 9) break end
        if e == "process_complete" and p.id == waiter then break end
      end
    `));
    expect(r.stdout).toBe(lines('waiter got the lock\ttrue'));
  });

  it('timelockmutex times out on the virtual clock', async () => {
    const r = await deadline(lua(`
      local m = {}
      local t0 = sys("uptime")
      sys("newthread", function() sys("lockmutex", m) sys("timer", 100) coroutine.yield() end)
      for i = 1, 3 do coroutine.yield("preempt") end
      print("timelock", try("timelockmutex", m, 2))
      print("waited", sys("uptime") - t0)
      print("free lock", try("timelockmutex", {}, 1))
      sys("exit", 0)
    `));
    expect(r.stdout).toBe(lines('timelock\ttrue\tfalse', 'waited\t2', 'free lock\ttrue\ttrue'));
  });

  it('a thread blocked in lockmutex waits while virtual time passes', async () => {
    const r = await deadline(lua(`
      local m = {}
      local t0 = sys("uptime")
      sys("newthread", function()
        sys("lockmutex", m)
        sys("timer", 30)
        coroutine.yield()
        sys("unlockmutex", m)
      end)
      for i = 1, 3 do coroutine.yield("preempt") end
      sys("lockmutex", m)
      print("got it after", sys("uptime") - t0)
    `));
    expect(r.stdout).toBe(lines('got it after\t30'));
  });
});

describe('semaphores', () => {
  it('acquire and release change count; bad semaphores are refused', async () => {
    const r = await lua(`
      local s = {count = 2}
      print(try("acquiresemaphore", s), s.count)
      print(try("acquiresemaphore", s), s.count)
      print(try("releasesemaphore", s), s.count)
      print(try("timeacquiresemaphore", s, 3), s.count)
      print(try("acquiresemaphore", {}))
      print(try("releasesemaphore", "x"))
    `);
    expect(r.stdout).toBe(lines(
      'true\t1', 'true\t0', 'true\t1', 'true\t0',
      'false\tbad argument #1 (semaphore expected)',
      "false\tbad argument #1 to 'releasesemaphore' (table expected, got string)",
    ));
  });

  it('metamethods on semaphore and mutex tables cannot fault the kernel', async () => {
    const r = await lua(`
      local s = setmetatable({}, {__index = function(t, k) error("idx err") end})
      print(pcall(sys, "acquiresemaphore", s))
      local m = setmetatable({}, {__newindex = function() error("no owner field") end})
      print(pcall(sys, "lockmutex", m))
    `);
    expect(r.stdout).not.toContain('Internal kernel error');
  });

  it('timeacquiresemaphore times out on the virtual clock', async () => {
    const r = await deadline(lua(`
      local s = {count = 0}
      local t0 = sys("uptime")
      print(try("timeacquiresemaphore", s, 3))
      print("waited", sys("uptime") - t0, s.count)
    `));
    expect(r.stdout).toBe(lines('true\tfalse', 'waited\t3\t0'));
  });

  it('a blocked acquire is woken by a release from another thread', async () => {
    const r = await deadline(lua(`
      local s = {count = 0}
      local t0 = sys("uptime")
      sys("newthread", function() sys("timer", 1) coroutine.yield() sys("releasesemaphore", s) end)
      print(try("acquiresemaphore", s))
      print("after", sys("uptime") - t0, s.count)
    `));
    expect(r.stdout).toBe(lines('true', 'after\t1\t0'));
  });
});

describe('readlog', () => {
  it('returns the newest entries of a log, oldest first', async () => {
    const r = await runLua(`
      local function sys(n, ...) local t = table.pack(coroutine.yield("syscall", n, ...)) if not t[1] then error(t[2], 2) end return table.unpack(t, 2, t.n) end
      sys("syslog", {level = 3}, "first") sys("syslog", "second")
      local e = sys("readlog", nil, 2)
      print(#e, e[1].message, e[1].level, e[2].message, e[2].level)
      print(pcall(sys, "readlog", "nope"))`);
    expect(r.stdout).toBe('2\tfirst\t3\tsecond\t1\nfalse\tNo such log\n');
  });
});
