-- less: page through text.
--   Space / Page Down / f: next page     b / Page Up: previous page
--   Down / Enter / j: next line          Up / k: previous line
--   g / Home: top      G / End: bottom   /TEXT: search, n: next match
--   q: quit
local terminal = require "system.terminal"
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end

local program = cli.program("less", "usage: less [FILE...]\n  keys: Space/b page, Up/Down line, g/G top/bottom, /TEXT search, n next, q quit\n")
local args = { ... }
local files = {}
for _, a in ipairs(args) do
    if a == "--help" or (a:sub(1, 1) == "-" and a ~= "-") then
        program.usage()
    end
    files[#files + 1] = a
end

-- read the text
local chunks = {}
local title = nil
local function readStdin()
    while true do
        local _, data = sys("read", 8192)
        if data == nil then return end
        chunks[#chunks + 1] = data
    end
end
local _, inTTY, outTTY = sys("istty")
if #files == 0 then
    if inTTY then program.fail("missing file name (or pipe text into less)", 2) end
    readStdin()
    title = "(standard input)"
else
    for _, f in ipairs(files) do
        if f == "-" then
            readStdin()
        else
            local h = cli.openInput(program, f)
            if h then
                chunks[#chunks + 1] = h.readAll() or ""
                h.close()
            end
        end
    end
    title = table.concat(files, " ")
    if #chunks == 0 then program.exit() end
end
local text = table.concat(chunks):gsub("\r\n", "\n"):gsub("\t", "    "):gsub("\27%[[%d;?]*[%a@]", "")
local raw = {}
for l in (text .. (text:sub(-1) == "\n" and "" or "\n")):gmatch("([^\n]*)\n") do raw[#raw + 1] = l end

-- not a terminal: behave like cat
if not outTTY then
    for _, l in ipairs(raw) do print(l) end
    program.exit()
end

-- keys come from the terminal; with a pipe on stdin, take the terminal back
if not inTTY then
    if not sys("capture") then
        local vt = tonumber((os.getenv("TTY") or ""):match("%d+$"))
        if not vt then
            local _, info = sys("getpinfo", select(2, sys("getpid")))
            if type(info) == "table" and type(info.stdout) == "number" then vt = info.stdout end
        end
        if not (vt and sys("stdin", vt) and sys("capture")) then
            -- no keyboard to page with: print the text instead of waiting forever
            for _, l in ipairs(raw) do print(l) end
            program.exit()
        end
    end
end

local t, terr = terminal.openterm()
if not t then
    for _, l in ipairs(raw) do print(l) end
    program.exit()
end
local W, H = t:getSize()
local lines = {}
local function wrap()
    lines = {}
    for _, l in ipairs(raw) do
        if #l == 0 then lines[#lines + 1] = "" end
        local i = 1
        while i <= #l do lines[#lines + 1] = l:sub(i, i + W - 1) i = i + W end
    end
end
wrap()
local top = 1
local search, message = nil, nil
local function maxTop() return math.max(1, #lines - (H - 1) + 1) end

local function draw()
    if top > maxTop() then top = maxTop() end
    if top < 1 then top = 1 end
    for row = 1, H - 1 do
        local l = lines[top + row - 1]
        t:setCursorPos(1, row)
        t:setBackgroundColor(15)
        t:clearLine()
        if l then
            if search and search ~= "" and l:find(search, 1, true) then
                local fg = ("0"):rep(#l)
                local s = 1
                while true do
                    local a, b = l:find(search, s, true)
                    if not a then break end
                    fg = fg:sub(1, a - 1) .. ("4"):rep(b - a + 1) .. fg:sub(b + 1)
                    s = b + 1
                end
                t:blit(l, fg, ("f"):rep(#l))
            else
                t:setTextColor(0)
                t:write(l)
            end
        else
            t:setTextColor(7)
            t:write("~")
        end
    end
    local pct = math.floor(math.min(#lines, top + H - 2) * 100 / math.max(1, #lines))
    local s = message or (" " .. title .. (" lines %d-%d/%d %d%%"):format(top, math.min(#lines, top + H - 2), #lines, pct) .. (top >= maxTop() and " (END)" or "") .. "  q quits")
    s = s:sub(1, W)
    t:setCursorPos(1, H)
    t:blit(s .. (" "):rep(W - #s), ("f"):rep(W), ("8"):rep(W))
    message = nil
end

local function findNext(from)
    for i = from, #lines do
        if lines[i]:find(search, 1, true) then top = i return true end
    end
    message = " Pattern not found: " .. search
    return false
end

local function ask(prompt)
    local answer = ""
    while true do
        local s = prompt .. answer
        t:setCursorPos(1, H)
        t:blit(s .. (" "):rep(math.max(0, W - #s)), ("0"):rep(math.max(W, #s)):sub(1, math.max(W, #s)), ("f"):rep(math.max(W, #s)))
        local name, p = coroutine.yield()
        if name == "char" then answer = answer .. p.character
        elseif name == "key" then
            if p.keycode == 0x0A then return answer
            elseif p.keycode == 0x08 then
                if answer == "" then return nil end
                answer = answer:sub(1, -2)
            elseif p.ctrlHeld and p.keycode == 0x63 then return nil end
        end
    end
end

local ok, err = pcall(function()
    draw()
    local page = H - 1
    while true do
        local name, p = coroutine.yield()
        if type(p) ~= "table" then p = {} end
        local quit = false
        if name == "char" then
            local c = p.character
            if c == "q" or c == "Q" then quit = true
            elseif c == " " or c == "f" then top = top + page
            elseif c == "b" then top = top - page
            elseif c == "j" then top = top + 1
            elseif c == "k" then top = top - 1
            elseif c == "d" then top = top + page // 2
            elseif c == "u" then top = top - page // 2
            elseif c == "g" or c == "<" then top = 1
            elseif c == "G" or c == ">" then top = maxTop()
            elseif c == "/" then
                local s = ask("/")
                if s and s ~= "" then search = s findNext(top) end
            elseif c == "n" and search then findNext(top + 1)
            end
            if not quit then draw() end
        elseif name == "key" then
            local k = p.keycode
            if k == 0xC1 or k == 0x0A then top = top + 1
            elseif k == 0xC0 then top = top - 1
            elseif k == 0xC5 then top = top + page
            elseif k == 0xC4 then top = top - page
            elseif k == 0xC6 then top = 1
            elseif k == 0xC7 then top = maxTop()
            elseif p.ctrlHeld and k == 0x63 then quit = true
            end
            if not quit then draw() end
        elseif name == "term_resize" then
            W, H = t:getSize()
            page = H - 1
            wrap()
            draw()
        end
        if quit then break end
    end
end)
t:close()
pcall(sys, "release")
if not ok then program.fail(err) end
program.exit()
