-- grep: print lines that match a pattern.
-- The pattern is a Lua pattern (see the Lua manual), or plain text with -F.
local util = require "system.util"
local function sys(...) return coroutine.yield("syscall", ...) end
local function usage()
    io.stderr:write([[usage: grep [-i] [-v] [-n] [-c] [-q] [-F] PATTERN [FILE...]
  -i  ignore case       -v  lines that do not match   -n  line numbers
  -c  count the lines   -q  quiet: only the status    -F  PATTERN is plain text
PATTERN is a Lua pattern. Status 0 when a line matched, 1 when none, 2 on errors.
]])
    os.exit(2)
end
local rawArgs = { ... }
for i, a in ipairs(rawArgs) do if a == "-" then rawArgs[i] = "\0-" end end
local opts, err = util.argparse({ i = false, v = false, n = false, c = false, q = false, F = false, help = false }, table.unpack(rawArgs))
if opts then for i, a in ipairs(opts) do if a == "\0-" then opts[i] = "-" end end end
if not opts then io.stderr:write("grep: " .. err .. "\n") usage() end
if opts.help or #opts < 1 then usage() end
local pattern = opts[1]
if opts.i then pattern = pattern:lower() end
if not opts.F then
    local ok, e = pcall(string.find, "", pattern)
    if not ok then io.stderr:write("grep: bad pattern: " .. tostring(e):gsub("^.-:%d+: ", "") .. "\n") os.exit(2) end
end
local files = { table.unpack(opts, 2) }
local matched, status = false, 0
local function scan(readLine, name)
    local n, hits = 0, 0
    while true do
        local l = readLine()
        if l == nil then break end
        n = n + 1
        local subject = opts.i and l:lower() or l
        local found = subject:find(pattern, 1, opts.F) ~= nil
        if found ~= (opts.v == true) then
            hits = hits + 1
            matched = true
            if opts.q then os.exit(0) end
            if not opts.c then
                sys("write", (name and (name .. ":") or "") .. (opts.n and (n .. ":") or "") .. l .. "\n")
            end
        end
    end
    if opts.c then sys("write", (name and (name .. ":") or "") .. hits .. "\n") end
end
if #files == 0 then files[1] = "-" end
for _, f in ipairs(files) do
    local label = #files > 1 and f or nil
    if f == "-" then scan(function() local _, l = sys("readline") return l end, label)
    else
        local ok, h, e = sys("open", f, "r")
        if not ok or not h then
            if not opts.q then io.stderr:write("grep: " .. f .. ": " .. tostring(e or h) .. "\n") end
            status = 2
        else scan(h.readLine, label) h.close() end
    end
end
if status == 2 then os.exit(2) end
os.exit(matched and 0 or 1)
