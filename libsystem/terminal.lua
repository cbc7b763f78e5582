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
-- readline2 (line editor) is not provided yet.
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

return terminal
