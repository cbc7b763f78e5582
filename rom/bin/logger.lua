-- logger: write a message to the system log.
local util = require "system.util"
local function sys(...) return coroutine.yield("syscall", ...) end

local function usage()
    io.stderr:write([[usage: logger [-p LEVEL] [-t TAG] [-n LOG] [MESSAGE...]
  -p LEVEL  debug, info (default), notice, warning, error, critical or 0-6
  -t TAG    the category shown with the message
  -n LOG    the log to write to (default: "default")
With no MESSAGE, each line of standard input is logged.
]])
    os.exit(2)
end
local opts, err = util.argparse({ p = "string", t = "string", n = "string", help = false }, ...)
if not opts then io.stderr:write("logger: " .. err .. "\n") usage() end
if opts.help then usage() end
local LEVELS = { debug = 0, info = 1, notice = 2, warning = 3, warn = 3, error = 4, err = 4, critical = 5, crit = 5, panic = 6 }
local level = 1
if opts.p then
    level = tonumber(opts.p) or LEVELS[opts.p:lower():gsub("^user%.", "")]
    if not level or level < 0 or level > 6 then
        io.stderr:write("logger: unknown level '" .. opts.p .. "'\n")
        usage()
    end
end
local options = { level = level, category = opts.t or "logger", name = opts.n }
local function log(msg)
    local ok, e = sys("syslog", options, msg)
    if not ok then
        io.stderr:write("logger: " .. tostring(e) .. "\n")
        os.exit(1)
    end
end
if #opts > 0 then
    log(table.concat(opts, " "))
else
    while true do
        local ok, line = sys("readline")
        if not ok or line == nil then break end
        if line ~= "" then log(line) end
    end
end
