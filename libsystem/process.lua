--- system.process: processes and threads.
--
-- Thin wrappers of the process syscalls plus helpers to start programs.
-- Departures from Phoenix 0.0.9: `run` finds commands through PATH without
-- raising "No such file" afterwards, and it keeps (re-queues) every event
-- that arrives while it waits for the child (see system.util).
local util = require "system.util"
local expect = require "system.expect"

local syscall = util.syscall
local type, select, error, tostring, pcall = type, select, error, tostring, pcall
local pack, unpack = table.pack, table.unpack

local process = {}

--- getpid() -> pid
function process.getpid() return syscall.getpid() end
--- getppid() -> parent pid
function process.getppid() return syscall.getppid() end
--- getuser() -> user, realuser?
function process.getuser() return syscall.getuser() end
--- setuser(user) (root only)
process.setuser = util.checked("setuser", {"string"})
--- clock() -> CPU seconds used
function process.clock() return syscall.clock() end
--- getenv() -> the live environment-variable table
function process.getenv() return syscall.getenv() end
--- getfenv() -> the process's global environment
function process.getfenv() return syscall.getfenv() end
--- getname() -> process name
function process.getname() return syscall.getname() end
--- getcwd() -> working directory
function process.getcwd() return syscall.getcwd() end
--- chdir(dir) -> true | false, err
process.chdir = util.checked("chdir", {"string"})
--- newthread(fn, ...) -> thread id
function process.newthread(fn, ...)
    expect(1, fn, "function")
    return syscall.newthread(fn, ...)
end
--- exit(code?) never returns
process.exit = util.checked("exit", {"number", "nil"})
--- atexit(fn)
process.atexit = util.checked("atexit", {"function"})
--- getplist() -> sorted pid list
function process.getplist() return syscall.getplist() end
--- getpinfo(pid) -> info | nil, err
process.getpinfo = util.checked("getpinfo", {"number"})
--- nice(level, pid?)
process.nice = util.checked("nice", {"number"}, {"number", "nil"})

--- fork(fn, name?, ...) -> pid: run fn in a new process (fresh globals).
function process.fork(fn, name, ...)
    expect(1, fn, "function")
    expect(2, name, "string", "nil")
    return syscall.fork(fn, name, ...)
end

--- forkbg(fn, name?, ...) -> pid: like fork, but the child detaches its
-- stdin, stdout and stderr before running fn.
-- Note: the kernel gives the forked wrapper fresh globals; fn itself keeps
-- the environment it was created in (user code cannot rebind upvalues).
function process.forkbg(fn, name, ...)
    expect(1, fn, "function")
    expect(2, name, "string", "nil")
    return syscall.fork(function(...)
        syscall.stdin()
        syscall.stdout()
        syscall.stderr()
        return fn(...)
    end, name, ...)
end

--- exec(path, ...) never returns: replace the program of this process.
function process.exec(path, ...)
    expect(1, path, "string")
    return syscall.exec(path, ...)
end

local function isFile(path)
    local ok, st = pcall(syscall.stat, path)
    return ok and type(st) == "table" and st.type ~= "directory"
end

--- Resolve a command name through PATH: names containing "/" are used as
-- they are; otherwise each PATH entry is tried with `cmd` and `cmd.lua`.
-- Returns the path, or nil and an error message.
function process.resolve(cmd)
    expect(1, cmd, "string")
    if cmd:find("/", 1, true) then
        if isFile(cmd) or isFile(cmd .. ".lua") then return cmd end
        return nil, "No such file: " .. cmd
    end
    local vars = syscall.getenv()
    local path = type(vars) == "table" and vars.PATH or nil
    if type(path) ~= "string" then path = "/bin:/sbin:/usr/bin" end
    for dir in path:gmatch("[^:]+") do
        local candidate = dir:sub(-1) == "/" and dir .. cmd or dir .. "/" .. cmd
        if isFile(candidate) then return candidate end
        if isFile(candidate .. ".lua") then return candidate .. ".lua" end
    end
    return nil, "No such file: " .. cmd
end

--- execp(cmd, ...) never returns: exec a command found through PATH.
function process.execp(cmd, ...)
    expect(1, cmd, "string")
    local path, err = process.resolve(cmd)
    if not path then error(err, 2) end
    return syscall.exec(path, ...)
end

local function starter(path, detach)
    return function(...)
        if detach then
            syscall.stdin()
            syscall.stdout()
            syscall.stderr()
        end
        return syscall.exec(path, ...)
    end
end

--- start(path, ...) -> pid: start a program in a new process.
function process.start(path, ...)
    expect(1, path, "string")
    return syscall.fork(starter(path, false), path, ...)
end

--- startbg(path, ...) -> pid: start a program with detached stdio.
function process.startbg(path, ...)
    expect(1, path, "string")
    return syscall.fork(starter(path, true), path, ...)
end

--- wait(pid) -> ok, ...: wait for child `pid` to finish (other events are
-- kept). Returns true and its return values, or false and the error (a
-- process killed by a signal gives false, "Killed by signal N").
function process.wait(pid)
    expect(1, pid, "number")
    local _, p = util.waitFor(function(name, params)
        return name == "process_complete" and type(params) == "table" and (params.id == pid or params.pid == pid)
    end)
    if p.error ~= nil then return false, p.error, p.traceback end
    if p.signal ~= nil then return false, "Killed by signal " .. tostring(p.signal) end
    if p.n ~= nil then return true, unpack(p, 1, p.n) end
    return true, p.value
end

--- run(cmd, ...) -> ok, ...: find cmd through PATH, run it in a child
-- process and wait for it. Returns true plus the program's return values,
-- or false plus the error message.
function process.run(cmd, ...)
    expect(1, cmd, "string")
    local path, err = process.resolve(cmd)
    if not path then return false, err end
    local pid = syscall.fork(starter(path, false), path, ...)
    return process.wait(pid)
end


-- debugger ---------------------------------------------------------------------

--- process.debug: wrappers of the debug_* syscalls (reference/phoenix.md
-- §2.1). They fail with "No such syscall" where the kernel has no debugger.
local debugger = {}
process.debug = debugger

--- enable(pid|nil, enabled)
debugger.enable = util.checked("debug_enable", {"number", "nil"}, {"boolean"})
--- brk(pid|nil, thread|nil): pause thread(s)
debugger.brk = util.checked("debug_break", {"number", "nil"}, {"number", "nil"})
--- continue(pid, thread|nil)
debugger["continue"] = util.checked("debug_continue", {"number"}, {"number", "nil"})
--- setbreakpoint(pid, thread|nil, type, filter?) -> id
debugger.setbreakpoint = util.checked("debug_setbreakpoint", {"number"}, {"number", "nil"}, {"string", "number"}, {"table", "nil"})
--- unsetbreakpoint(pid, id)
debugger.unsetbreakpoint = util.checked("debug_unsetbreakpoint", {"number"}, {"number"})
--- listbreakpoints(pid) -> list
debugger.listbreakpoints = util.checked("debug_listbreakpoints", {"number"})
--- getinfo(pid, thread, level, what?) -> info
debugger.getinfo = util.checked("debug_getinfo", {"number"}, {"number"}, {"number"}, {"string", "nil"})
--- getlocal(pid, thread, level, n) -> name, value
debugger.getlocal = util.checked("debug_getlocal", {"number"}, {"number"}, {"number"}, {"number"})
--- getupvalue(pid, thread, level, n) -> name, value
debugger.getupvalue = util.checked("debug_getupvalue", {"number"}, {"number"}, {"number"}, {"number"})
--- execAsync(pid, thread, fn): run fn in the paused thread; the result
-- arrives as a debug_exec_result event.
debugger.execAsync = util.checked("debug_exec", {"number"}, {"number"}, {"function"})
--- exec(pid, thread, fn) -> ok, ...: execAsync and wait for its result
-- (other events are kept).
function debugger.exec(pid, thread, fn)
    debugger.execAsync(pid, thread, fn)
    local _, p = util.waitFor(function(name, params)
        return name == "debug_exec_result" and type(params) == "table" and params.process == pid and params.thread == thread
    end)
    if not p.ok then return false, p.error end
    return true, unpack(p, 1, p.n or 0)
end

return process
