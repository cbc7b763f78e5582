// libsystem modules that talk to the kernel, run against a small kernel
// written in Lua inside the test: it services `coroutine.yield("syscall", ...)`
// from a table of fake syscalls, hands out queued events on bare yields and
// fires timers on a virtual clock when the queue runs dry. This checks the
// libsystem side of the ABI (event re-queueing, waiting helpers, argument
// handling) independently of the real kernel; test/libsystem-kernel.test.ts
// runs the same modules in a real cinder computer.
import { describe, it } from 'vitest';
import { PLAIN_PRELUDE, runPlain } from './libsystem-plain.js';

const PRELUDE = PLAIN_PRELUDE + `
-- the fake kernel -----------------------------------------------------------
K = { queue = {}, timers = {}, now = 0, nextTimer = 1, calls = {}, files = {}, onTimer = nil }
function K.push(name, params) K.queue[#K.queue + 1] = { name, params or {} } end
--- getpinfo reports n live threads (the caller and n - 1 waiting ones)
function K.threads(n)
  SYS.getpinfo = function()
    local t = { { id = 0, status = "running" } }
    for i = 2, n do t[i] = { id = i - 1, status = "waiting" } end
    return { threads = t }
  end
end
function K.names()
  local t = {}
  for i, e in ipairs(K.queue) do t[i] = e[1] end
  return table.concat(t, ",")
end
local function record(name, ...) K.calls[#K.calls + 1] = table.pack(name, ...) end
function K.lastCall(name)
  for i = #K.calls, 1, -1 do if K.calls[i][1] == name then return K.calls[i] end end
end
SYS = {
  queueEvent = function(name, params) K.push(name, params) end,
  peekEvent = function() local e = K.queue[1] if e then return e[1], e[2] end end,
  timer = function(s) local id = K.nextTimer K.nextTimer = id + 1 K.timers[id] = K.now + s return id end,
  cancel = function(id) if not K.timers[id] then error("No such timer", 0) end K.timers[id] = nil end,
  getpid = function() return 1 end,
  getcwd = function() return K.cwd or "/" end,
  getuser = function() return K.user or "user" end,
  getenv = function() return K.vars or { PATH = "/bin:/usr/bin" } end,
  stat = function(path, nolink)
    local f = K.files[path]
    if not f then return nil, "No such file or directory" end
    if f.link and not nolink then return SYS.stat(f.link) end
    return { type = f.link and "link" or f.type or "file", size = f.data and #f.data or 0, link = f.link,
             permissions = f.permissions, worldPermissions = f.worldPermissions, mountpoint = f.mount or "/" }
  end,
  list = function(path)
    local f = K.files[path]
    if not f or f.type ~= "directory" then error("Not a directory", 0) end
    local out, prefix = {}, path == "/" and "/" or path .. "/"
    for p in pairs(K.files) do
      local rest = p:sub(#prefix + 1)
      if p ~= path and p:sub(1, #prefix) == prefix and not rest:find("/") then out[#out + 1] = rest end
    end
    return out
  end,
  mkdir = function(path) K.files[path] = K.files[path] or { type = "directory" } end,
  remove = function(path)
    for p in pairs(K.files) do if p == path or p:sub(1, #path + 1) == path .. "/" then K.files[p] = nil end end
  end,
  rename = function(a, b) record("rename", a, b) K.files[b] = K.files[a] K.files[a] = nil end,
  open = function(path, mode)
    local f = K.files[path]
    if mode:sub(1, 1) == "r" then
      if not f or f.type == "directory" then return nil, path .. ": No such file" end
      return { readAll = function() return f.data end, close = function() end }
    end
    local buf = {}
    return { write = function(s) buf[#buf + 1] = s end,
             close = function() K.files[path] = { type = "file", data = table.concat(buf) } end }
  end,
}
setmetatable(SYS, { __index = function(_, name)
  return function(...) record(name, ...) return K.result and K.result[name] end
end })

--- Run fn as a kernel thread; returns its results.
function K.run(fn, ...)
  local co = coroutine.create(fn)
  local args = table.pack(...)
  for _ = 1, 10000 do
    local r = table.pack(coroutine.resume(co, table.unpack(args, 1, args.n)))
    if not r[1] then error(r[2], 0) end
    if coroutine.status(co) == "dead" then return table.unpack(r, 2, r.n) end
    if r[2] == "syscall" then
      local h = rawget(SYS, r[3])
      if not h and not K.strict then h = SYS[r[3]] end
      if not h then args = table.pack(false, "No such syscall")
      else args = table.pack(pcall(h, table.unpack(r, 4, r.n))) end
    elseif r.n == 1 then
      if #K.queue == 0 then
        local best
        for id, due in pairs(K.timers) do if not best or due < K.timers[best] then best = id end end
        if not best then error("deadlock: waiting for an event with none queued", 0) end
        K.now = K.timers[best]
        K.timers[best] = nil
        K.push("timer", { id = best })
        if K.onTimer then K.onTimer(best) end
      end
      local e = table.remove(K.queue, 1)
      args = table.pack(e[1], e[2])
    else
      error("unexpected yield " .. tostring(r[2]), 0)
    end
  end
  error("thread did not finish", 0)
end
`;

function run(src: string): void { runPlain(PRELUDE, src); }

describe('util.syscall (mock kernel)', () => {
  it('returns results, raises failures at the caller and ignores assignment', () => {
    run(`
      local util = require "system.util"
      K.run(function()
        eq(util.syscall.getpid(), 1)
        eq(util.syscall.getcwd(), "/")
        local ok, err = pcall(util.syscall.cancel, 99)
        eq(ok, false) eq(err, "No such timer")
        -- raised at the caller's line
        fails("^test:%d+: No such timer$", function() util.syscall.cancel(99) end)
        K.strict = true
        local ok2, err2 = pcall(function() return util.syscall.definitelyNot() end)
        eq(ok2, false) assert(err2:find("No such syscall"))
        K.strict = false
        util.syscall.getpid = 5
        eq(util.syscall.getpid(), 1)
        eq(rawget(util.syscall, "getpid"), nil)
        -- multiple results and nils in the middle
        SYS.multi = function() return 1, nil, 3 end
        local a, b, c = util.syscall.multi()
        eq(a, 1) eq(b, nil) eq(c, 3)
      end)
    `);
  });
});

describe('waiting helpers keep unrelated events (mock kernel)', () => {
  it('sleep re-queues events in their original order', () => {
    run(`
      local util = require "system.util"
      K.push("a", { n = 1 }) K.push("b", { n = 2 })
      K.onTimer = function() K.push("c", { n = 3 }) end   -- arrives right after the timer
      K.run(function() util.sleep(2) end)
      eq(K.now, 2)
      eq(K.names(), "a,b,c")
      eq(K.queue[1][2].n, 1)
      -- nothing to keep: no queueEvent calls at all
      K.queue = {} K.onTimer = nil K.calls = {}
      local qe = SYS.queueEvent
      local count = 0
      SYS.queueEvent = function(...) count = count + 1 return qe(...) end
      K.run(function() util.sleep(1) end)
      eq(count, 0)
      eq(K.names(), "")
    `);
  });

  it('with other live threads in the process, events are not put back (no duplicates)', () => {
    run(`
      local util = require "system.util"
      K.threads(2)
      K.push("a") K.push("b")
      K.run(function() util.sleep(1) end)
      eq(K.names(), "")
      SYS.getpinfo = function() return { threads = { { id = 0, status = "running" }, { id = 1, status = "dead" } } } end
      K.push("a")
      K.run(function() util.sleep(1) end)
      eq(K.names(), "a")
      -- the policy can be forced either way
      K.queue = {}
      util.keepEvents = false
      K.push("a")
      K.run(function() util.sleep(1) end)
      eq(K.names(), "")
      util.keepEvents = true
      K.threads(2)
      K.push("b")
      K.run(function() util.sleep(1) end)
      eq(K.names(), "b")
    `);
  });

  it('network helpers keep events by the same rule as util.waitFor', () => {
    run(`
      local util = require "system.util"
      local network = require "system.network"
      local nextId = 10
      -- a fake HTTP handle: write() queues an unrelated event, then the handle's own status event
      SYS.connect = function()
        nextId = nextId + 1
        local id = nextId
        return { id = id, status = function() return "open" end,
                 write = function() K.push("other", { n = id }) K.push("handle_status_change", { id = id, status = "open" }) end }
      end
      -- the only thread: events are put back in the order they arrived (the one taken first included)
      K.threads(1)
      K.push("before", { n = 0 })
      local h = K.run(function() return network.get("http://example.com/") end)
      eq(h.id, 11)
      eq(K.names(), "before,other")
      -- another live thread has already seen them: nothing is put back
      K.queue = {}
      K.threads(2)
      K.push("before", { n = 0 })
      eq(K.run(function() return network.get("http://example.com/") end).id, 12)
      eq(K.names(), "")
      -- awaitStatus follows util.keepEvents too
      util.keepEvents = true
      local h3 = K.run(function() return network.connect("http://example.com/") end)
      K.run(function() h3.write() end)
      eq(K.run(function() return network.awaitStatus(h3) end).status, "open")
      eq(K.names(), "other")
      util.keepEvents = false
      K.queue = {}
      K.threads(1)
      K.push("before", { n = 0 })
      eq(K.run(function() return network.get("http://example.com/") end).id, 14)
      eq(K.names(), "")
    `);
  });

  it('eventKeeper: loops of their own keep events by the same rule, in order', () => {
    run(`
      local util = require "system.util"
      K.threads(1)
      K.push("a") K.push("b") K.push("c")
      K.run(function()
        local keeper = util.eventKeeper()
        keeper:add(coroutine.yield())      -- a
        keeper:add(coroutine.yield())      -- b
        keeper:restore()                   -- c, still queued, is pulled first so it stays behind a and b
        keeper:restore()                   -- nothing left: no second copy
      end)
      eq(K.names(), "a,b,c")
      K.queue = {}
      K.threads(2)
      K.push("a")
      K.run(function() local k = util.eventKeeper() k:add(coroutine.yield()) k:restore() end)
      eq(K.names(), "")
    `);
  });

  it('terminal.readline2 keeps the events it does not use by the same rule', () => {
    run(`
      local util = require "system.util"
      local terminal = require "system.terminal"
      local function typeLine()
        K.push("other", { n = 1 })
        K.push("char", { character = "h" }) K.push("char", { character = "i" })
        K.push("key", { keycode = 0x0A })
        return K.run(function() return terminal.readline2() end)
      end
      K.threads(1)
      eq(typeLine(), "hi")
      eq(K.names(), "other")
      K.queue = {}
      K.threads(2)
      eq(typeLine(), "hi")
      eq(K.names(), "")
    `);
  });

  it('asks the kernel about other threads only when an unrelated event arrives', () => {
    run(`
      local util = require "system.util"
      local asked = 0
      SYS.getpinfo = function() asked = asked + 1 return { threads = { { id = 0, status = "running" } } } end
      K.push("want")
      K.run(function() return util.filterEvent("want") end)
      eq(asked, 0)
      K.push("x") K.push("y") K.push("want")
      K.run(function() return util.filterEvent("want") end)
      eq(asked, 1)
      eq(K.names(), "x,y")
    `);
  });

  it('filterEvent returns the first matching event and keeps the rest', () => {
    run(`
      local util = require "system.util"
      K.push("x", { v = 1 }) K.push("want", { v = 2 }) K.push("y", { v = 3 }) K.push("want", { v = 4 })
      local name, p = K.run(function() return util.filterEvent("want", "other") end)
      eq(name, "want") eq(p.v, 2)
      eq(K.names(), "x,y,want")
      fails("bad argument #1", K.run, function() util.filterEvent(5) end)
    `);
  });

  it('waitFor re-queues even when the predicate raises', () => {
    run(`
      local util = require "system.util"
      K.push("a") K.push("boom")
      local ok, err = pcall(K.run, function()
        return util.waitFor(function(name) if name == "boom" then error("bad", 0) end end)
      end)
      eq(ok, false) eq(err, "bad")
      eq(K.names(), "a")
    `);
  });

  it('ipc.receiveEvent filters by sender and type, times out, keeps others', () => {
    run(`
      local ipc = require "system.ipc"
      K.push("remote_event", { sender = 5, type = "ping", data = 1 })
      K.push("key", { keycode = 97 })
      K.push("remote_event", { sender = 7, type = "ping", data = { x = 2 } })
      local t, d, sender = K.run(function() return ipc.receiveEvent(7, "ping", 5) end)
      eq(t, "ping") eq(d.x, 2) eq(sender, 7)
      eq(K.names(), "remote_event,key")
      eq(next(K.timers), nil, "timer cancelled")
      local r = table.pack(K.run(function() return ipc.receiveEvent(9, nil, 3) end))
      eq(r.n, 1) eq(r[1], nil)
      eq(K.names(), "remote_event,key")
      local t2, d2 = K.run(function() return ipc.receiveEvent() end)
      eq(t2, "ping") eq(d2, 1)
      eq(K.names(), "key")
    `);
  });

  it('ipc.sendServiceEvent looks the service up first', () => {
    run(`
      local ipc = require "system.ipc"
      SYS.lookup = function(name) if name == "svc" then return 12 end end
      SYS.sendEvent = function(pid, name, data) K.sent = { pid, name, data } return true end
      eq(K.run(function() return ipc.sendServiceEvent("svc", "hello", { 1 }) end), true)
      eq(K.sent[1], 12) eq(K.sent[2], "hello") eq(K.sent[3][1], 1)
      eq(K.run(function() return ipc.sendServiceEvent("none", "hello", {}) end), false)
      eq(ipc.signal.SIGKILL, 9) eq(ipc.signal.SIGTERM, 15) eq(ipc.signal.interrupt, 2)
    `);
  });

  it('process.run resolves PATH, waits for its child and keeps other events', () => {
    run(`
      local process = require "system.process"
      K.files["/usr/bin/prog.lua"] = { type = "file", data = "" }
      K.files["/bin"] = { type = "directory" }
      SYS.fork = function(fn, name, ...)
        K.forked = table.pack(fn, name, ...)
        K.push("char", { character = "q" })
        K.push("process_complete", { id = 41, pid = 41, n = 0 })
        K.push("process_complete", { id = 42, pid = 42, n = 2, [1] = "done", [2] = 7, value = "done" })
        return 42
      end
      local r = table.pack(K.run(function() return process.run("prog", "arg1") end))
      eq(r[1], true) eq(r[2], "done") eq(r[3], 7)
      eq(K.forked[2], "/usr/bin/prog.lua") eq(K.forked[3], "arg1")
      eq(K.names(), "char,process_complete")
      -- failure and errors
      K.queue = {}
      local ok, err = K.run(function() return process.run("missing") end)
      eq(ok, false) eq(err, "No such file: missing")
      SYS.fork = function() K.push("process_complete", { id = 3, n = 0, error = "boom", traceback = "tb" }) return 3 end
      local ok2, err2, tb = K.run(function() return process.run("/usr/bin/prog.lua") end)
      eq(ok2, false) eq(err2, "boom") eq(tb, "tb")
      SYS.fork = function() K.push("process_complete", { id = 4, result = 9, signal = 9 }) return 4 end
      local ok3, err3 = K.run(function() return process.run("prog") end)
      eq(ok3, false) eq(err3, "Killed by signal 9")
      -- the forked function execs the resolved path with the arguments
      SYS.fork = function(fn, name, ...) K.child = fn return 5 end
      K.run(function() return process.start("/usr/bin/prog.lua") end)
      K.run(function() K.child("x") end)
      local exec = K.lastCall("exec")
      eq(exec[2], "/usr/bin/prog.lua") eq(exec[3], "x")
      eq(K.run(function() return process.resolve("/nope") end), nil)
    `);
  });

  it('process.forkbg detaches stdio in the child before running fn', () => {
    run(`
      local process = require "system.process"
      SYS.fork = function(fn, name, ...) K.child = table.pack(fn, ...) return 9 end
      eq(K.run(function() return process.forkbg(function(a) K.ran = a end, "bg", "arg") end), 9)
      K.calls = {}
      K.run(function() K.child[1](table.unpack(K.child, 2, K.child.n)) end)
      eq(K.ran, "arg")
      eq(K.calls[1][1], "stdin") eq(K.calls[2][1], "stdout") eq(K.calls[3][1], "stderr")
      eq(K.calls[1].n, 1, "stdin called with no handle")
    `);
  });
});

describe('process.debug (mock kernel)', () => {
  it('wraps the debug syscalls and waits for debug_exec_result', () => {
    run(`
      local process = require "system.process"
      SYS.debug_exec = function(pid, thread, fn)
        K.push("other")
        K.push("debug_exec_result", { process = pid, thread = 9, ok = true, n = 0 })
        K.push("debug_exec_result", { process = pid, thread = thread, ok = true, n = 2, [1] = "x", [2] = 5 })
      end
      local ok, a, b = K.run(function() return process.debug.exec(3, 1, function() end) end)
      eq(ok, true) eq(a, "x") eq(b, 5)
      eq(K.names(), "other,debug_exec_result")
      K.run(function() process.debug.setbreakpoint(3, nil, "line", { currentline = 4 }) end)
      local c = K.lastCall("debug_setbreakpoint")
      eq(c[2], 3) eq(c[3], nil) eq(c[4], "line") eq(c[5].currentline, 4)
      K.run(function() process.debug["continue"](3) end)
      eq(K.lastCall("debug_continue")[2], 3)
      fails("bad argument #3", process.debug.setbreakpoint, 3, nil, {})
    `);
  });
});

describe('event dispatcher (mock kernel)', () => {
  it('runEvents calls listeners in order, honours stop and returns the error that ended it', () => {
    run(`
      local util = require "system.util"
      local seen = {}
      local function a(name, p) seen[#seen + 1] = "a" .. p.n end
      local function b(name, p) seen[#seen + 1] = "b" .. p.n if p.n == 2 then return true end end
      local function c(name, p) seen[#seen + 1] = "c" .. p.n end
      util.addEventListener("e", a)
      util.addEventListener("e", b)
      util.addEventListener("e", c)
      util.addEventListener("stop", function() error("stopped", 0) end)
      K.push("e", { n = 1 }) K.push("other", { n = 0 }) K.push("e", { n = 2 }) K.push("stop")
      local err = K.run(function() return util.runEvents() end)
      eq(err, "stopped")
      eq(table.concat(seen, " "), "a1 b1 c1 a2 b2")
      util.removeEventListener("e", b)
      seen = {}
      K.push("e", { n = 3 }) K.push("stop")
      K.run(function() return util.runEvents() end)
      eq(table.concat(seen, " "), "a3 c3")
      SYS.newthread = function(fn) K.thread = fn return 4 end
      eq(K.run(function() return util.startEvents() end), 4)
      eq(K.thread, util.runEvents)
    `);
  });
});

describe('filesystem helpers (mock kernel)', () => {
  it('find globs per component; exists/isFile/isDir/isLink; absolute', () => {
    run(`
      local fs = require "system.filesystem"
      for _, d in ipairs({ "/", "/a", "/a/b", "/a/c", "/x" }) do K.files[d] = { type = "directory" } end
      for _, f in ipairs({ "/a/one.lua", "/a/two.lua", "/a/three.txt", "/a/b/four.lua", "/a/c/five.lua", "/x/a.b" }) do
        K.files[f] = { type = "file", data = f }
      end
      K.files["/a/link"] = { link = "/a/b" }
      K.run(function()
        eq(table.concat(fs.find("/a/*.lua"), " "), "/a/one.lua /a/two.lua")
        eq(table.concat(fs.find("/a/t??.*"), " "), "/a/two.lua")
        eq(table.concat(fs.find("/a/*/*.lua"), " "), "/a/b/four.lua /a/c/five.lua")  -- the mock list() does not follow links
        eq(table.concat(fs.find("/x/a.b"), " "), "/x/a.b")
        eq(table.concat(fs.find("/x/a?b"), " "), "/x/a.b")
        eq(#fs.find("/x/a%b"), 0)
        eq(#fs.find("/nope/*"), 0)
        K.cwd = "/a"
        eq(table.concat(fs.find("*.txt"), " "), "three.txt")
        eq(fs.absolute("b/../c"), "/a/c")
        eq(fs.absolute("/q/./r"), "/q/r")
        eq(fs.exists("/a/one.lua"), true) eq(fs.exists("/a/none"), false)
        eq(fs.isFile("/a/one.lua"), true) eq(fs.isFile("/a"), false)
        eq(fs.isDir("/a"), true) eq(fs.isDir("/a/link"), true) eq(fs.isDir("/a/one.lua"), false)
        eq(fs.isLink("/a/link"), true) eq(fs.isLink("/a/b"), false)
      end)
    `);
  });

  it('copy and move', () => {
    run(`
      local fs = require "system.filesystem"
      K.files["/"] = { type = "directory" }
      K.files["/src"] = { type = "directory" }
      K.files["/src/f"] = { type = "file", data = "hello" }
      K.files["/src/sub"] = { type = "directory" }
      K.files["/src/sub/g"] = { type = "file", data = "bytes\\0\\255" }
      K.run(function()
        fs.copy("/src", "/dst")
        eq(K.files["/dst/f"].data, "hello") eq(K.files["/dst/sub/g"].data, "bytes\\0\\255")
        fails("into itself", fs.copy, "/src", "/src/sub/x")
        fails("File exists", fs.copy, "/src", "/dst")
        fs.move("/dst/f", "/moved")
        eq(K.lastCall("rename")[2], "/dst/f")
        eq(K.files["/moved"].data, "hello") eq(K.files["/dst/f"], nil)
        K.files["/mnt"] = { type = "directory", mount = "/mnt" }
        K.calls = {}
        fs.move("/moved", "/mnt/m")
        eq(K.lastCall("rename"), nil, "no rename across mounts")
        eq(K.files["/mnt/m"].data, "hello") eq(K.files["/moved"], nil)
      end)
    `);
  });

  it('effectivePermissions', () => {
    run(`
      local fs = require "system.filesystem"
      local st = { permissions = { alice = { read = true, write = true, execute = false } },
                   worldPermissions = { read = true, write = false, execute = false } }
      K.run(function()
        local p = fs.effectivePermissions(st, "alice")
        eq(p.read, true) eq(p.write, true) eq(p.execute, false)
        p = fs.effectivePermissions(st, "bob")
        eq(p.read, true) eq(p.write, false)
        p = fs.effectivePermissions(st, "root")
        eq(p.execute, true)
        K.user = "alice"
        eq(fs.effectivePermissions(st).write, true)
        eq(fs.effectivePermissions("/missing"), nil)
      end)
    `);
  });

  it('json and lua save/load go through open', () => {
    run(`
      local s = require "system.serialization"
      K.run(function()
        s.json.save("/data.json", { a = { 1, 2 } })
        eq(K.files["/data.json"].data, '{"a":[1,2]}')
        eq(s.json.load("/data.json").a[2], 2)
        s.lua.save("/data.lua", { x = "y" }, { minified = true })
        eq(K.files["/data.lua"].data, '{x="y"}')
        eq(s.lua.load("/data.lua").x, "y")
        fails("No such file", s.json.load, "/nope")
      end)
    `);
  });
});

describe('log, sync and terminal wrappers (mock kernel)', () => {
  it('log levels, sub-logs and options', () => {
    run(`
      local log = require "system.log"
      K.run(function()
        log.info("hello", 1)
        local c = K.lastCall("syslog")
        eq(c[2].level, "info") eq(c[2].name, nil) eq(c[3], "hello") eq(c[4], 1)
        log("plain")
        c = K.lastCall("syslog")
        eq(c[2].level, nil) eq(c[3], "plain")
        log.warn({ category = "net" }, "careful")
        c = K.lastCall("syslog")
        eq(c[2].level, "warning") eq(c[2].category, "net") eq(c[3], "careful")
        log.mylog.error("bad")
        c = K.lastCall("syslog")
        eq(c[2].name, "mylog") eq(c[2].level, "error") eq(c[3], "bad")
        log.mylog("called")
        c = K.lastCall("syslog")
        eq(c[2].name, "mylog") eq(c[3], "called")
        local l = log.create("svc", true)
        eq(K.lastCall("mklog")[2], "svc") eq(K.lastCall("mklog")[3], true)
        l.critical("x")
        eq(K.lastCall("syslog")[2].level, "critical")
        eq(K.lastCall("syslog")[2].name, "svc")
        log.traceback("where")
        c = K.lastCall("syslog")
        eq(c[2].traceback, true) assert(c[3]:find("where"))
        log.open("svc", "level >= 3")
        eq(K.lastCall("openlog")[3], "level >= 3")
        log.close(4) eq(K.lastCall("closelog")[2], 4)
        log.setTTY("svc", 1, "warning") eq(K.lastCall("logtty")[4], 3)
        log.remove("svc") eq(K.lastCall("rmlog")[2], "svc")
        eq(log.levels.debug, 0) eq(log.levels.critical, 5)
      end)
    `);
  });

  it('sync objects pass themselves to the kernel', () => {
    run(`
      local sync = require "system.sync"
      local util = require "system.util"
      K.run(function()
        local m = sync.mutex.new(true)
        eq(util.type(m), "mutex") eq(m.recursive, true)
        m:lock() eq(K.lastCall("lockmutex")[2], m)
        K.result = { trylockmutex = true, timelockmutex = false }
        eq(m:tryLock(), true)
        eq(m:tryLockFor(0.5), false) eq(K.lastCall("timelockmutex")[3], 0.5)
        m:unlock() eq(K.lastCall("unlockmutex")[2], m)
        local s = sync.semaphore.new()
        eq(s.count, 1) eq(util.type(s), "semaphore")
        eq(sync.semaphore.new(3).count, 3)
        s:acquire() eq(K.lastCall("acquiresemaphore")[2], s)
        s:release() eq(K.lastCall("releasesemaphore")[2], s)
        -- lockGuard unlocks even when the function raises
        K.calls = {}
        local ok, err = pcall(sync.lockGuard, m, function() error("inside", 0) end)
        eq(ok, false) eq(err, "inside")
        eq(K.calls[#K.calls][1], "unlockmutex")
        eq(sync.lockGuard(m, function(a, b) return a + b end, 2, 3), 5)
        fails("expected mutex", sync.lockGuard, {}, print)
        local t = sync.synctab({ a = 1 })
        t.b = 2
        eq(t.a, 1) eq(t.b, 2)
        local n = 0 for k, v in pairs(t) do n = n + v end
        eq(n, 3)
      end)
    `);
  });

  it('terminal colours and escapes', () => {
    run(`
      local term = require "system.terminal"
      eq(term.colors.white, 0) eq(term.colours.black, 15) eq(term.colors.grey, 7) eq(term.colors.lightGrey, 8)
      eq(term.toEscape(term.colors.red), "\\27[31m")
      eq(term.toEscape(term.colors.white, true), "\\27[107m")
      local seen = {}
      for i = 0, 15 do local e = term.toEscape(i) assert(not seen[e], "escapes are distinct") seen[e] = true end
      fails("invalid colour", term.toEscape, 16)
      K.run(function()
        term.write("a", 1)
        local c = K.lastCall("write") eq(c[2], "a") eq(c[3], 1)
        term.stdout()
        eq(K.lastCall("stdout").n, 1)
      end)
    `);
  });
});
