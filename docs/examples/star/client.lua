-- client: ask the server (computer 100) to double a number; retry when the
-- request or the answer is lost on the way (the medium drops some frames).
local rednet = require "system.rednet"
local util = require "system.util"
local sys = util.syscall

local SERVER = 100
local me = sys.getcomputerid()
rednet.open()
util.sleep(1 + (me % 5) * 0.1) -- the server starts first; clients spread out a little
for attempt = 1, 8 do
    rednet.send(SERVER, { op = "ping", seq = attempt, n = me }, "star")
    local id, msg = rednet.receive("star", 0.5)
    if id == SERVER and msg.seq == attempt then
        print(("client %d: %d * 2 = %d (attempt %d)"):format(me, me, msg.n, attempt))
        return
    end
end
error("client " .. me .. ": no answer after 8 attempts")
