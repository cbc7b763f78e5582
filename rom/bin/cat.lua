-- cat: concatenate files (or standard input) to standard output.
local util = require "system.util"
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end

local program = cli.program("cat", "usage: cat [-n] [FILE...]\n  -n  number the output lines\n  -   read standard input\n")

-- util.argparse takes a lone "-" as the end of the options: keep it as a name
local rawArgs = { ... }
for i, a in ipairs(rawArgs) do if a == "-" then rawArgs[i] = "\0-" end end
local opts, err = util.argparse({ n = false, help = false }, table.unpack(rawArgs))
if opts then for i, a in ipairs(opts) do if a == "\0-" then opts[i] = "-" end end end
if not opts then program.usage(err) end
if opts.help then program.usage() end

local lineNo = 0
local atLineStart = true
local function emit(data)
    if not opts.n then sys("write", data) return end
    local out = {}
    for piece, nl in data:gmatch("([^\n]*)(\n?)") do
        if piece == "" and nl == "" then break end
        if atLineStart then
            lineNo = lineNo + 1
            out[#out + 1] = ("%6d\t"):format(lineNo)
        end
        out[#out + 1] = piece .. nl
        atLineStart = nl ~= ""
    end
    sys("write", table.concat(out))
end

local function catStdin()
    while true do
        local ok, data = sys("read", 4096)
        if not ok or data == nil then return end
        emit(data)
    end
end

if #opts == 0 then opts[1] = "-" end
for _, file in ipairs(opts) do
    if file == "-" then catStdin()
    else
        local h = cli.openInput(program, file)
        if h then
            while true do
                local chunk = h.read(4096)
                if chunk == nil or chunk == "" then break end
                emit(chunk)
            end
            h.close()
        end
    end
end
program.exit()
