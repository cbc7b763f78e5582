-- ps: list processes.
local util = require "system.util"
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end

local function usage()
    io.stderr:write("usage: ps [-l] [-u USER]\n  -l  long format (nice, threads, stdio)\n  -u  only processes of USER\n")
    os.exit(2)
end
local opts, err = util.argparse({ l = false, u = "string", help = false }, ...)
if not opts then io.stderr:write("ps: " .. err .. "\n") usage() end
if opts.help or #opts > 0 then usage() end

local _, pids = sys("getplist")
local function fmtTime(s)
    s = tonumber(s) or 0
    return ("%d:%05.2f"):format(math.floor(s / 60), s % 60)
end
local function stdioName(v)
    if v == nil then return "-" end
    if type(v) == "number" then return "tty" .. v end
    return tostring(v)
end
if opts.l then
    print(("%5s %5s %-8s %-4s %4s %3s %-6s %8s %s"):format("PID", "PPID", "USER", "STAT", "NICE", "THR", "TTY", "TIME", "COMMAND"))
else
    print(("%5s %5s %-8s %-4s %8s %s"):format("PID", "PPID", "USER", "STAT", "TIME", "COMMAND"))
end
for _, pid in ipairs(pids or {}) do
    local ok, info = sys("getpinfo", pid)
    if ok and type(info) == "table" and (not opts.u or info.user == opts.u) then
        local state, nthreads = cli.processState(info)
        if opts.l then
            print(("%5d %5d %-8s %-4s %4d %3d %-6s %8s %s"):format(pid, info.parent or 0, tostring(info.user), state,
                info.nice or 0, nthreads, stdioName(info.stdin), fmtTime(info.cputime), tostring(info.name)))
        else
            print(("%5d %5d %-8s %-4s %8s %s"):format(pid, info.parent or 0, tostring(info.user), state, fmtTime(info.cputime), tostring(info.name)))
        end
    end
end
