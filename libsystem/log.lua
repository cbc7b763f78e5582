--- system.log: the system logger.
--
-- `log(...)`, `log.info(...)` etc. write to the `default` log; any other
-- log is reached as a sub-log object: `log.mylog.info(...)`, `log.mylog(...)`
-- (sub-logs are created on first use as plain objects; the log itself must
-- exist, see `log.create`). A first table argument holds syslog options
-- (category, level, module, time, traceback, ...).
local util = require "system.util"
local expect = require "system.expect"

local syscall = util.syscall
local type, pairs, select, setmetatable, rawget, tostring = type, pairs, select, setmetatable, rawget, tostring
local dbg = type(debug) == "table" and debug or nil

local log = {}

--- Level numbers by name.
log.levels = { debug = 0, info = 1, notice = 2, warning = 3, warn = 3, error = 4, critical = 5, panic = 6 }

local levelNames = { "debug", "info", "notice", "warning", "warn", "error", "critical", "panic" }

local function withOptions(name, level, ...)
    local first = ...
    local opts = {}
    local nargs = select("#", ...)
    if type(first) == "table" and nargs > 0 then
        for k, v in pairs(first) do opts[k] = v end
        if name ~= nil then opts.name = name end
        if level ~= nil then opts.level = level end
        return syscall.syslog(opts, select(2, ...))
    end
    opts.name = name
    opts.level = level
    return syscall.syslog(opts, ...)
end

local function traceback(name, msg)
    local tb
    if dbg and dbg.traceback then tb = dbg.traceback(msg ~= nil and tostring(msg) or nil, 3)
    else tb = msg ~= nil and tostring(msg) or "traceback unavailable" end
    return syscall.syslog({ name = name, level = "error", traceback = true }, tb)
end

local sublogs = {}

local function sublog(name)
    local s = sublogs[name]
    if s then return s end
    s = { name = name }
    function s.log(...) return withOptions(name, nil, ...) end
    for _, lvl in pairs(levelNames) do
        local level = lvl == "warn" and "warning" or lvl
        s[lvl] = function(...) return withOptions(name, level, ...) end
    end
    function s.traceback(msg) return traceback(name, msg) end
    function s.open(filter) return log.open(name, filter) end
    function s.close() return log.close(name) end
    function s.remove()
        sublogs[name] = nil
        return log.remove(name)
    end
    function s.setTTY(tty, level) return log.setTTY(name, tty, level) end
    setmetatable(s, {
        __name = "log",
        __call = function(_, ...) return withOptions(name, nil, ...) end,
    })
    sublogs[name] = s
    return s
end

--- log(options?, ...): log to the default log (level info unless given).
function log.log(...) return withOptions(nil, nil, ...) end

for _, lvl in pairs(levelNames) do
    local level = lvl == "warn" and "warning" or lvl
    log[lvl] = function(...) return withOptions(nil, level, ...) end
end

--- traceback(msg?): log a stack traceback at error level.
function log.traceback(msg) return traceback(nil, msg) end

--- create(name, streamed?, file?) -> log object
function log.create(name, streamed, file)
    expect(1, name, "string")
    expect(2, streamed, "boolean", "nil")
    expect(3, file, "string", "nil")
    syscall.mklog(name, streamed, file)
    return sublog(name)
end

--- remove(name)
function log.remove(name)
    expect(1, name, "string")
    sublogs[name] = nil
    return syscall.rmlog(name)
end

--- open(name, filter?) -> connection id; messages arrive as `syslog` events.
function log.open(name, filter)
    expect(1, name, "string")
    expect(2, filter, "string", "nil")
    return syscall.openlog(name, filter)
end

--- close(name | id)
function log.close(target)
    expect(1, target, "string", "number")
    return syscall.closelog(target)
end

--- setTTY(name, tty, level?) (root only)
function log.setTTY(name, tty, level)
    expect(1, name, "string")
    expect(2, tty, "number", "nil")
    expect(3, level, "number", "string", "nil")
    if type(level) == "string" then
        level = log.levels[level]
        if level == nil then error("bad argument #3 (unknown log level)", 2) end
    end
    return syscall.logtty(name, tty, level)
end

return setmetatable(log, {
    __call = function(_, ...) return withOptions(nil, nil, ...) end,
    __index = function(_, name)
        if type(name) ~= "string" then return nil end
        return sublog(name)
    end,
})
