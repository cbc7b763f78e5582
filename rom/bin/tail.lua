-- tail: the last lines of files or standard input.
local util = require "system.util"
local function sys(...) return coroutine.yield("syscall", ...) end
local function usage()
    io.stderr:write("usage: tail [-n COUNT] [FILE...]\n  -n  how many lines (default 10)\n")
    os.exit(2)
end
local args = { ... }
for i, a in ipairs(args) do if a:match("^%-%d+$") then args[i] = "-n" table.insert(args, i + 1, a:sub(2)) break end end
for i, a in ipairs(args) do if a == "-" then args[i] = "\0-" end end
local opts, err = util.argparse({ n = "number", help = false }, table.unpack(args))
if opts then for i, a in ipairs(opts) do if a == "\0-" then opts[i] = "-" end end end
if not opts then io.stderr:write("tail: " .. err .. "\n") usage() end
if opts.help then usage() end
local count = opts.n or 10
if count < 0 or math.floor(count) ~= count then io.stderr:write("tail: invalid number of lines\n") usage() end
local status = 0
local function fromReader(readLine)
    local ring, n = {}, 0
    while true do
        local l = readLine()
        if l == nil then break end
        n = n + 1
        ring[n] = l
        ring[n - count] = nil
    end
    for i = math.max(1, n - count + 1), n do sys("write", ring[i] .. "\n") end
end
if #opts == 0 then opts[1] = "-" end
for i, f in ipairs(opts) do
    if #opts > 1 then sys("write", (i > 1 and "\n" or "") .. "==> " .. f .. " <==\n") end
    if f == "-" then
        fromReader(function() local _, l = sys("readline") return l end)
    else
        local ok, h, e = sys("open", f, "r")
        if not ok or not h then io.stderr:write("tail: " .. f .. ": " .. tostring(e or h) .. "\n") status = 1
        else fromReader(h.readLine) h.close() end
    end
end
os.exit(status)
