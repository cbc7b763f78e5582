-- rednet-chat: a chat room over rednet broadcasts (protocol "chat").
--
-- usage: rednet-chat [-n NAME] [-p PROTOCOL] [-t SECONDS] [-w SECONDS] [MESSAGE...]
--   -n NAME      your name (default: the computer's label, else "computer<ID>")
--   -p PROTOCOL  the room (default "chat"; letters only)
--   -t SECONDS   leave after SECONDS (default: stay until interrupted)
--   -w SECONDS   wait this long before saying the MESSAGEs (let the others join)
-- Each MESSAGE is said in turn, then every line typed on stdin. Messages
-- from others print as "<name> text". Each line is a table
-- {name = ..., text = ...} broadcast with the room as the protocol.
local util = require "system.util"
local rednet = require "system.rednet"
local sys = util.syscall

local function usage()
    io.stderr:write("usage: rednet-chat [-n NAME] [-p PROTOCOL] [-t SECONDS] [-w SECONDS] [MESSAGE...]\n")
    os.exit(2)
end

local args = { ... }
local name, room, limit, waitFirst = nil, "chat", nil, 0
local said = {}
local i = 1
while i <= #args do
    local a = args[i]
    if a == "-n" then name = args[i + 1]; i = i + 1
    elseif a == "-p" then room = args[i + 1]; i = i + 1
    elseif a == "-t" then limit = tonumber(args[i + 1]); i = i + 1; if not limit then usage() end
    elseif a == "-w" then waitFirst = tonumber(args[i + 1]); i = i + 1; if not waitFirst then usage() end
    elseif a:sub(1, 1) == "-" and a ~= "-" then usage()
    else said[#said + 1] = a end
    i = i + 1
end
if not name then
    local label = sys.devcall("/", "getLabel")
    name = label or ("computer" .. sys.getcomputerid())
end
if type(room) ~= "string" or not room:match("^%a+$") then io.stderr:write("rednet-chat: the room must be letters only\n") os.exit(2) end

rednet.open()
local started = sys.uptime()

local function say(text)
    rednet.broadcast({ name = name, text = text }, room)
    print("<" .. name .. "> " .. text)
end

-- Typing and saying run in their own thread; the main thread listens.
sys.newthread(function()
    if waitFirst > 0 then util.sleep(waitFirst) end
    say("* joined")
    for _, text in ipairs(said) do say(text) end
    while true do
        local line = io.read("l")
        if line == nil then break end
        if line ~= "" then say(line) end
    end
end)

while true do
    local left = limit and (limit - (sys.uptime() - started))
    if left and left <= 0 then break end
    local id, msg = rednet.receive(room, left)
    if id == nil then break end
    if type(msg) == "table" and type(msg.text) == "string" then
        print("<" .. tostring(msg.name or id) .. "> " .. msg.text)
    end
end
rednet.close()
os.exit(0)
