--- system.keys: Phoenix keycodes under their CraftOS names.
--
-- Printable keys use their lowercase ASCII value (keys.a == 0x61,
-- keys.enter == 0x0A); other keys use Phoenix's fixed codes 0x7F..0xCB.
-- CraftOS `keys` values do not work under Phoenix or cinder.
local keys = {}

local names = {}   -- code -> canonical name

local function def(name, code)
    keys[name] = code
    if names[code] == nil then names[code] = name end
end

def("backspace", 0x08)
def("tab", 0x09)
def("enter", 0x0A)
def("space", 0x20)
def("apostrophe", 0x27)
def("comma", 0x2C)
def("minus", 0x2D)
def("period", 0x2E)
def("slash", 0x2F)
local digits = { "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" }
for i = 0, 9 do def(digits[i + 1], 0x30 + i) end
def("semicolon", 0x3B)
def("equals", 0x3D)
def("leftBracket", 0x5B)
def("backslash", 0x5C)
def("rightBracket", 0x5D)
def("grave", 0x60)
for c = 0x61, 0x7A do def(string.char(c), c) end
def("delete", 0x7F)
def("insert", 0x80)
for i = 1, 25 do def("f" .. i, 0x80 + i) end
def("convert", 0x9A)
def("noconvert", 0x9B)
def("kana", 0x9C)
def("kanji", 0x9D)
def("yen", 0x9E)
def("numPadDecimal", 0x9F)
for i = 0, 9 do def("numPad" .. i, 0xA0 + i) end
def("numPadAdd", 0xAA)
def("numPadSubtract", 0xAB)
def("numPadMultiply", 0xAC)
def("numPadDivide", 0xAD)
def("numPadEquals", 0xAE)
def("numPadEnter", 0xAF)
def("leftCtrl", 0xB0)
def("rightCtrl", 0xB1)
def("leftAlt", 0xB2)
def("rightAlt", 0xB3)
def("leftShift", 0xB4)
def("rightShift", 0xB5)
def("leftSuper", 0xB6)
def("rightSuper", 0xB7)
def("capsLock", 0xB8)
def("numLock", 0xB9)
def("scrollLock", 0xBA)
def("printScreen", 0xBB)
def("pause", 0xBC)
def("menu", 0xBD)
def("stop", 0xBE)
def("ax", 0xBF)
def("up", 0xC0)
def("down", 0xC1)
def("left", 0xC2)
def("right", 0xC3)
def("pageUp", 0xC4)
def("pageDown", 0xC5)
def("home", 0xC6)
def("end", 0xC7)
def("circumflex", 0xC8)
def("at", 0xC9)
def("colon", 0xCA)
def("underscore", 0xCB)

-- CraftOS compatibility aliases (not returned by getName)
keys["return"] = keys.enter
keys.cimcumflex = keys.circumflex
keys.scollLock = keys.scrollLock

local numpadChars = {
    [0x9F] = ".", [0xAA] = "+", [0xAB] = "-", [0xAC] = "*", [0xAD] = "/", [0xAE] = "=", [0xAF] = "\n",
}

--- The CraftOS-style name of a keycode, or nil.
function keys.getName(code)
    if type(code) ~= "number" then error("bad argument #1 (expected number, got " .. type(code) .. ")", 2) end
    return names[code]
end

--- The character a key types without modifiers ("a" for keys.a, "\n" for
-- enter, "\t" for tab, digits and operators for the numeric pad), or nil.
function keys.getCharacter(code)
    if type(code) ~= "number" then error("bad argument #1 (expected number, got " .. type(code) .. ")", 2) end
    if math.type(code) ~= "integer" then code = math.tointeger(code) if not code then return nil end end
    if code == 0x0A or code == 0x09 then return string.char(code) end
    if code >= 0x20 and code <= 0x7E and names[code] then return string.char(code) end
    if code >= 0xA0 and code <= 0xA9 then return string.char(0x30 + code - 0xA0) end
    return numpadChars[code]
end

return keys
