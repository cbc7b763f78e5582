-- edit: a full-screen text editor.
--   Arrows, Home/End, Page Up/Down move; typing inserts; Backspace/Delete
--   remove; Enter splits the line (keeping its indentation); Tab inserts
--   spaces; Ctrl+S saves; Ctrl+Q quits (asking when there are unsaved
--   changes); Ctrl+K cuts the line; Ctrl+G goes to a line number.
local terminal = require "system.terminal"
local function sys(...) return coroutine.yield("syscall", ...) end

local args = { ... }
if #args ~= 1 or args[1]:sub(1, 1) == "-" then
    io.stderr:write("usage: edit FILE\n")
    os.exit(2)
end
local path = args[1]
local _, st = sys("stat", path)
if type(st) == "table" and st.type == "directory" then
    io.stderr:write("edit: " .. path .. ": Is a directory\n")
    os.exit(1)
end

-- the file ---------------------------------------------------------------
local lines = {}
local isNew = type(st) ~= "table"
if not isNew then
    local ok, h, err = sys("open", path, "rb")
    if not ok or not h then
        io.stderr:write("edit: " .. path .. ": " .. tostring(err or h) .. "\n")
        os.exit(1)
    end
    local data = h.readAll() or ""
    h.close()
    for l in (data:gsub("\r\n", "\n") .. (data:sub(-1) == "\n" and "" or "\n")):gmatch("([^\n]*)\n") do
        lines[#lines + 1] = (l:gsub("\t", "    "))
    end
end
if #lines == 0 then lines[1] = "" end

local t, terr = terminal.openterm()
if not t then
    io.stderr:write("edit: needs a terminal (" .. tostring(terr) .. ")\n")
    os.exit(1)
end
local savedFlags = terminal.termctl()
if savedFlags then terminal.termctl({ raw = true }) end

local W, H = t:getSize()
local cx, cy = 1, 1        -- cursor (column, line) in the buffer
local scrollX, scrollY = 0, 0
local modified = false
local message = isNew and ("New file " .. path) or nil
local KEY = {
    enter = 0x0A, backspace = 0x08, tab = 0x09, delete = 0x7F, up = 0xC0, down = 0xC1, left = 0xC2,
    right = 0xC3, pageUp = 0xC4, pageDown = 0xC5, home = 0xC6, ["end"] = 0xC7, numPadEnter = 0xAF,
}
local COLOURS = { text = "0", bg = "f", status = "f", statusBg = "8", keyword = "4", string = "e", comment = "d", number = "9" }

-- Lua highlighting for .lua files
local highlight = path:match("%.lua$") ~= nil
local KEYWORDS = {}
for w in ("and break do else elseif end false for function goto if in local nil not or repeat return then true until while"):gmatch("%a+") do KEYWORDS[w] = true end

local function colourLine(s)
    local fg = {}
    local i = 1
    local n = #s
    while i <= n do
        local c = s:sub(i, i)
        if s:sub(i, i + 1) == "--" then
            for k = i, n do fg[k] = COLOURS.comment end
            break
        elseif c == '"' or c == "'" then
            local j = i + 1
            while j <= n and s:sub(j, j) ~= c do
                if s:sub(j, j) == "\\" then j = j + 1 end
                j = j + 1
            end
            for k = i, math.min(j, n) do fg[k] = COLOURS.string end
            i = j + 1
        elseif c:match("[%a_]") then
            local w = s:match("^[%w_]+", i)
            local col = KEYWORDS[w] and COLOURS.keyword or COLOURS.text
            for k = i, i + #w - 1 do fg[k] = col end
            i = i + #w
        elseif c:match("%d") then
            local w = s:match("^[%w_%.]+", i)
            for k = i, i + #w - 1 do fg[k] = COLOURS.number end
            i = i + #w
        else
            fg[i] = COLOURS.text
            i = i + 1
        end
    end
    for k = 1, n do fg[k] = fg[k] or COLOURS.text end
    return table.concat(fg)
end

local function clampCursor()
    if cy < 1 then cy = 1 end
    if cy > #lines then cy = #lines end
    if cx < 1 then cx = 1 end
    if cx > #lines[cy] + 1 then cx = #lines[cy] + 1 end
    local textH = H - 1
    if cy - scrollY < 1 then scrollY = cy - 1 end
    if cy - scrollY > textH then scrollY = cy - textH end
    if cx - scrollX < 1 then scrollX = cx - 1 end
    if cx - scrollX > W then scrollX = cx - W end
end

local function statusText()
    local left = " " .. path .. (modified and " [+]" or "")
    if message then left = " " .. message end
    local right = ("Ln %d, Col %d  ^S save ^Q quit "):format(cy, cx)
    if #left + #right >= W then right = ("%d,%d "):format(cy, cx) end
    local pad = W - #left - #right
    if pad < 1 then left = left:sub(1, W - #right - 1) pad = 1 end
    return left .. (" "):rep(pad) .. right
end

local function draw()
    clampCursor()
    local textH = H - 1
    for row = 1, textH do
        local l = lines[scrollY + row]
        t:setCursorPos(1, row)
        if l then
            local visible = l:sub(scrollX + 1, scrollX + W)
            local fg = highlight and colourLine(l):sub(scrollX + 1, scrollX + W) or COLOURS.text:rep(#visible)
            visible = visible .. (" "):rep(W - #visible)
            fg = fg .. COLOURS.text:rep(W - #fg)
            t:blit(visible, fg, COLOURS.bg:rep(W))
        else
            t:blit("~" .. (" "):rep(W - 1), "7" .. COLOURS.text:rep(W - 1), COLOURS.bg:rep(W))
        end
    end
    local s = statusText():sub(1, W)
    s = s .. (" "):rep(W - #s)
    t:setCursorPos(1, H)
    t:blit(s, COLOURS.status:rep(W), COLOURS.statusBg:rep(W))
    t:setCursorPos(cx - scrollX, cy - scrollY)
    t:setTextColor(0)
    t:setCursorBlink(true)
end

local function save()
    local data = table.concat(lines, "\n") .. "\n"
    local ok, h, err = sys("open", path, "wb")
    if not ok or not h then
        message = "Cannot save: " .. tostring(err or h)
        return false
    end
    local okW, werr = pcall(h.write, data)
    h.close()
    if not okW then message = "Cannot save: " .. tostring(werr) return false end
    modified = false
    message = ("Saved %d lines to %s"):format(#lines, path)
    return true
end

-- A question on the status line; returns the typed answer (nil on Ctrl+C/Escape).
local function ask(question, isChar)
    local answer = ""
    while true do
        local s = (" " .. question .. answer)
        s = s:sub(1, W) .. (" "):rep(math.max(0, W - #s))
        t:setCursorPos(1, H)
        t:blit(s, COLOURS.status:rep(W), COLOURS.statusBg:rep(W))
        t:setCursorPos(math.min(W, #question + #answer + 2), H)
        local name, p = coroutine.yield()
        if name == "char" then
            answer = answer .. p.character
            if isChar then return answer end
        elseif name == "key" then
            if p.keycode == KEY.enter or p.keycode == KEY.numPadEnter then return answer
            elseif p.keycode == KEY.backspace then answer = answer:sub(1, -2)
            elseif p.ctrlHeld and (p.keycode == 0x63 or p.keycode == 0x67) then return nil end
        elseif name == "term_resize" then
            W, H = t:getSize()
            draw()
        end
    end
end

local function insertText(s)
    s = s:gsub("\t", "    ")
    local first = true
    for piece in (s .. "\n"):gmatch("([^\n]*)\n") do
        if not first then
            local l = lines[cy]
            lines[cy] = l:sub(1, cx - 1)
            table.insert(lines, cy + 1, l:sub(cx))
            cy, cx = cy + 1, 1
        end
        first = false
        piece = piece:gsub("[%c]", "")
        local l = lines[cy]
        lines[cy] = l:sub(1, cx - 1) .. piece .. l:sub(cx)
        cx = cx + #piece
    end
    modified = true
end

local running = true
local suppressChar = nil
local function handleKey(p)
    local code, ctrl = p.keycode, p.ctrlHeld
    suppressChar = ((ctrl or p.altHeld) and type(code) == "number" and code >= 0x20 and code < 0x7F) and string.char(code) or nil
    message = nil
    if ctrl and code == 0x73 then -- Ctrl+S
        save()
    elseif ctrl and code == 0x71 then -- Ctrl+Q
        if modified then
            local a = ask("Save changes to " .. path .. "? (y/n, Ctrl+C cancels) ", true)
            if a == nil then message = "Cancelled"
            elseif a:lower() == "y" then if save() then running = false end
            elseif a:lower() == "n" then running = false
            else message = "Cancelled" end
        else
            running = false
        end
    elseif ctrl and code == 0x6B then -- Ctrl+K: cut the line
        table.remove(lines, cy)
        if #lines == 0 then lines[1] = "" end
        cx = 1
        modified = true
    elseif ctrl and code == 0x67 then -- Ctrl+G: go to line
        local a = ask("Go to line: ")
        local n = tonumber(a or "")
        if n then cy = math.floor(n) cx = 1 end
    elseif code == KEY.up then cy = cy - 1
    elseif code == KEY.down then cy = cy + 1
    elseif code == KEY.left then
        if cx > 1 then cx = cx - 1 elseif cy > 1 then cy = cy - 1 cx = #lines[cy] + 1 end
    elseif code == KEY.right then
        if cx <= #lines[cy] then cx = cx + 1 elseif cy < #lines then cy = cy + 1 cx = 1 end
    elseif code == KEY.home then cx = 1
    elseif code == KEY["end"] then cx = #lines[cy] + 1
    elseif code == KEY.pageUp then cy = cy - (H - 2)
    elseif code == KEY.pageDown then cy = cy + (H - 2)
    elseif code == KEY.enter or code == KEY.numPadEnter then
        local l = lines[cy]
        local indent = l:match("^%s*")
        if #indent >= cx then indent = "" end
        lines[cy] = l:sub(1, cx - 1)
        table.insert(lines, cy + 1, indent .. l:sub(cx))
        cy, cx = cy + 1, #indent + 1
        modified = true
    elseif code == KEY.backspace then
        if cx > 1 then
            local l = lines[cy]
            lines[cy] = l:sub(1, cx - 2) .. l:sub(cx)
            cx = cx - 1
            modified = true
        elseif cy > 1 then
            cx = #lines[cy - 1] + 1
            lines[cy - 1] = lines[cy - 1] .. lines[cy]
            table.remove(lines, cy)
            cy = cy - 1
            modified = true
        end
    elseif code == KEY.delete then
        local l = lines[cy]
        if cx <= #l then
            lines[cy] = l:sub(1, cx - 1) .. l:sub(cx + 1)
            modified = true
        elseif cy < #lines then
            lines[cy] = l .. lines[cy + 1]
            table.remove(lines, cy + 1)
            modified = true
        end
    elseif code == KEY.tab then
        insertText((" "):rep(4 - (cx - 1) % 4))
    end
    if cy < 1 then cy = 1 end
    if cy > #lines then cy = #lines end
    if cx > #lines[cy] + 1 then cx = #lines[cy] + 1 end
end

local ok, err = pcall(function()
    draw()
    while running do
        local name, p = coroutine.yield()
        if type(p) ~= "table" then p = {} end
        if name == "key" then handleKey(p) draw()
        elseif name == "char" then
            if suppressChar and p.character:lower() == suppressChar then suppressChar = nil
            else insertText(p.character) message = nil draw() end
        elseif name == "paste" then insertText(p.text or "") draw()
        elseif name == "term_resize" then W, H = t:getSize() draw()
        end
    end
end)
if savedFlags then terminal.termctl(savedFlags) end
t:close()
if not ok then
    io.stderr:write("edit: " .. tostring(err) .. "\n")
    os.exit(1)
end
