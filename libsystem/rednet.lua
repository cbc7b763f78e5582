--- system.rednet: CraftOS-style rednet on top of the kernel's rednet handles
-- (`connect("rednet://0.0.0.N")`, reference/phoenix.md §3.5.3).
--
--   local rednet = require "system.rednet"
--   rednet.open()                       -- start receiving (all modems, or one device)
--   rednet.send(7, "hello", "chat")     -- to computer 7, protocol "chat"
--   rednet.broadcast({x = 1})           -- to everyone
--   local id, msg, proto = rednet.receive("chat", 5)   -- nil after 5 s
--
-- Messages keep their Lua type (tables are copied, functions dropped).
-- receive() with a protocol keeps the messages of other protocols for a
-- later receive() instead of throwing them away.
local util = require "system.util"
local expect = require "system.expect"

local syscall = util.syscall
local type, tostring, select = type, tostring, select
local floor = math.floor

local rednet = {
    CHANNEL_BROADCAST = 65535,
    CHANNEL_REPEAT = 65533,
    MAX_ID_CHANNELS = 65500,
}

local device       -- modem device selected by open(), nil for all
local inbox        -- the receive-from-anyone handle, once open
local outgoing = {} -- "id/protocol" -> handle
local backlog = {}  -- messages set aside by a filtered receive: {sender, message, protocol, distance}
local BACKLOG_LIMIT = 1024

local function ipOf(id)
    if id == "*" then return "255.255.255.255" end
    local a = floor(id / 16777216) % 256
    local b = floor(id / 65536) % 256
    local c = floor(id / 256) % 256
    return a .. "." .. b .. "." .. c .. "." .. floor(id % 256)
end

local function connect(id, protocol)
    local scheme = protocol and ("rednet+" .. protocol) or "rednet"
    local h, err = syscall.connect({ url = scheme .. "://" .. ipOf(id), device = device })
    if not h then error(err or "could not open rednet", 3) end
    return h
end

--- Start receiving on every modem, or only on `dev` (a device path or name).
function rednet.open(dev)
    expect(1, dev, "string", "nil")
    if inbox and dev == device then return true end
    rednet.close()
    device = dev
    inbox = connect("*", nil)
    return true
end

--- Stop receiving and close every handle.
function rednet.close()
    if inbox then pcall(inbox.close, inbox) end
    for k, h in pairs(outgoing) do pcall(h.close, h); outgoing[k] = nil end
    inbox = nil
    backlog = {}
end

function rednet.isOpen() return inbox ~= nil end

local function valid(protocol, n)
    expect(n, protocol, "string", "nil")
    if protocol ~= nil and not protocol:match("^%a+$") then
        error("bad argument #" .. n .. " (protocol must be letters only, got '" .. protocol .. "')", 3)
    end
end

--- Send `message` to computer `id` (65535: everyone). True means it was sent, not that it arrived.
function rednet.send(id, message, protocol)
    expect(1, id, "number")
    valid(protocol, 3)
    local key = id .. "/" .. (protocol or "")
    local h = outgoing[key]
    if not h then h = connect(id == rednet.CHANNEL_BROADCAST and "*" or id, protocol); outgoing[key] = h end
    h:write(message)
    return true
end

function rednet.broadcast(message, protocol)
    valid(protocol, 2)
    return rednet.send(rednet.CHANNEL_BROADCAST, message, protocol)
end

local function take(protocol)
    for i = 1, #backlog do
        local m = backlog[i]
        if protocol == nil or m[3] == protocol then
            table.remove(backlog, i)
            return m[1], m[2], m[3], m[4]
        end
    end
    while true do
        local msg, sender, proto, dist = inbox:receive()
        if sender == nil then return nil end
        if protocol == nil or proto == protocol then return sender, msg, proto, dist end
        if #backlog < BACKLOG_LIMIT then backlog[#backlog + 1] = { sender, msg, proto, dist } end
    end
end

--- Wait for a message (of `protocol`, if given) for at most `timeout` seconds.
-- Returns sender, message, protocol, distance; nil on timeout. A number as
-- the only argument is the timeout (as in CraftOS). Other events that arrive
-- meanwhile stay queued for the program.
function rednet.receive(protocol, timeout)
    if type(protocol) == "number" and timeout == nil then protocol, timeout = nil, protocol end
    valid(protocol, 1)
    expect(2, timeout, "number", "nil")
    if not inbox then rednet.open(device) end
    local sender, msg, proto, dist = take(protocol)
    if sender ~= nil then return sender, msg, proto, dist end
    local timer = timeout and syscall.timer(timeout)
    local id = inbox.id
    while true do
        -- handle_data_ready events can be stale (their message was taken already): take() decides.
        local name = util.waitFor(function(name, params)
            return (name == "timer" and params.id == timer) or (name == "handle_data_ready" and params.id == id)
        end)
        if name == "timer" then return nil end
        sender, msg, proto, dist = take(protocol)
        if sender ~= nil then
            if timer then pcall(syscall.cancel, timer) end
            return sender, msg, proto, dist
        end
    end
end

--- A message already waiting, without blocking: sender, message, protocol, distance, or nil.
function rednet.poll(protocol)
    valid(protocol, 1)
    if not inbox then rednet.open(device) end
    return take(protocol)
end

return rednet
