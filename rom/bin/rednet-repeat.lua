-- rednet-repeat: pass rednet messages on between every modem of this
-- computer, so they cross from one network to another (the CraftOS
-- repeater, reference/cc-reference.md §2.5). Listens on the repeat channel
-- 65533 and re-sends each envelope, unchanged and with its reply channel,
-- on 65533 and on the recipient's channel, on every modem. Each message ID
-- is repeated once (remembered for 30 s).
--
-- usage: rednet-repeat [-q] [-t SECONDS]
--   -q          quiet: do not print a line per repeated message
--   -t SECONDS  stop after SECONDS (default: run until killed)
local util = require "system.util"
local sys = util.syscall

local REPEAT, BROADCAST, MAX_ID = 65533, 65535, 65500
local REMEMBER = 30

local quiet, limit = false, nil
local args = { ... }
local i = 1
while i <= #args do
    local a = args[i]
    if a == "-q" then quiet = true
    elseif a == "-t" then limit = tonumber(args[i + 1]); i = i + 1
        if not limit then io.stderr:write("rednet-repeat: -t needs a number of seconds\n") os.exit(2) end
    else io.stderr:write("usage: rednet-repeat [-q] [-t SECONDS]\n") os.exit(2) end
    i = i + 1
end

local modems = {}
for _, path in ipairs({ sys.devfind("modem") }) do
    if path ~= "/lo" then modems[#modems + 1] = path end
end
if #modems == 0 then io.stderr:write("rednet-repeat: no modems attached\n") os.exit(1) end
for _, m in ipairs(modems) do
    sys.devlisten(m)
    sys.devcall(m, "open", REPEAT)
end
print(("Repeating between %d modems: %s"):format(#modems, table.concat(modems, ", ")))

local seen = {}        -- message ID -> time it may be forgotten
local count = 0
local stop = limit and sys.timer(limit)
local prune = sys.timer(REMEMBER)

while true do
    local ev, p = coroutine.yield()
    if ev == "timer" and p.id == stop then break
    elseif ev == "timer" and p.id == prune then
        local now = sys.uptime()
        for id, t in pairs(seen) do if t <= now then seen[id] = nil end end
        prune = sys.timer(REMEMBER)
    elseif ev == "modem_message" and p.channel == REPEAT then
        local msg = p.message
        if type(msg) == "table" and type(msg.nMessageID) == "number" and type(msg.nRecipient) == "number"
            and not seen[msg.nMessageID] then
            seen[msg.nMessageID] = sys.uptime() + REMEMBER
            local target = msg.nRecipient == BROADCAST and BROADCAST or msg.nRecipient % MAX_ID
            for _, m in ipairs(modems) do
                sys.devcall(m, "transmit", REPEAT, p.replyChannel, msg)
                sys.devcall(m, "transmit", target, p.replyChannel, msg)
            end
            count = count + 1
            if not quiet then
                print(("#%d: %s -> %s via %s"):format(count, tostring(msg.nSender), tostring(msg.nRecipient), p.device))
            end
        end
    end
end
print(("Repeated %d messages"):format(count))
