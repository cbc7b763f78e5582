-- alice: greet bob (computer 2) on protocol "chat" and wait for the answer.
local rednet = require "system.rednet"
local util = require "system.util"

local name = ... or "bob"
rednet.open()
util.sleep(1) -- let bob start listening
print("alice: saying hello to " .. name)
rednet.send(2, { from = "alice", text = "hello " .. name }, "chat")
local id, msg = rednet.receive("chat", 10)
if not id then error("no answer from " .. name) end
print(("alice: computer %d says %q"):format(id, msg.text))
