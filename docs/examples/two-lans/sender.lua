-- sender (LAN A): send three numbered messages to computer 3 on the other
-- LAN and wait for each acknowledgement; everything crosses the repeater.
local rednet = require "system.rednet"
local util = require "system.util"

rednet.open()
util.sleep(1)
for i = 1, 3 do
    rednet.send(3, { seq = i, text = "message " .. i }, "lan")
    local id, ack = rednet.receive("lan", 5)
    if not id then error("no acknowledgement for message " .. i) end
    print(("sender: computer %d acknowledged %d"):format(id, ack.seq))
end
