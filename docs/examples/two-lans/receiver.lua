-- receiver (LAN B): acknowledge three messages from computer 1.
local rednet = require "system.rednet"

rednet.open()
for _ = 1, 3 do
    local id, msg = rednet.receive("lan", 20)
    if not id then error("the messages did not arrive") end
    print(("receiver: %q from computer %d"):format(msg.text, id))
    rednet.send(id, { seq = msg.seq }, "lan")
end
