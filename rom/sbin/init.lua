-- cinder init (PID 1).
--
-- Headless computers (`cinder run`, tests, simulations: kernel argument
-- `headless`) only reap orphans: programs started by the host are children
-- of init. Otherwise init sets the default environment, starts a login-free
-- shell on tty1, starts shells on the other virtual terminals the first time
-- they are shown (the kernel sends init `vt_switch {vt}`), and restarts a
-- shell that exits (after a growing pause if it keeps failing at once).
local function sys(...) return coroutine.yield("syscall", ...) end

local _, kargs = sys("kernargs")
if type(kargs) == "table" and kargs.headless ~= nil and kargs.headless ~= "false" then
    while true do coroutine.yield() end
end

local SHELL = "/rom/bin/sh.lua"
local HOME = "/home"
local _, vars = sys("getenv")
vars.PATH = "/bin:/usr/bin:/rom/bin"
vars.HOME = HOME
vars.USER = "root"
vars.SHELL = SHELL
sys("mkdir", HOME)
local _, version = sys("version", true)

local shells = {}   -- vt -> { pid, started, failures, timer }
local byPid = {}    -- pid -> vt
local timers = {}   -- timer id -> vt

local function log(level, ...)
    sys("syslog", { level = level, category = "init" }, ...)
end

local function start(vt)
    local s = shells[vt] or { failures = 0 }
    shells[vt] = s
    local ok, pid = sys("fork", function()
        local function call(...) return coroutine.yield("syscall", ...) end
        call("stdin", vt)
        call("stdout", vt)
        call("stderr", vt)
        call("chdir", HOME)
        local _, env = call("getenv")
        env.TTY = "tty" .. vt
        call("write", ("\27[93m%s\27[0m - tty%d\nType help for the commands.\n\n"):format(tostring(version), vt))
        local okE, err = call("exec", SHELL)
        call("writeerr", "init: cannot start " .. SHELL .. ": " .. tostring(err) .. "\n")
        call("exit", 127)
    end, "sh")
    if not ok then
        log(4, "cannot start a shell on tty" .. vt .. ": " .. tostring(pid))
        return
    end
    s.pid = pid
    local _, now = sys("uptime")
    s.started = now or 0
    byPid[pid] = vt
end

local function scheduleRestart(vt)
    local s = shells[vt]
    local _, now = sys("uptime")
    local ran = (now or 0) - (s.started or 0)
    if ran < 2 then s.failures = s.failures + 1 else s.failures = 0 end
    if s.failures == 0 then
        start(vt)
        return
    end
    local delay = math.min(30, 0.25 * 2 ^ (s.failures - 1))
    if s.failures == 3 then log(3, "the shell on tty" .. vt .. " keeps exiting; retrying every few seconds") end
    local _, id = sys("timer", delay)
    timers[id] = vt
    s.pid = nil
end

start(1)

while true do
    local name, p = coroutine.yield()
    if type(p) ~= "table" then p = {} end
    if name == "process_complete" then
        local pid = p.id or p.pid
        local vt = byPid[pid]
        if vt then
            byPid[pid] = nil
            shells[vt].pid = nil
            scheduleRestart(vt)
        end
    elseif name == "timer" then
        local vt = timers[p.id]
        if vt then
            timers[p.id] = nil
            if not shells[vt].pid then start(vt) end
        end
    elseif name == "vt_switch" then
        local vt = tonumber(p.vt)
        if vt and vt >= 1 and vt <= 8 and not (shells[vt] and (shells[vt].pid or shells[vt].failures > 0)) then
            start(vt)
        end
    end
end
