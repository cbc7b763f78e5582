-- bob: wait for one chat message and answer its sender.
local rednet = require "system.rednet"

rednet.open()
local id, msg, proto, distance = rednet.receive("chat", 30)
if not id then error("nobody said anything") end
print(("bob: %s (computer %d, %.1f blocks away) says %q"):format(msg.from, id, distance or -1, msg.text))
rednet.send(id, { from = "bob", text = "hi " .. msg.from .. "!" }, "chat")
