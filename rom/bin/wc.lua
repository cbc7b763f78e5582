-- wc: count lines, words and bytes.
local util = require "system.util"
local function sys(...) return coroutine.yield("syscall", ...) end
local function usage()
    io.stderr:write("usage: wc [-l] [-w] [-c] [FILE...]\n  -l lines  -w words  -c bytes (all three by default)\n")
    os.exit(2)
end
local opts, err = util.argparse({ l = false, w = false, c = false, help = false }, ...)
if not opts then io.stderr:write("wc: " .. err .. "\n") usage() end
if opts.help then usage() end
if not (opts.l or opts.w or opts.c) then opts.l, opts.w, opts.c = true, true, true end
local function count(data)
    local lines = select(2, data:gsub("\n", ""))
    local words = 0
    for _ in data:gmatch("%S+") do words = words + 1 end
    return lines, words, #data
end
local function show(l, w, c, name)
    local parts = {}
    if opts.l then parts[#parts + 1] = ("%7d"):format(l) end
    if opts.w then parts[#parts + 1] = ("%7d"):format(w) end
    if opts.c then parts[#parts + 1] = ("%7d"):format(c) end
    print(table.concat(parts, " ") .. (name and (" " .. name) or ""))
end
local status = 0
if #opts == 0 then
    local chunks = {}
    while true do
        local _, d = sys("read", 8192)
        if d == nil then break end
        chunks[#chunks + 1] = d
    end
    show(count(table.concat(chunks)))
    return
end
local tl, tw, tc = 0, 0, 0
for _, f in ipairs(opts) do
    local ok, h, e = sys("open", f, "rb")
    if not ok or not h then io.stderr:write("wc: " .. f .. ": " .. tostring(e or h) .. "\n") status = 1
    else
        local data = h.readAll() or ""
        h.close()
        local l, w, c = count(data)
        tl, tw, tc = tl + l, tw + w, tc + c
        show(l, w, c, f)
    end
end
if #opts > 1 then show(tl, tw, tc, "total") end
os.exit(status)
