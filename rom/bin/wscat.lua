-- wscat: a WebSocket client. Sends lines of standard input (or -x messages)
-- as messages and prints every message received.
local util = require "system.util"
local network = require "system.network"
local process = require "system.process"
local cli = dofile("/rom/lib/cli.lua")

local program = cli.program("wscat", [[
usage: wscat [options] URL
  -x MESSAGE  send MESSAGE instead of reading standard input (repeatable)
  -n COUNT    with -x: close after COUNT messages were received (default: one per -x)
  -w SECONDS  after standard input ends, wait this long for replies (default 1)
  -t          send text frames (default: binary frames)
  -H HEADER   add a handshake header "Name: value" (repeatable)
]])
local opts = program.options({ x = "multiple", n = "number", w = "number", t = false, H = "multiple" }, ...)
if #opts ~= 1 then program.usage("expected one URL") end

local headers = cli.headers(opts.H, program)

local ok, ws, cerr = pcall(network.connect, { url = opts[1], headers = headers, encoding = opts.t and "utf8" or "binary" })
if not ok then program.fail(ws, 2) end
if not ws then program.fail(cerr) end
local p = network.awaitStatus(ws)
if p.status ~= "open" then program.fail(p.error or p.status) end
io.stderr:write("connected to " .. opts[1] .. "\n")

local want = math.huge
if opts.x then
    for _, m in ipairs(opts.x) do ws:write(m) end
    want = opts.n or #opts.x
else
    -- A reader thread forwards standard input; the main thread handles the socket.
    process.newthread(function()
        for line in io.lines() do
            if ws:status() ~= "open" then break end
            ws:write(line)
        end
        util.queueEvent("wscat_eof", {})
    end)
end

local received, deadline = 0, nil
while received < want do
    local name, ev = coroutine.yield()
    if name == "handle_data_ready" and ev.id == ws.id then
        while true do
            local m = ws:read("*a")
            if not m then break end
            received = received + 1
            io.write("< " .. m .. "\n")
        end
    elseif name == "handle_status_change" and ev.id == ws.id and ev.status ~= "open" then
        io.stderr:write(("disconnected (%s%s)\n"):format(tostring(ev.code or ev.error or ev.status), ev.reason and (" " .. ev.reason) or ""))
        os.exit(ev.error and 1 or 0)
    elseif name == "wscat_eof" then
        deadline = util.timer(opts.w or 1)
    elseif name == "timer" and ev.id == deadline then
        break
    end
end
ws:close()
