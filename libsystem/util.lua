--- system.util: the foundation of libsystem.
--
-- `util.syscall.NAME(...)` performs the syscall NAME by yielding
-- `("syscall", "NAME", ...)` to the kernel. On success it returns the
-- syscall's results; on failure it raises the kernel's message at the
-- caller's level. Assigning to `util.syscall` is ignored.
--
-- Departure from Phoenix 0.0.9: waiting helpers (`sleep`, `filterEvent`,
-- and the helpers of other modules built on `util.waitFor`: process.run,
-- ipc.receiveEvent, the network helpers) do NOT discard unrelated events.
-- Every event received while waiting is collected and, before the helper
-- returns, put back on the process queue with the `queueEvent` syscall in
-- the order it arrived. Events that were already queued behind the awaited
-- one are drained and re-queued too, so the queue keeps its order.
-- This is done only when the waiting thread is the only thread of its
-- process: the kernel hands each event to every thread of the process that
-- is waiting at that moment, so with several threads the others have
-- already seen the events and re-queueing would deliver them twice (with
-- several threads the helpers behave as in Phoenix: events that arrive
-- while no other thread is waiting are lost to the other threads).
local util = {}

local yield = coroutine.yield
local pack, unpack = table.pack, table.unpack
local select, type, error, pairs, ipairs, tostring, tonumber, next = select, type, error, pairs, ipairs, tostring, tonumber, next
local getmetatable, setmetatable, pcall, rawget = getmetatable, setmetatable, pcall, rawget

-- util.syscall -------------------------------------------------------------

local syscallCache = {}
local syscall = setmetatable({}, {
    __index = function(_, name)
        local f = syscallCache[name]
        if f == nil then
            f = function(...)
                local r = pack(yield("syscall", name, ...))
                if r[1] then return unpack(r, 2, r.n) end
                -- not a tail call, so level 2 is the caller of the syscall
                error(r[2] ~= nil and r[2] or ("syscall " .. name .. " failed"), 2)
            end
            syscallCache[name] = f
        end
        return f
    end,
    __newindex = function() end,
    __name = "syscall",
    __metatable = false,
})
util.syscall = syscall

--- checked(name, types1, types2, ...) -> function: a wrapper of syscall `name`
-- that checks argument i with expect against the type names in `typesI`
-- (the one-line wrappers most libsystem functions are).
function util.checked(name, ...)
    local specs = pack(...)
    local expect = require "system.expect"
    local call = syscall[name]
    return function(...)
        for i = 1, specs.n do expect(i, (select(i, ...)), unpack(specs[i])) end
        return call(...)
    end
end

-- type ---------------------------------------------------------------------

--- Like `type`, but returns the `__name` metafield of a table or userdata
-- when it has one.
function util.type(v)
    local t = type(v)
    if t == "table" or t == "userdata" then
        local mt = getmetatable(v)
        if type(mt) == "table" then
            local n = rawget(mt, "__name")
            if type(n) == "string" then return n end
        end
    end
    return t
end

-- events -------------------------------------------------------------------

--- Wait for the next event: returns name, params.
function util.pullEvent()
    return yield()
end

--- Post an event to this process's own queue.
function util.queueEvent(name, params)
    if type(name) ~= "string" then error("bad argument #1 (expected string, got " .. type(name) .. ")", 2) end
    return syscall.queueEvent(name, params == nil and {} or params)
end

--- Look at the next event without removing it: name, params or nil.
function util.peekEvent()
    return syscall.peekEvent()
end

--- Put events collected while waiting back on the queue. Events already
-- queued behind the awaited one are pulled first so the order is kept.
local function requeue(saved)
    if #saved == 0 then return end
    while syscall.peekEvent() ~= nil do
        local name, params = yield()
        saved[#saved + 1] = { name, params }
    end
    for i = 1, #saved do
        syscall.queueEvent(saved[i][1], saved[i][2])
    end
end

--- Whether waiting helpers put unrelated events back: "auto" (default:
-- only when the waiting thread is the only live thread of its process),
-- true (always) or false (never, as Phoenix 0.0.9 does).
util.keepEvents = "auto"

--- Whether the calling thread is the only live thread of its process.
local function aloneInProcess()
    local ok, info = pcall(syscall.getpinfo, syscall.getpid())
    if not ok or type(info) ~= "table" or type(info.threads) ~= "table" then return true end
    local live = 0
    for _, t in pairs(info.threads) do
        if type(t) == "table" and t.status ~= "dead" then live = live + 1 end
    end
    return live <= 1
end

--- util.eventKeeper() -> keeper: for wait loops of your own.
-- `keeper:add(name, params)` collects an event the loop does not want (if
-- util.keepEvents says to keep it); `keeper:restore()` puts what was collected
-- back on the queue in the order it arrived (events still queued are pulled
-- first, so they stay behind the collected ones). Whether to keep is decided
-- at the first added event: most waits have none, and asking the kernel costs
-- a getpinfo.
local Keeper = {}
Keeper.__index = Keeper

function util.eventKeeper()
    return setmetatable({}, Keeper)
end

function Keeper:add(name, params)
    if self.keeping == nil then
        local policy = util.keepEvents
        if policy == true or policy == false then self.keeping = policy else self.keeping = aloneInProcess() end
    end
    if self.keeping then
        local saved = self.saved
        if not saved then saved = {} self.saved = saved end
        saved[#saved + 1] = { name, params }
    end
end

function Keeper:restore()
    local saved = self.saved
    if saved then
        self.saved = nil
        requeue(saved)
    end
end

--- Wait for an event accepted by `pred(name, params)`; returns that event.
-- Unrelated events are put back on the queue (in order) before returning,
-- also when `pred` raises. Used by every waiting helper of libsystem.
-- Events are kept only when the calling thread is the only thread of its
-- process: otherwise the other threads that were waiting received the same
-- events from the kernel, and putting them back would deliver them twice.
-- `name, params`, when given, is an event the caller has already taken
-- from the queue: it is looked at first (and kept like the others).
function util.waitFor(pred, name, params)
    local keeper -- made at the first unrelated event
    if name == nil then name, params = yield() end
    while true do
        local ok, accept = pcall(pred, name, params)
        if not ok then
            if keeper then keeper:restore() end
            error(accept, 0)
        end
        if accept then
            if keeper then keeper:restore() end
            return name, params
        end
        keeper = keeper or util.eventKeeper()
        keeper:add(name, params)
        name, params = yield()
    end
end

--- Wait for one of the named events (any event when no names are given).
function util.filterEvent(...)
    local n = select("#", ...)
    if n == 0 then return yield() end
    local set = {}
    for i = 1, n do
        local v = select(i, ...)
        if type(v) ~= "string" then error("bad argument #" .. i .. " (expected string, got " .. type(v) .. ")", 2) end
        set[v] = true
    end
    return util.waitFor(function(name) return set[name] end)
end

-- timers -------------------------------------------------------------------

function util.timer(sec)
    if type(sec) ~= "number" then error("bad argument #1 (expected number, got " .. type(sec) .. ")", 2) end
    return syscall.timer(sec)
end

function util.alarm(time)
    if type(time) ~= "number" then error("bad argument #1 (expected number, got " .. type(time) .. ")", 2) end
    return syscall.alarm(time)
end

function util.cancel(id)
    if type(id) ~= "number" then error("bad argument #1 (expected number, got " .. type(id) .. ")", 2) end
    return syscall.cancel(id)
end

--- Sleep for `sec` seconds (0 if nil). Other events are kept (see header).
function util.sleep(sec)
    if sec ~= nil and type(sec) ~= "number" then error("bad argument #1 (expected number, got " .. type(sec) .. ")", 2) end
    local id = syscall.timer(sec or 0)
    util.waitFor(function(name, params)
        return name == "timer" and type(params) == "table" and params.id == id
    end)
end

-- strings and tables -------------------------------------------------------

local function escapeClass(sep)
    -- sep is a Lua character-class body such as "%s" or ",;"; "]" and "^"
    -- at the start must be escaped to stay inside the class.
    return (sep:gsub("^%^", "%%^"):gsub("%]", "%%]"))
end

--- Split `str` at characters of the class `sep` (a Lua pattern class body,
-- default "%s"). Empty pieces are dropped unless `includeEmpty`.
function util.split(str, sep, includeEmpty)
    if type(str) ~= "string" then error("bad argument #1 (expected string, got " .. type(str) .. ")", 2) end
    if sep ~= nil and type(sep) ~= "string" then error("bad argument #2 (expected string, got " .. type(sep) .. ")", 2) end
    sep = escapeClass(sep or "%s")
    local out = {}
    if includeEmpty then
        local pos = 1
        while true do
            local s, e = str:find("[" .. sep .. "]", pos)
            if not s then break end
            out[#out + 1] = str:sub(pos, s - 1)
            pos = e + 1
        end
        out[#out + 1] = str:sub(pos)
    else
        for piece in str:gmatch("[^" .. sep .. "]+") do out[#out + 1] = piece end
    end
    return out
end

local function deepcopy(v, seen)
    if type(v) ~= "table" then return v end
    if seen[v] then return seen[v] end
    local r = {}
    seen[v] = r
    for k, x in next, v do r[deepcopy(k, seen)] = deepcopy(x, seen) end
    local mt = getmetatable(v)
    if type(mt) == "table" then setmetatable(r, mt) end
    return r
end

--- Deep copy of a value; tables keep their metatables (shared, not copied)
-- and cycles/shared subtables keep their shape.
function util.copy(v)
    return deepcopy(v, {})
end

-- argparse -----------------------------------------------------------------

--- Parse command-line arguments with a getopt-like spec.
-- spec[name] = false (flag) | true/"string" (takes a value) | "number" |
-- "multiple" | "multiple number" | "@other" (alias); single-character names
-- are short options (-x), longer ones long options (--name). spec[""] holds
-- parser options: stopProcessingOnPositionalArgument.
-- Returns a table with options by name and positional arguments at 1..n,
-- or nil and an error message.
function util.argparse(spec, ...)
    if type(spec) ~= "table" then error("bad argument #1 (expected table, got " .. type(spec) .. ")", 2) end
    local opts = type(spec[""]) == "table" and spec[""] or {}
    local args = pack(...)
    local res = {}

    local function resolve(name)
        local kind = spec[name]
        local seen = {}
        while type(kind) == "string" and kind:sub(1, 1) == "@" do
            if seen[name] then return nil, nil end
            seen[name] = true
            name = kind:sub(2)
            kind = spec[name]
        end
        return name, kind
    end

    local function display(name) return (#name == 1 and "-" or "--") .. name end

    local function store(name, kind, value)
        if kind == false then res[name] = true return true end
        local multiple, num = false, false
        if kind == "number" then num = true
        elseif kind == "multiple" then multiple = true
        elseif kind == "multiple number" then multiple, num = true, true end
        if num then
            local n = tonumber(value)
            if not n then return nil, "option " .. display(name) .. " expects a number, got '" .. tostring(value) .. "'" end
            value = n
        end
        if multiple then
            local l = res[name]
            if type(l) ~= "table" then l = {} res[name] = l end
            l[#l + 1] = value
        else
            res[name] = value
        end
        return true
    end

    local i, stop = 1, false
    while i <= args.n do
        local a = args[i]
        if type(a) ~= "string" then a = tostring(a) end
        if stop or a:sub(1, 1) ~= "-" then
            res[#res + 1] = a
            if opts.stopProcessingOnPositionalArgument then stop = true end
        elseif a:match("^%-+$") then
            stop = true
        elseif a:sub(1, 2) == "--" then
            local name, value = a:match("^%-%-([^=]+)=(.*)$")
            if not name then name = a:sub(3) end
            local real, kind = resolve(name)
            if kind == nil then return nil, "unknown option --" .. name end
            if kind == false then
                if value then return nil, "option --" .. name .. " does not take a value" end
                res[real] = true
            else
                if value == nil then
                    i = i + 1
                    if i > args.n then return nil, "option --" .. name .. " requires a value" end
                    value = tostring(args[i])
                end
                local ok, err = store(real, kind, value)
                if not ok then return nil, err end
            end
        else
            local j = 2
            while j <= #a do
                local c = a:sub(j, j)
                local real, kind = resolve(c)
                if kind == nil then return nil, "unknown option -" .. c end
                if kind == false then
                    res[real] = true
                    j = j + 1
                else
                    local value = a:sub(j + 1)
                    if value == "" then
                        i = i + 1
                        if i > args.n then return nil, "option -" .. c .. " requires a value" end
                        value = tostring(args[i])
                    end
                    local ok, err = store(real, kind, value)
                    if not ok then return nil, err end
                    break
                end
            end
        end
        i = i + 1
    end
    return res
end

-- event dispatcher ---------------------------------------------------------

local listeners = {}

--- Register `cb(name, params) -> stop?` for events called `event`.
function util.addEventListener(event, cb)
    if type(event) ~= "string" then error("bad argument #1 (expected string, got " .. type(event) .. ")", 2) end
    if type(cb) ~= "function" then error("bad argument #2 (expected function, got " .. type(cb) .. ")", 2) end
    local l = listeners[event]
    if not l then l = {} listeners[event] = l end
    l[#l + 1] = cb
    return cb
end

--- Remove a listener added with addEventListener; returns whether it was found.
function util.removeEventListener(event, cb)
    local l = listeners[event]
    if not l then return false end
    for i = 1, #l do
        if l[i] == cb then
            table.remove(l, i)
            if #l == 0 then listeners[event] = nil end
            return true
        end
    end
    return false
end

--- Dispatch events to listeners forever. A listener returning a truthy value
-- stops the processing of the current event; a listener raising an error
-- stops the loop, and runEvents returns that error.
function util.runEvents()
    while true do
        local name, params = yield()
        local l = listeners[name]
        if l then
            local snapshot = { unpack(l) }
            for i = 1, #snapshot do
                local ok, res = pcall(snapshot[i], name, params)
                if not ok then return res end
                if res then break end
            end
        end
    end
end

--- Run `runEvents` in a new thread; returns the thread ID.
function util.startEvents()
    return syscall.newthread(util.runEvents)
end

-- crc32 --------------------------------------------------------------------

local crcTables = {}

local function toInt32(n)
    -- Accept unsigned values >= 2^31 (as floats) and map them to the 32-bit
    -- signed integer with the same bits.
    if math.type(n) == "float" then
        if n >= 2147483648 then n = n - 4294967296 end
        n = math.tointeger(n)
        if n == nil then error("crc32: value is not a 32-bit integer", 3) end
    end
    return n
end

local function crcTable(poly)
    local t = crcTables[poly]
    if t then return t end
    t = {}
    for i = 0, 255 do
        local c = i
        for _ = 1, 8 do
            if c & 1 == 1 then c = (c >> 1) ~ poly else c = c >> 1 end
        end
        t[i] = c
    end
    crcTables[poly] = t
    return t
end

--- CRC-32 of `str`. `poly` is a reflected polynomial (default 0xEDB88320) or
-- a 256-entry lookup table indexed 0..255; `crc` is the initial value
-- of the CRC register (default 0xFFFFFFFF; to continue a checksum `prev`,
-- pass `4294967295 - prev`). Returns the
-- checksum as a non-negative number (0..2^32-1): an integer below 2^31, an
-- exact float above (fengari integers are 32-bit).
function util.crc32(str, poly, crc)
    if type(str) ~= "string" then error("bad argument #1 (expected string, got " .. type(str) .. ")", 2) end
    local t
    if type(poly) == "table" then t = poly
    elseif poly == nil then t = crcTable(0xEDB88320)
    elseif type(poly) == "number" then t = crcTable(toInt32(poly))
    else error("bad argument #2 (expected number or table, got " .. type(poly) .. ")", 2) end
    if crc == nil then crc = 0xFFFFFFFF
    elseif type(crc) ~= "number" then error("bad argument #3 (expected number, got " .. type(crc) .. ")", 2)
    else crc = toInt32(crc) end
    for i = 1, #str do
        crc = (crc >> 8) ~ t[(crc ~ str:byte(i)) & 0xFF]
    end
    crc = ~crc
    if crc < 0 then crc = crc + 4294967296.0 end
    return crc
end

return util
