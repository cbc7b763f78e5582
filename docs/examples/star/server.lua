-- server: answer "ping" requests on protocol "star". Once every client has
-- been served (the number of clients is the first argument) it keeps
-- answering retries until the network has been quiet for 3 seconds.
local rednet = require "system.rednet"

local clients = tonumber(... or "20")
local served = {}
local count = 0
rednet.open()
print(("server: waiting for %d clients"):format(clients))
while true do
    local id, msg = rednet.receive("star", count < clients and 30 or 3)
    if not id then break end
    if type(msg) == "table" and msg.op == "ping" then
        rednet.send(id, { op = "pong", seq = msg.seq, n = msg.n * 2 }, "star")
        if not served[id] then served[id] = true; count = count + 1 end
    end
end
if count < clients then error(("server: only %d of %d clients were served"):format(count, clients)) end
print(("server: served %d clients"):format(count))
