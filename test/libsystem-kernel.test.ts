// libsystem in a real headless cinder computer: the modules are loaded with
// `require "system.<module>"` from /lib/system and use the real syscalls.
import { describe, it, expect, afterAll } from 'vitest';
import { runLua, cleanupTempDirs, RunLuaOptions } from './helpers.js';
import { LUA_ASSERT } from './lua-prelude.js';

afterAll(() => cleanupTempDirs());


/** Run a Lua test program; it must finish with code 0 and print nothing on
 * stderr (other than what `allowStderr` matches). */
async function lua(src: string, opts: RunLuaOptions & { allowStderr?: RegExp } = {}): Promise<string> {
  const r = await runLua(LUA_ASSERT + src, opts);
  const stderr = opts.allowStderr ? r.stderr.replace(opts.allowStderr, '') : r.stderr;
  if (r.code !== 0 || stderr !== '') {
    throw new Error(`exit ${r.code}: ${r.stderr}${r.completion?.error ?? ''}\n${r.completion?.traceback ?? ''}\nstdout: ${r.stdout}`);
  }
  return r.stdout;
}

describe('libsystem in a cinder computer', () => {
  it('every module loads from /lib/system', async () => {
    const out = await lua(`
      for _, m in ipairs({ "util", "expect", "keys", "serialization", "process", "filesystem", "ipc", "log", "sync", "terminal" }) do
        local mod = require("system." .. m)
        assert(type(mod) == "table", m)
      end
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('util.syscall returns results and raises kernel errors at the caller', async () => {
    await lua(`
      local util = require "system.util"
      eq(type(util.syscall.getpid()), "number")
      fails("No such syscall", function() util.syscall.thisDoesNotExist() end)
      fails("^.-:%d+: bad argument #1 to 'timer'", function() util.syscall.timer("x") end)
      util.syscall.getpid = nil
      eq(type(util.syscall.getpid), "function")
      -- expect reports the function name in a real process too
      local expect = require "system.expect"
      local function f(x) expect(1, x, "string") end
      fails("bad argument #1 to 'f' %(expected string, got number%)", function() f(1) end)
    `);
  });

  it('sleep and filterEvent keep unrelated events in order', async () => {
    const out = await lua(`
      local util = require "system.util"
      util.queueEvent("first", { n = 1 })
      util.queueEvent("second", { n = 2 })
      local t0 = util.syscall.uptime()
      util.sleep(2)
      assert(util.syscall.uptime() - t0 >= 2, "slept")
      local n1, p1 = util.pullEvent()
      local n2, p2 = util.pullEvent()
      eq(n1, "first") eq(p1.n, 1) eq(n2, "second") eq(p2.n, 2)
      util.queueEvent("a") util.queueEvent("want", { v = 1 }) util.queueEvent("b")
      local name, p = util.filterEvent("want")
      eq(name, "want") eq(p.v, 1)
      eq((util.pullEvent()), "a") eq((util.pullEvent()), "b")
      local pn = util.peekEvent()
      eq(pn, nil)
      -- a timer cancelled before it fires
      local id = util.timer(1)
      util.cancel(id)
      util.sleep(2)
      eq(util.peekEvent(), nil)
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('event listeners run in a thread started by startEvents', async () => {
    const out = await lua(`
      local util = require "system.util"
      local got = {}
      util.addEventListener("ping", function(_, p) got[#got + 1] = p.n end)
      util.addEventListener("quit", function() error("done", 0) end)
      local result
      util.syscall.newthread(function() result = util.runEvents() end)
      util.sleep(0)  -- let the listener thread reach its first wait
      util.queueEvent("ping", { n = 1 }) util.queueEvent("ping", { n = 2 }) util.queueEvent("quit")
      util.sleep(0.5)
      eq(table.concat(got, ","), "1,2") eq(result, "done")
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('process.run finds programs on PATH, passes arguments and returns results', async () => {
    const out = await lua(`
      local process = require "system.process"
      local fs = require "system.filesystem"
      local util = require "system.util"
      fs.mkdir("/tmp/bin")
      local f = assert(fs.open("/tmp/bin/add.lua", "w"))
      f.write("local a, b = ... return tonumber(a) + tonumber(b), 'sum'")
      f.close()
      f = assert(fs.open("/tmp/bin/fail.lua", "w"))
      f.write("error('it broke', 0)")
      f.close()
      local env = process.getenv()
      env.PATH = "/nowhere:/tmp/bin"
      util.queueEvent("keepme", { x = 1 })
      local ok, v, w = process.run("add", "2", "3")
      eq(ok, true) eq(v, 5) eq(w, "sum")
      local ok2, err = process.run("fail")
      eq(ok2, false) assert(tostring(err):find("it broke"), err)
      local ok3, err3 = process.run("missing")
      eq(ok3, false) eq(err3, "No such file: missing")
      eq(process.resolve("add"), "/tmp/bin/add.lua")
      local ok4, v4 = process.run("/tmp/bin/add.lua", 1, 1)
      eq(ok4, true) eq(v4, 2)
      local name, p = util.pullEvent()
      eq(name, "keepme") eq(p.x, 1)
      -- start + wait
      local pid = process.start("/tmp/bin/add.lua", "10", "20")
      local ok5, v5 = process.wait(pid)
      eq(ok5, true) eq(v5, 30)
      print("ok")
    `, { allowStderr: /^it broke\nstack traceback:(\n\t.*)*\n?/ });
    expect(out).toBe('ok\n');
  });

  it('process wrappers and fork', async () => {
    const out = await lua(`
      local process = require "system.process"
      local me = process.getpid()
      eq(type(process.getname()), "string")
      eq(process.getcwd(), "/")
      eq(process.chdir("/tmp"), true)
      eq(process.getcwd(), "/tmp")
      local ok, err = process.chdir("/does/not/exist")
      eq(ok, false)
      local info = process.getpinfo(me)
      eq(info.id, me)
      local list = process.getplist()
      local found = false
      for _, pid in ipairs(list) do if pid == me then found = true end end
      eq(found, true)
      local pid = process.fork(function(a) return a * 2 end, "child", 21)
      local ok2, v = process.wait(pid)
      eq(ok2, true) eq(v, 42)
      local bg = process.forkbg(function() print("from background") return "bg" end, "bg")
      local ok3, v3 = process.wait(bg)
      eq(ok3, true) eq(v3, "bg")
      local tid = process.newthread(function() end)
      eq(type(tid), "number")
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('filesystem wrappers and helpers', async () => {
    const out = await lua(`
      local fs = require "system.filesystem"
      fs.mkdir("/tmp/t/sub")
      local f = assert(fs.open("/tmp/t/a.lua", "w")) f.write("A") f.close()
      f = assert(fs.open("/tmp/t/b.lua", "w")) f.write("B") f.close()
      f = assert(fs.open("/tmp/t/sub/c.txt", "w")) f.write("C") f.close()
      local h, err = fs.open("/tmp/t/none", "r")
      eq(h, nil) assert(type(err) == "string")
      eq(fs.exists("/tmp/t/a.lua"), true) eq(fs.exists("/tmp/t/zzz"), false)
      eq(fs.isFile("/tmp/t/a.lua"), true) eq(fs.isDir("/tmp/t/a.lua"), false)
      eq(fs.isDir("/tmp/t/sub"), true) eq(fs.isLink("/tmp/t/sub"), false)
      eq(table.concat(fs.find("/tmp/t/*.lua"), " "), "/tmp/t/a.lua /tmp/t/b.lua")
      eq(table.concat(fs.find("/tmp/t/*/*.txt"), " "), "/tmp/t/sub/c.txt")
      eq(table.concat(fs.find("/tmp/t/?.lua"), " "), "/tmp/t/a.lua /tmp/t/b.lua")
      fs.copy("/tmp/t", "/tmp/t2")
      f = assert(fs.open("/tmp/t2/sub/c.txt", "r")) eq(f.readAll(), "C") f.close()
      fs.move("/tmp/t2/a.lua", "/tmp/t2/moved.lua")
      eq(fs.exists("/tmp/t2/a.lua"), false) eq(fs.isFile("/tmp/t2/moved.lua"), true)
      fs.remove("/tmp/t2")
      eq(fs.exists("/tmp/t2"), false)
      eq(fs.combine("/tmp", "t", "..", "x"), "/tmp/x")
      eq(fs.basename("/tmp/t/a.lua"), "a.lua") eq(fs.dirname("/tmp/t/a.lua"), "/tmp/t")
      local st = fs.stat("/tmp/t/a.lua")
      eq(st.type, "file") eq(st.size, 1)
      local perms = fs.effectivePermissions("/tmp/t/a.lua")
      eq(perms.read, true)
      local names = fs.list("/tmp/t") table.sort(names)
      eq(table.concat(names, ","), "a.lua,b.lua,sub")
      fs.link("/tmp/t/ln", "/tmp/t/sub")
      eq(fs.isLink("/tmp/t/ln"), true) eq(fs.isDir("/tmp/t/ln"), true) eq(fs.isLink("/tmp/t/sub"), false)
      eq(table.concat(fs.find("/tmp/t/ln/*"), " "), "/tmp/t/ln/c.txt")
      -- copying a tree copies links as links
      fs.copy("/tmp/t", "/tmp/t3")
      eq(fs.isLink("/tmp/t3/ln"), true)
      eq(fs.stat("/tmp/t3/ln", true).link, "/tmp/t/sub")
      f = assert(fs.open("/tmp/t/a.lua")) eq(f.readAll(), "A") f.close()
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('serialization save/load use real files', async () => {
    const out = await lua(`
      local s = require "system.serialization"
      s.json.save("/tmp/x.json", { list = { 1, 2, 3 }, name = "cinder" }, true)
      local v = s.json.load("/tmp/x.json")
      eq(v.name, "cinder") eq(v.list[3], 3)
      s.lua.save("/tmp/x.lua", { a = { b = "c" } })
      eq(s.lua.load("/tmp/x.lua").a.b, "c")
      fails("json:", s.json.decode, "{")
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('ipc: remote events between processes, services and receive timeouts', async () => {
    const out = await lua(`
      local ipc = require "system.ipc"
      local process = require "system.process"
      local util = require "system.util"
      local me = process.getpid()
      eq(ipc.register("test.service"), true)
      eq(ipc.lookup("test.service"), me)
      local child = process.fork(function()
        local ipc2 = require "system.ipc"
        local pid = ipc2.lookup("test.service")
        ipc2.sendServiceEvent("test.service", "hello", { x = 7 })
        local t, d = ipc2.receiveEvent(pid, "reply", 10)
        return t, d
      end, "child")
      util.queueEvent("unrelated", { k = 1 })
      local t, d, sender = ipc.receiveEvent(child, "hello", 10)
      eq(t, "hello") eq(d.x, 7) eq(sender, child)
      eq(ipc.sendEvent(child, "reply", "pong"), true)
      local ok, rt, rd = process.wait(child)
      eq(ok, true) eq(rt, "reply") eq(rd, "pong")
      local none = ipc.receiveEvent(nil, "never", 0.5)
      eq(none, nil)
      local name, p = util.pullEvent()
      eq(name, "unrelated") eq(p.k, 1)
      eq(ipc.sendServiceEvent("no.such.service", "x", {}), false)
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('ipc: signals with handlers', async () => {
    const out = await lua(`
      local ipc = require "system.ipc"
      local process = require "system.process"
      local got
      ipc.sigaction(ipc.signal.SIGUSR1, function(sig) got = sig end)
      ipc.kill(process.getpid(), ipc.signal.SIGUSR1)
      local util = require "system.util"
      util.sleep(0.1)
      eq(got, 10)
      local child = process.fork(function() while true do require("system.util").sleep(1) end end, "sleeper")
      ipc.kill(child, ipc.signal.SIGKILL)
      local ok, err = process.wait(child)
      eq(ok, false) eq(err, "Killed by signal 9")
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('sync: mutex, semaphore, condition variable, barrier, rwLock', async () => {
    const out = await lua(`
      local sync = require "system.sync"
      local util = require "system.util"
      local process = require "system.process"
      -- mutex between threads
      local m = sync.mutex.new()
      local log = {}
      m:lock()
      process.newthread(function()
        m:lock() log[#log + 1] = "thread" m:unlock()
      end)
      util.sleep(0.1)
      log[#log + 1] = "main"
      m:unlock()
      util.sleep(0.1)
      eq(table.concat(log, ","), "main,thread")
      eq(m:tryLock(), true)
      fails("already locked", function() m:lock() end)
      m:unlock()
      -- recursive mutex
      local r = sync.mutex.new(true)
      r:lock() r:lock() r:unlock() r:unlock()
      -- tryLockFor times out while another thread holds it
      local held = sync.mutex.new()
      process.newthread(function() held:lock() util.sleep(1) held:unlock() end)
      util.sleep(0.05)
      eq(held:tryLockFor(0.2), false)
      -- a forked process sees the same mutex
      local child = process.fork(function() return held:tryLock() end, "locker")
      local okc, got = process.wait(child)
      eq(okc, true) eq(got, false)
      -- semaphore
      local s = sync.semaphore.new(1)
      s:acquire()
      eq(s:tryAcquireFor(0.1), false)
      s:release()
      eq(s:tryAcquireFor(0.1), true)
      s:release()
      -- condition variable
      local cv = sync.conditionVariable.new()
      local woke = 0
      for i = 1, 3 do process.newthread(function() cv:wait() woke = woke + 1 end) end
      util.sleep(0.05)
      cv:notifyOne() util.sleep(0.05) eq(woke, 1)
      cv:notifyAll() util.sleep(0.05) eq(woke, 3)
      eq(cv:waitFor(0.1), false)
      -- condition variable with a mutex
      local cm = sync.mutex.new()
      local ready = false
      process.newthread(function() cm:lock() ready = true cv:notifyAll() cm:unlock() end)
      cm:lock()
      while not ready do cv:wait(cm) end
      cm:unlock()
      -- barrier
      local b = sync.barrier.new(3)
      local passed, leaders = 0, 0
      for i = 1, 2 do process.newthread(function() if b:wait() then leaders = leaders + 1 end passed = passed + 1 end) end
      util.sleep(0.05)
      eq(passed, 0)
      if b:wait() then leaders = leaders + 1 end
      util.sleep(0.05)
      eq(passed, 2) eq(leaders, 1)
      -- rwLock: readers share, a writer excludes
      local rw = sync.rwLock.new()
      rw:lockRead() rw:lockRead()
      local wrote = false
      process.newthread(function() rw:lockWrite() wrote = true rw:unlockWrite() end)
      util.sleep(0.05)
      eq(wrote, false)
      rw:unlockRead() rw:unlockRead()
      util.sleep(0.05)
      eq(wrote, true)
      -- lockGuard
      eq(sync.lockGuard(m, function(x) return x + 1 end, 1), 2)
      eq(m:tryLock(), true) m:unlock()
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('log: named logs, levels and streaming', async () => {
    const out = await lua(`
      local log = require "system.log"
      local util = require "system.util"
      log.info("to the default log")
      log("also default")
      local l = log.create("libtest", true)
      local id = log.open("libtest")
      eq(type(id), "number")
      l.warning("careful", 42)
      log.libtest.error({ category = "cat" }, "broken")
      local n1, p1 = util.filterEvent("syslog")
      eq(p1.message, "careful 42") eq(p1.level, 3)
      local n2, p2 = util.filterEvent("syslog")
      eq(p2.message, "broken") eq(p2.category, "cat") eq(p2.level, 4)
      log.close(id)
      log.remove("libtest")
      fails("No such log", function() log.nolog.info("x") end)
      print("ok")
    `);
    expect(out).toBe('ok\n');
  });

  it('terminal wrappers write to stdout and stderr', async () => {
    const r = await runLua(`
      local term = require "system.terminal"
      term.write("a", 1, "\\n")
      term.writeerr("oops\\n")
      local line = term.readline()
      term.write("read:" .. tostring(line) .. "\\n")
      local isin, isout = term.istty()
      term.write(tostring(isin) .. "," .. tostring(isout) .. "\\n")
    `, { stdin: 'hello\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a\t1\t\nread:hello\nfalse,false\n');
    expect(r.stderr).toBe('oops\n');
  });
});
