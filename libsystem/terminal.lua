--- system.terminal: terminal I/O.
--
-- Thin wrappers of the terminal syscalls, the Phoenix colour indices and
-- `toEscape`. Colours are the indices 0..15 (not CraftOS's 2^n values).
-- `toEscape` uses the SGR codes 30–37/90–97 (40–47/100–107 for the
-- background) in this fixed order, which cinder's TTY maps back to the
-- same 16 palette slots:
--   index  name        SGR fg    index  name       SGR fg
--   15     black       30        7      gray       90
--   14     red         31        1      orange     91
--   13     green       32        5      lime       92
--   12     brown       33        4      yellow     93
--   11     blue        34        3      lightBlue  94
--   10     purple      35        2      magenta    95
--   9      cyan        36        6      pink       96
--   8      lightGray   37        0      white      97
-- readline2 is a line editor with history and completion (see below).
local util = require "system.util"
local expect = require "system.expect"

local syscall = util.syscall
local type, select, error, tostring = type, select, error, tostring

local terminal = {}

local colors = {
    white = 0, orange = 1, magenta = 2, lightBlue = 3, yellow = 4, lime = 5, pink = 6,
    gray = 7, grey = 7, lightGray = 8, lightGrey = 8, cyan = 9, purple = 10, blue = 11,
    brown = 12, green = 13, red = 14, black = 15,
}
terminal.colors = colors
terminal.colours = colors

--- SGR foreground code of each colour index (background is +10).
local sgr = {
    [0] = 97, [1] = 91, [2] = 95, [3] = 94, [4] = 93, [5] = 92, [6] = 96, [7] = 90,
    [8] = 37, [9] = 36, [10] = 35, [11] = 34, [12] = 33, [13] = 32, [14] = 31, [15] = 30,
}
terminal.sgr = sgr

--- toEscape(color, background?) -> the ANSI escape selecting that colour
-- as the text colour, or as the background colour when `background`.
function terminal.toEscape(color, background)
    expect(1, color, "number")
    expect(2, background, "boolean", "nil")
    local code = sgr[color]
    if code == nil then error("bad argument #1 (invalid colour index " .. tostring(color) .. ")", 2) end
    if background then code = code + 10 end
    return "\27[" .. code .. "m"
end

--- write(...): write values (tostring'd, tab-separated) to stdout.
function terminal.write(...) return syscall.write(...) end
--- writeerr(...): write values to stderr.
function terminal.writeerr(...) return syscall.writeerr(...) end
--- read(n) -> string | nil at end of input.
function terminal.read(n)
    expect(1, n, "number")
    return syscall.read(n)
end
--- readline() -> line | nil at end of input.
function terminal.readline() return syscall.readline() end
--- termctl(flags?) -> current flags | nil when stdin is not a TTY.
function terminal.termctl(flags)
    expect(1, flags, "table", "nil")
    return syscall.termctl(flags)
end
--- openterm() -> Terminal | nil, err
function terminal.openterm() return syscall.openterm() end
--- opengfx() -> GFXTerminal | nil, err
function terminal.opengfx() return syscall.opengfx() end
--- mktty(width, height) -> TTY
function terminal.mktty(width, height)
    expect(1, width, "number")
    expect(2, height, "number")
    return syscall.mktty(width, height)
end
--- capture(): take keyboard input of the stdin TTY.
function terminal.capture() return syscall.capture() end
--- release(): undo capture.
function terminal.release() return syscall.release() end
--- stdin(h?), stdout(h?), stderr(h?): redirect (nil detaches).
function terminal.stdin(...) return syscall.stdin(...) end
function terminal.stdout(...) return syscall.stdout(...) end
function terminal.stderr(...) return syscall.stderr(...) end
--- istty() -> stdinIsTTY, stdoutIsTTY
function terminal.istty() return syscall.istty() end
--- termsize() -> width, height | nil
function terminal.termsize() return syscall.termsize() end

-- readline2 ------------------------------------------------------------------

local KEY_ENTER, KEY_NUMPAD_ENTER, KEY_BACKSPACE, KEY_TAB, KEY_DELETE = 0x0A, 0xAF, 0x08, 0x09, 0x7F
local KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END = 0xC0, 0xC1, 0xC2, 0xC3, 0xC6, 0xC7

local pendingInput = ""   -- lines of a multi-line paste not returned yet

local function visibleLength(s)
    return #(s:gsub("\27%[[%d;?]*[%a@]", ""))
end

local function commonPrefix(list)
    local p = list[1] or ""
    for i = 2, #list do
        local s = list[i]
        local n = 0
        while n < #p and n < #s and p:byte(n + 1) == s:byte(n + 1) do n = n + 1 end
        p = p:sub(1, n)
    end
    return p
end

--- readline2(history?, completion?, options?) -> line | nil, reason
-- A line editor on the terminal of stdin: Left/Right, Home/End (Ctrl+A/E),
-- Backspace, Delete, Ctrl+Left/Right by words, Ctrl+U/K (cut before/after the
-- cursor), Ctrl+W (cut a word), Ctrl+L (clear the screen), Up/Down through
-- `history` (a list of strings; the caller adds lines to it), Tab completion
-- through `completion(textBeforeCursor) -> list of suffixes` (one suffix is
-- inserted, several insert their common part and a second Tab lists them).
-- options: prompt (written first and redrawn with the line), default (initial
-- text). Returns the line (without newline); nil at end of input (Ctrl+D on
-- an empty line); nil, "interrupted" on Ctrl+C. Calls capture() while it
-- reads, so it gets the keys even when another process is in front; events
-- it does not use are put back on the queue, in order, when it returns (as
-- util.waitFor puts them back: see util.keepEvents). When
-- stdin is not a terminal it writes the prompt and returns readline().
function terminal.readline2(history, completion, options)
    expect(1, history, "table", "nil")
    expect(2, completion, "function", "nil")
    expect(3, options, "table", "nil")
    options = options or {}
    local prompt = options.prompt and tostring(options.prompt) or ""
    local ok = pcall(syscall.capture)
    if not ok then
        if prompt ~= "" then syscall.write(prompt) end
        return syscall.readline()
    end
    history = history or {}
    local line = options.default and tostring(options.default) or ""
    if pendingInput ~= "" then
        -- the rest of an earlier multi-line paste
        local first, rest = pendingInput:match("^([^\n]*)\n(.*)$")
        if first then
            pendingInput = rest
            if prompt ~= "" then syscall.write(prompt) end
            syscall.write(first .. "\n")
            pcall(syscall.release)
            return line .. first
        end
        line, pendingInput = line .. pendingInput, ""
    end
    local pos = #line + 1           -- cursor: insert position (1 .. #line+1)
    local histIndex = #history + 1  -- #history+1 is the line being edited
    local edited = line             -- the edited line while browsing history
    local width = select(1, syscall.termsize()) or 51
    local plen = visibleLength(prompt)
    local row = 0                   -- cursor row below the prompt's first row
    local keeper = util.eventKeeper() -- events the editor does not use go back on the queue
    local lastTab = false
    local suppressChar = nil

    local function out(s) syscall.write(s) end

    local function redraw()
        local buf = { "\r" }
        if row > 0 then buf[#buf + 1] = "\27[" .. row .. "A" end
        buf[#buf + 1] = "\27[J"
        buf[#buf + 1] = prompt
        buf[#buf + 1] = line
        local L = plen + #line
        local endRow = (L > 0 and L % width == 0) and (L // width - 1) or (L // width)
        local t = plen + pos - 1
        local trow, tcol = t // width, t % width
        if trow > endRow then
            buf[#buf + 1] = "\n"
        else
            if endRow > trow then buf[#buf + 1] = "\27[" .. (endRow - trow) .. "A" end
            buf[#buf + 1] = "\r"
            if tcol > 0 then buf[#buf + 1] = "\27[" .. tcol .. "C" end
        end
        row = trow
        out(table.concat(buf))
    end

    -- move to the end of the input and start a fresh line below it
    local function finishLine()
        pos = #line + 1
        redraw()
        local L = plen + #line
        if L > 0 and L % width == 0 and pos == #line + 1 then out("") else out("\n") end
        row = 0
    end

    local function setLine(s)
        line = s
        pos = #line + 1
        redraw()
    end

    local function insert(s)
        s = s:gsub("[%c]", "")
        if s == "" then return end
        line = line:sub(1, pos - 1) .. s .. line:sub(pos)
        pos = pos + #s
        redraw()
    end

    local function wordLeft()
        local p = pos - 1
        while p > 0 and line:sub(p, p):match("%s") do p = p - 1 end
        while p > 0 and not line:sub(p, p):match("%s") do p = p - 1 end
        return p + 1
    end
    local function wordRight()
        local p = pos
        while p <= #line and line:sub(p, p):match("%s") do p = p + 1 end
        while p <= #line and not line:sub(p, p):match("%s") do p = p + 1 end
        return p
    end

    local function complete()
        if not completion then return end
        local okC, list = pcall(completion, line:sub(1, pos - 1))
        if not okC or type(list) ~= "table" or #list == 0 then return end
        if #list == 1 then insert(list[1]) lastTab = false return end
        local common = commonPrefix(list)
        if common ~= "" then insert(common) lastTab = true return end
        if lastTab then
            local before = line:sub(1, pos - 1)
            local word = before:match("[^%s/;|&<>()]*$") or ""
            local names = {}
            local maxw = 0
            for i, s in ipairs(list) do
                names[i] = (word .. s):gsub("%s+$", "")
                if #names[i] > maxw then maxw = #names[i] end
            end
            local keepPos = pos
            finishLine()
            local colw = maxw + 2
            local cols = math.max(1, (width + 2) // colw)
            local buf = {}
            for i, n in ipairs(names) do
                buf[#buf + 1] = (i % cols == 0 or i == #names) and (n .. "\n") or (n .. (" "):rep(colw - #n))
            end
            out(table.concat(buf))
            pos = keepPos
            row = 0
            redraw()
            lastTab = false
        else
            lastTab = true
        end
    end

    local result, reason = nil, nil
    redraw()
    while true do
        local name, p = coroutine.yield()
        if type(p) ~= "table" then p = {} end
        if name == "char" then
            local ch = tostring(p.character or "")
            if suppressChar and ch:lower() == suppressChar then suppressChar = nil
            else insert(ch) lastTab = false end
        elseif name == "paste" then
            -- a pasted line ends the input; the lines after it are read next time
            local text = tostring(p.text or ""):gsub("\r\n", "\n")
            local first, rest = text:match("^([^\n]*)\n(.*)$")
            lastTab = false
            if first then
                insert(first)
                pendingInput = rest
                finishLine()
                result = line
                break
            end
            insert(text)
        elseif name == "key" then
            local code = p.keycode
            local ctrl, alt = p.ctrlHeld, p.altHeld
            suppressChar = nil
            if (ctrl or alt) and type(code) == "number" and code >= 0x20 and code < 0x7F then
                suppressChar = string.char(code)
            end
            if code ~= KEY_TAB then lastTab = false end
            if ctrl and code == 0x63 then -- Ctrl+C
                pos = #line + 1
                redraw()
                out("^C\n")
                reason = "interrupted"
                break
            elseif ctrl and code == 0x64 then -- Ctrl+D
                if line == "" then
                    finishLine()
                    break
                elseif pos <= #line then
                    line = line:sub(1, pos - 1) .. line:sub(pos + 1)
                    redraw()
                end
            elseif code == KEY_ENTER or code == KEY_NUMPAD_ENTER then
                finishLine()
                result = line
                break
            elseif code == KEY_BACKSPACE or (ctrl and code == 0x68) then
                if pos > 1 then
                    line = line:sub(1, pos - 2) .. line:sub(pos)
                    pos = pos - 1
                    redraw()
                end
            elseif code == KEY_DELETE then
                if pos <= #line then
                    line = line:sub(1, pos - 1) .. line:sub(pos + 1)
                    redraw()
                end
            elseif code == KEY_LEFT then
                if ctrl then pos = wordLeft() elseif pos > 1 then pos = pos - 1 end
                redraw()
            elseif code == KEY_RIGHT then
                if ctrl then pos = wordRight() elseif pos <= #line then pos = pos + 1 end
                redraw()
            elseif code == KEY_HOME or (ctrl and code == 0x61) then
                pos = 1
                redraw()
            elseif code == KEY_END or (ctrl and code == 0x65) then
                pos = #line + 1
                redraw()
            elseif ctrl and code == 0x75 then -- Ctrl+U
                line = line:sub(pos)
                pos = 1
                redraw()
            elseif ctrl and code == 0x6B then -- Ctrl+K
                line = line:sub(1, pos - 1)
                redraw()
            elseif ctrl and code == 0x77 then -- Ctrl+W
                local w = wordLeft()
                line = line:sub(1, w - 1) .. line:sub(pos)
                pos = w
                redraw()
            elseif ctrl and code == 0x6C then -- Ctrl+L
                out("\27[2J\27[H")
                row = 0
                redraw()
            elseif code == KEY_UP then
                if histIndex > 1 then
                    if histIndex == #history + 1 then edited = line end
                    histIndex = histIndex - 1
                    setLine(tostring(history[histIndex]))
                end
            elseif code == KEY_DOWN then
                if histIndex <= #history then
                    histIndex = histIndex + 1
                    setLine(histIndex == #history + 1 and edited or tostring(history[histIndex]))
                end
            elseif code == KEY_TAB then
                complete()
            end
        elseif name == "key_up" then
            -- nothing
        elseif name == "term_resize" then
            local w = syscall.termsize()
            if w then width = w end
            redraw()
        elseif name == "signal" and p.signal == 2 then
            pos = #line + 1
            redraw()
            out("^C\n")
            reason = "interrupted"
            break
        elseif name ~= nil then
            keeper:add(name, p)
        end
    end
    pcall(syscall.release)
    keeper:restore()
    if reason then return nil, reason end
    return result
end

return terminal
