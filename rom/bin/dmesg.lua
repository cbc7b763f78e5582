-- dmesg: print the system log.
local util = require "system.util"
local function sys(...) return coroutine.yield("syscall", ...) end

local function usage()
    io.stderr:write([[usage: dmesg [-n COUNT] [-l LEVEL] [-L LOG]
  -n COUNT  only the last COUNT entries
  -l LEVEL  only entries at LEVEL or above (debug ... panic, or 0-6)
  -L LOG    read another log than "default"
]])
    os.exit(2)
end
local opts, err = util.argparse({ n = "number", l = "string", L = "string", help = false }, ...)
if not opts then io.stderr:write("dmesg: " .. err .. "\n") usage() end
if opts.help or #opts > 0 then usage() end
if opts.n and (opts.n < 1 or math.floor(opts.n) ~= opts.n) then io.stderr:write("dmesg: -n needs a positive whole number\n") usage() end
local NAMES = { [0] = "debug", "info", "notice", "warning", "error", "critical", "panic" }
local LEVELS = { debug = 0, info = 1, notice = 2, warning = 3, warn = 3, error = 4, critical = 5, panic = 6 }
local minLevel = 0
if opts.l then
    minLevel = tonumber(opts.l) or LEVELS[opts.l:lower()]
    if not minLevel then io.stderr:write("dmesg: unknown level '" .. opts.l .. "'\n") usage() end
end
local ok, entries = sys("readlog", opts.L, opts.n)
if not ok then
    io.stderr:write("dmesg: " .. tostring(entries) .. "\n")
    os.exit(1)
end
local _, outTTY = select(2, sys("istty"))
local colours = { [3] = "\27[93m", [4] = "\27[91m", [5] = "\27[91m", [6] = "\27[95m" }
local _, up = sys("uptime")
local _, nowMs = pcall(os.epoch, "utc")
for _, e in ipairs(entries or {}) do
    local level = tonumber(e.level) or 1
    if level >= minLevel then
        local t = ""
        if type(e.time) == "number" and type(nowMs) == "number" then
            local since = (tonumber(up) or 0) - (nowMs - e.time) / 1000
            if since < 0 then since = 0 end
            t = ("[%10.3f] "):format(since)
        end
        local who = ""
        if e.process then who = (e.category and (e.category .. "[" .. tostring(e.process) .. "]") or ("[" .. tostring(e.process) .. "]")) .. ": "
        elseif e.category then who = e.category .. ": " end
        local line = t .. who .. (NAMES[level] and (NAMES[level] .. ": ") or "") .. tostring(e.message)
        if outTTY and colours[level] then line = colours[level] .. line .. "\27[0m" end
        print(line)
    end
end
