--- system.serialization: base64, JSON, Lua-literal and TOML codecs.
--
-- JSON choices (documented in docs/libsystem.md):
-- * `null` decodes to the sentinel `json.null` (so arrays keep their
--   length), or to nil with `decode(s, {nullAsNil = true})`. `json.null`
--   encodes as `null`.
-- * A table whose keys are exactly 1..n (n >= 1) encodes as an array; any
--   other table as an object (number keys become strings). An empty table
--   encodes as `{}`, unless it is `json.emptyArray` or was marked with
--   `json.array(t)` / decoded from `[]`, which encode as `[]`.
-- * Object keys are written sorted, so output is deterministic.
-- * Encoding fails on cycles, NaN/infinity, and functions/threads/userdata.
-- Lua codec: `lua.decode` parses literals itself (no `load`), so it never
-- runs code; `allow_functions` is not supported and raises an error.
-- TOML codec: TOML 1.0; dates and times decode to strings.
local serialization = {}

local type, tostring, tonumber, error, pairs, ipairs, next, select, setmetatable, getmetatable, rawget, pcall =
    type, tostring, tonumber, error, pairs, ipairs, next, select, setmetatable, getmetatable, rawget, pcall
local byte, char, sub, find, format, rep, gsub, match = string.byte, string.char, string.sub, string.find,
    string.format, string.rep, string.gsub, string.match
local concat, sort = table.concat, table.sort
local math_type, huge, floor, tointeger = math.type, math.huge, math.floor, math.tointeger

local function typeError(i, expected, v)
    error(format("bad argument #%d (expected %s, got %s)", i, expected, type(v)), 3)
end

local function sortKeys(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
end

local function readFile(path)
    local syscall = require("system.util").syscall
    local f, err = syscall.open(path, "rb")
    if not f then error(err or ("cannot open " .. path), 3) end
    local data = f.readAll() or ""
    f.close()
    return data
end

local function writeFile(path, data)
    local syscall = require("system.util").syscall
    local f, err = syscall.open(path, "wb")
    if not f then error(err or ("cannot open " .. path), 3) end
    f.write(data)
    f.close()
end

-- base64 -------------------------------------------------------------------

local base64 = {}
serialization.base64 = base64

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local b64enc, b64dec = {}, {}
for i = 1, 64 do
    local c = byte(b64chars, i)
    b64enc[i - 1] = sub(b64chars, i, i)
    b64dec[c] = i - 1
end

--- Encode a string as base64 (standard alphabet, with `=` padding).
function base64.encode(str)
    if type(str) ~= "string" then typeError(1, "string", str) end
    local out, n = {}, 0
    local len = #str
    for i = 1, len - 2, 3 do
        local a, b, c = byte(str, i, i + 2)
        local v = (a << 16) | (b << 8) | c
        n = n + 1
        out[n] = b64enc[v >> 18] .. b64enc[(v >> 12) & 63] .. b64enc[(v >> 6) & 63] .. b64enc[v & 63]
    end
    local rest = len % 3
    if rest == 1 then
        local v = byte(str, len) << 16
        n = n + 1
        out[n] = b64enc[v >> 18] .. b64enc[(v >> 12) & 63] .. "=="
    elseif rest == 2 then
        local a, b = byte(str, len - 1, len)
        local v = (a << 16) | (b << 8)
        n = n + 1
        out[n] = b64enc[v >> 18] .. b64enc[(v >> 12) & 63] .. b64enc[(v >> 6) & 63] .. "="
    end
    return concat(out)
end

--- Decode base64 (whitespace is ignored; `-`/`_` of the URL alphabet are
-- accepted; padding is optional). Raises on invalid characters.
function base64.decode(str)
    if type(str) ~= "string" then typeError(1, "string", str) end
    local out, n = {}, 0
    local v, bits = 0, 0
    local padded = false
    for i = 1, #str do
        local c = byte(str, i)
        if c == 61 then -- '='
            padded = true
        elseif c == 32 or c == 9 or c == 10 or c == 13 then
            -- skip whitespace
        else
            local d = b64dec[c]
            if d == nil then
                if c == 45 then d = 62 elseif c == 95 then d = 63 end
            end
            if d == nil or padded then
                error(format("base64: invalid character %q at position %d", char(c), i), 2)
            end
            v = ((v << 6) | d) & 0xFFFFFF
            bits = bits + 6
            if bits >= 8 then
                bits = bits - 8
                n = n + 1
                out[n] = char((v >> bits) & 0xFF)
            end
        end
    end
    return concat(out)
end

-- JSON ---------------------------------------------------------------------

local json = {}
serialization.json = json

json.null = setmetatable({}, { __name = "json.null", __tostring = function() return "null" end })
local ArrayMT = { __name = "json.array" }
json.emptyArray = setmetatable({}, { __name = "json.array", __newindex = function() error("json.emptyArray is read-only", 2) end })

--- Mark a table so that it encodes as a JSON array even when empty.
function json.array(t)
    t = t or {}
    if type(t) ~= "table" then typeError(1, "table", t) end
    if getmetatable(t) == nil then setmetatable(t, ArrayMT) end
    return t
end

local jsonEscapes = {
    ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}
for i = 0, 31 do
    local c = char(i)
    if not jsonEscapes[c] then jsonEscapes[c] = format("\\u%04x", i) end
end
jsonEscapes["\127"] = "\\u007f"

local function jsonString(s)
    return '"' .. gsub(s, '[%c"\\]', jsonEscapes) .. '"'
end

local function jsonNumber(x)
    if math_type(x) == "integer" then return format("%d", x) end
    if x ~= x or x == huge or x == -huge then
        error("json: cannot encode " .. tostring(x), 0)
    end
    if x == floor(x) and x > -1e15 and x < 1e15 then return format("%.0f", x) end
    return format("%.17g", x)
end

local function isArray(t)
    local n = #t
    if n == 0 then
        if next(t) ~= nil then return false end
        local mt = getmetatable(t)
        return mt ~= nil and (mt == ArrayMT or (type(mt) == "table" and rawget(mt, "__name") == "json.array"))
    end
    local count = 0
    for k in pairs(t) do
        if math_type(k) ~= "integer" or k < 1 or k > n then return false end
        count = count + 1
    end
    return count == n
end

local function jsonEncode(v, pretty, indent, depth, stack, out)
    local t = type(v)
    if v == nil or v == json.null then
        out[#out + 1] = "null"
    elseif t == "boolean" then
        out[#out + 1] = v and "true" or "false"
    elseif t == "number" then
        out[#out + 1] = jsonNumber(v)
    elseif t == "string" then
        out[#out + 1] = jsonString(v)
    elseif t == "table" then
        if stack[v] then error("json: cannot encode a table with cycles", 0) end
        stack[v] = true
        local nl, ind, ind2, colon = "", "", "", ":"
        if pretty then
            nl = "\n"
            ind = rep(indent, depth)
            ind2 = rep(indent, depth + 1)
            colon = ": "
        end
        if isArray(v) then
            local n = #v
            if n == 0 then
                out[#out + 1] = "[]"
            else
                out[#out + 1] = "[" .. nl
                for i = 1, n do
                    out[#out + 1] = ind2
                    jsonEncode(v[i], pretty, indent, depth + 1, stack, out)
                    if i < n then out[#out + 1] = "," .. nl else out[#out + 1] = nl end
                end
                out[#out + 1] = ind .. "]"
            end
        else
            local keys = {}
            for k in pairs(v) do
                local kt = type(k)
                if kt ~= "string" and kt ~= "number" then
                    error("json: cannot encode a table key of type " .. kt, 0)
                end
                keys[#keys + 1] = k
            end
            sort(keys, sortKeys)
            if #keys == 0 then
                out[#out + 1] = "{}"
            else
                out[#out + 1] = "{" .. nl
                for i, k in ipairs(keys) do
                    local ks = type(k) == "string" and k or jsonNumber(k)
                    out[#out + 1] = ind2 .. jsonString(ks) .. colon
                    jsonEncode(v[k], pretty, indent, depth + 1, stack, out)
                    if i < #keys then out[#out + 1] = "," .. nl else out[#out + 1] = nl end
                end
                out[#out + 1] = ind .. "}"
            end
        end
        stack[v] = nil
    else
        error("json: cannot encode a value of type " .. t, 0)
    end
end

local function jsonOptions(opts)
    local pretty, indent = false, "  "
    if type(opts) == "boolean" then
        pretty = opts
    elseif type(opts) == "table" then
        pretty = not not opts.pretty
        if type(opts.indent) == "number" then indent = rep(" ", opts.indent)
        elseif type(opts.indent) == "string" then indent = opts.indent end
    elseif opts ~= nil then
        typeError(2, "boolean or table", opts)
    end
    return pretty, indent
end

--- Encode a value as JSON. `opts` is `true` (pretty) or a table
-- `{pretty = bool, indent = string|number}`.
function json.encode(value, opts)
    local pretty, indent = jsonOptions(opts)
    local out = {}
    local ok, err = pcall(jsonEncode, value, pretty, indent, 0, {}, out)
    if not ok then error(err, 2) end
    return concat(out)
end

-- decoder

local function position(s, pos)
    local line, col = 1, 1
    local i = 1
    while true do
        local nl = find(s, "\n", i, true)
        if not nl or nl >= pos then break end
        line = line + 1
        i = nl + 1
    end
    col = pos - i + 1
    return line, col
end

local function decodeError(s, pos, msg)
    local line, col = position(s, pos)
    error(format("json: %s at line %d, column %d (position %d)", msg, line, col, pos), 0)
end

local function describeAt(s, pos)
    if pos > #s then return "unexpected end of input" end
    local c = sub(s, pos, pos)
    if byte(c) < 32 or byte(c) > 126 then return format("unexpected byte 0x%02X", byte(c)) end
    return format("unexpected character '%s'", c)
end

local function skip(s, pos)
    return find(s, "[^ \t\r\n]", pos) or #s + 1
end

local function utf8char(cp)
    if cp < 0x80 then return char(cp) end
    if cp < 0x800 then return char(0xC0 | (cp >> 6), 0x80 | (cp & 0x3F)) end
    if cp < 0x10000 then return char(0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F)) end
    return char(0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3F), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
end

local simpleEscapes = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }

local function decodeString(s, pos)
    -- s[pos] == '"'
    local parts, n = {}, 0
    local i = pos + 1
    while true do
        local j = find(s, '["\\%c]', i)
        if not j then decodeError(s, #s + 1, "unterminated string") end
        if j > i then n = n + 1 parts[n] = sub(s, i, j - 1) end
        local c = sub(s, j, j)
        if c == '"' then
            return concat(parts), j + 1
        elseif c == "\\" then
            local e = sub(s, j + 1, j + 1)
            if simpleEscapes[e] then
                n = n + 1
                parts[n] = simpleEscapes[e]
                i = j + 2
            elseif e == "u" then
                local hex = match(s, "^%x%x%x%x", j + 2)
                if not hex then decodeError(s, j, "invalid \\u escape") end
                local cp = tonumber(hex, 16)
                i = j + 6
                if cp >= 0xD800 and cp <= 0xDBFF then
                    local lowHex = match(s, "^\\u(%x%x%x%x)", i)
                    local low = lowHex and tonumber(lowHex, 16)
                    if not low or low < 0xDC00 or low > 0xDFFF then
                        decodeError(s, j, "unpaired surrogate in \\u escape")
                    end
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)
                    i = i + 6
                elseif cp >= 0xDC00 and cp <= 0xDFFF then
                    decodeError(s, j, "unpaired surrogate in \\u escape")
                end
                n = n + 1
                parts[n] = utf8char(cp)
            else
                decodeError(s, j, "invalid escape '\\" .. e .. "'")
            end
        elseif c == "\127" then
            -- DEL is allowed raw in JSON strings
            n = n + 1
            parts[n] = c
            i = j + 1
        else
            decodeError(s, j, "control character in string")
        end
    end
end

local decodeValue

local function decodeNumber(s, pos)
    local num = match(s, "^-?%d+", pos)
    if not num then decodeError(s, pos, describeAt(s, pos)) end
    if #num > 1 and match(num, "^%-?0%d") then decodeError(s, pos, "leading zero in number") end
    local i = pos + #num
    local isInt = true
    local frac = match(s, "^%.%d*", i)
    if frac then
        if #frac == 1 then decodeError(s, i + 1, "digit expected after '.'") end
        i = i + #frac
        isInt = false
    end
    local ex = match(s, "^[eE][+-]?%d*", i)
    if ex then
        if not match(ex, "%d$") then decodeError(s, i + #ex, "digit expected in exponent") end
        i = i + #ex
        isInt = false
    end
    local text = sub(s, pos, i - 1)
    local v = tonumber(text)
    if isInt then
        local iv = tointeger(v)
        if iv then v = iv end
    elseif math_type(v) == "integer" then
        v = v + 0.0
    end
    return v, i
end

local literals = { t = { "true", true }, f = { "false", false }, n = { "null" } }

function decodeValue(s, pos, opts, depth)
    if depth > 512 then decodeError(s, pos, "too deeply nested") end
    pos = skip(s, pos)
    local c = sub(s, pos, pos)
    if c == "{" then
        local obj = {}
        pos = skip(s, pos + 1)
        if sub(s, pos, pos) == "}" then return obj, pos + 1 end
        while true do
            if sub(s, pos, pos) ~= '"' then decodeError(s, pos, describeAt(s, pos) .. " (expected string key)") end
            local key
            key, pos = decodeString(s, pos)
            pos = skip(s, pos)
            if sub(s, pos, pos) ~= ":" then decodeError(s, pos, describeAt(s, pos) .. " (expected ':')") end
            local v
            v, pos = decodeValue(s, pos + 1, opts, depth + 1)
            if v ~= nil then obj[key] = v end
            pos = skip(s, pos)
            local d = sub(s, pos, pos)
            if d == "}" then return obj, pos + 1 end
            if d ~= "," then decodeError(s, pos, describeAt(s, pos) .. " (expected ',' or '}')") end
            pos = skip(s, pos + 1)
        end
    elseif c == "[" then
        local arr, n = {}, 0
        pos = skip(s, pos + 1)
        if sub(s, pos, pos) == "]" then return setmetatable(arr, ArrayMT), pos + 1 end
        while true do
            local v
            v, pos = decodeValue(s, pos, opts, depth + 1)
            n = n + 1
            arr[n] = v
            pos = skip(s, pos)
            local d = sub(s, pos, pos)
            if d == "]" then return arr, pos + 1 end
            if d ~= "," then decodeError(s, pos, describeAt(s, pos) .. " (expected ',' or ']')") end
            pos = pos + 1
        end
    elseif c == '"' then
        return decodeString(s, pos)
    elseif c == "-" or match(c, "%d") then
        return decodeNumber(s, pos)
    else
        local lit = literals[c]
        if lit and sub(s, pos, pos + #lit[1] - 1) == lit[1] then
            if c == "n" then
                if opts.nullAsNil then return nil, pos + 4 end
                return json.null, pos + 4
            end
            return lit[2], pos + #lit[1]
        end
        decodeError(s, pos, describeAt(s, pos))
    end
end

--- Decode a JSON text. `null` becomes `json.null` unless `opts.nullAsNil`
-- (then object members are dropped and array slots become holes).
-- Raises "json: <what> at line L, column C (position P)" on bad input.
function json.decode(str, opts)
    if type(str) ~= "string" then typeError(1, "string", str) end
    if opts ~= nil and type(opts) ~= "table" then typeError(2, "table", opts) end
    opts = opts or {}
    local ok, v, pos = pcall(decodeValue, str, 1, opts, 0)
    if not ok then error(v, 2) end
    pos = skip(str, pos)
    if pos <= #str then
        local ok2, err = pcall(decodeError, str, pos, describeAt(str, pos) .. " after the value")
        error(err, 2)
    end
    return v
end

--- Encode `value` as JSON and write it to `path` (raises on failure).
function json.save(path, value, opts)
    if type(path) ~= "string" then typeError(1, "string", path) end
    writeFile(path, json.encode(value, opts))
end

--- Read and decode the JSON file at `path` (raises on failure).
function json.load(path, opts)
    if type(path) ~= "string" then typeError(1, "string", path) end
    return json.decode(readFile(path), opts)
end

-- Lua literals -------------------------------------------------------------

local luaser = {}
serialization.lua = luaser

local keywords = {}
for w in ("and break do else elseif end false for function goto if in local nil not or repeat return then true until while"):gmatch("%a+") do
    keywords[w] = true
end

local luaEscapes = {
    ["\a"] = "\\a", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t", ["\v"] = "\\v",
    ["\\"] = "\\\\", ['"'] = '\\"',
}
local function luaString(s)
    return '"' .. gsub(s, '[%c"\\]', function(c)
        return luaEscapes[c] or format("\\%03d", byte(c))
    end) .. '"'
end

local function luaNumber(x)
    if math_type(x) == "integer" then return format("%d", x) end
    if x ~= x then return "0/0" end
    if x == huge then return "1/0" end
    if x == -huge then return "-1/0" end
    if x == floor(x) and x > -1e15 and x < 1e15 then return format("%.1f", x) end
    local s = format("%.17g", x)
    if not find(s, "[%.eEn]") then s = s .. ".0" end
    return s
end

local function luaEncode(v, minified, depth, stack, out)
    local t = type(v)
    if t == "nil" or t == "boolean" then
        out[#out + 1] = tostring(v)
    elseif t == "number" then
        out[#out + 1] = luaNumber(v)
    elseif t == "string" then
        out[#out + 1] = luaString(v)
    elseif t == "table" then
        if stack[v] then error("cannot serialize a table with cycles", 0) end
        stack[v] = true
        local n = #v
        local keys = {}
        for k in pairs(v) do
            if not (math_type(k) == "integer" and k >= 1 and k <= n) then
                local kt = type(k)
                if kt ~= "string" and kt ~= "number" and kt ~= "boolean" then
                    error("cannot serialize a table key of type " .. kt, 0)
                end
                keys[#keys + 1] = k
            end
        end
        sort(keys, sortKeys)
        if n == 0 and #keys == 0 then
            out[#out + 1] = "{}"
        else
            local nl, ind, ind2, eq, sep = "\n", rep("  ", depth), rep("  ", depth + 1), " = ", ",\n"
            if minified then nl, ind, ind2, eq, sep = "", "", "", "=", "," end
            out[#out + 1] = "{" .. nl
            local total, count = n + #keys, 0
            for i = 1, n do
                out[#out + 1] = ind2
                luaEncode(v[i], minified, depth + 1, stack, out)
                count = count + 1
                out[#out + 1] = count < total and sep or nl
            end
            for _, k in ipairs(keys) do
                if type(k) == "string" and match(k, "^[%a_][%w_]*$") and not keywords[k] then
                    out[#out + 1] = ind2 .. k .. eq
                else
                    out[#out + 1] = ind2 .. "["
                    luaEncode(k, minified, depth + 1, stack, out)
                    out[#out + 1] = "]" .. eq
                end
                luaEncode(v[k], minified, depth + 1, stack, out)
                count = count + 1
                out[#out + 1] = count < total and sep or nl
            end
            out[#out + 1] = ind .. "}"
        end
        stack[v] = nil
    else
        error("cannot serialize a value of type " .. t, 0)
    end
end

--- Serialize a value as a Lua literal. Options: `minified` (no whitespace);
-- `allow_functions` is not supported (raises).
function luaser.encode(value, opts)
    if opts ~= nil and type(opts) ~= "table" then typeError(2, "table", opts) end
    opts = opts or {}
    if opts.allow_functions then error("lua.encode: allow_functions is not supported", 2) end
    local out = {}
    local ok, err = pcall(luaEncode, value, not not opts.minified, 0, {}, out)
    if not ok then error(err, 2) end
    return concat(out)
end

-- Lua literal parser (never executes code)

local function luaError(s, pos, msg)
    local line, col = position(s, pos)
    error(format("lua: %s at line %d, column %d (position %d)", msg, line, col, pos), 0)
end

local function luaSkip(s, pos)
    while true do
        pos = find(s, "[^ \t\r\n\f\v]", pos) or #s + 1
        if sub(s, pos, pos + 1) == "--" then
            local level = match(s, "^%[(=*)%[", pos + 2)
            if level then
                local close = find(s, "]" .. level .. "]", pos, true)
                if not close then luaError(s, pos, "unfinished long comment") end
                pos = close + #level + 2
            else
                pos = (find(s, "\n", pos, true) or #s) + 1
            end
        else
            return pos
        end
    end
end

local luaCharEscapes = { a = "\a", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", v = "\v", ["\\"] = "\\", ['"'] = '"', ["'"] = "'", ["\n"] = "\n" }

local function luaParseString(s, pos)
    local q = sub(s, pos, pos)
    if q == "[" then
        local level = match(s, "^%[(=*)%[", pos)
        local start = pos + #level + 2
        if sub(s, start, start) == "\r" then start = start + 1 end
        if sub(s, start, start) == "\n" then start = start + 1 end
        local close = find(s, "]" .. level .. "]", start, true)
        if not close then luaError(s, pos, "unfinished long string") end
        return sub(s, start, close - 1), close + #level + 2
    end
    local parts, n = {}, 0
    local i = pos + 1
    while true do
        local j = find(s, "[\\\n" .. q .. "]", i)
        if not j then luaError(s, pos, "unfinished string") end
        if j > i then n = n + 1 parts[n] = sub(s, i, j - 1) end
        local c = sub(s, j, j)
        if c == q then return concat(parts), j + 1 end
        if c == "\n" then luaError(s, j, "unfinished string") end
        local e = sub(s, j + 1, j + 1)
        if luaCharEscapes[e] then
            n = n + 1 parts[n] = luaCharEscapes[e]
            i = j + 2
        elseif e == "\r" then
            n = n + 1 parts[n] = "\n"
            i = j + 2
            if sub(s, i, i) == "\n" then i = i + 1 end
        elseif e == "x" then
            local h = match(s, "^%x%x", j + 2)
            if not h then luaError(s, j, "hexadecimal digit expected") end
            n = n + 1 parts[n] = char(tonumber(h, 16))
            i = j + 4
        elseif e == "z" then
            i = find(s, "[^ \t\r\n\f\v]", j + 2) or #s + 1
        elseif match(e, "%d") then
            local d = match(s, "^%d%d?%d?", j + 1)
            local v = tonumber(d)
            if v > 255 then luaError(s, j, "decimal escape too large") end
            n = n + 1 parts[n] = char(v)
            i = j + 1 + #d
        elseif e == "u" then
            local h = match(s, "^{(%x+)}", j + 2)
            if not h then luaError(s, j, "invalid \\u{...} escape") end
            local cp = tonumber(h, 16)
            if not cp or cp > 0x10FFFF then luaError(s, j, "UTF-8 value too large") end
            n = n + 1 parts[n] = utf8char(cp)
            i = j + 4 + #h
        else
            luaError(s, j, "invalid escape sequence '\\" .. e .. "'")
        end
    end
end

local function luaParseNumber(s, pos)
    local text = match(s, "^0[xX][%x%.]+[pP][+-]?%d+", pos) or match(s, "^0[xX][%x%.]+", pos)
        or match(s, "^%d*%.?%d*[eE][+-]?%d+", pos) or match(s, "^%d*%.?%d*", pos)
    local v = text and text ~= "" and text ~= "." and tonumber(text)
    if not v then luaError(s, pos, "malformed number") end
    return v, pos + #text
end

local luaParseValue

-- number [ '/' number ] with an optional leading '-', or math.huge
local function luaParseArith(s, pos)
    local neg = false
    while sub(s, pos, pos) == "-" do
        neg = not neg
        pos = luaSkip(s, pos + 1)
    end
    local v
    if sub(s, pos, pos + 8) == "math.huge" then
        v, pos = huge, pos + 9
    else
        v, pos = luaParseNumber(s, pos)
    end
    local p2 = luaSkip(s, pos)
    if sub(s, p2, p2) == "/" then
        local d
        d, pos = luaParseNumber(s, luaSkip(s, p2 + 1))
        v = v / d
    end
    if neg then v = -v end
    return v, pos
end

function luaParseValue(s, pos, depth)
    if depth > 512 then luaError(s, pos, "too deeply nested") end
    pos = luaSkip(s, pos)
    local c = sub(s, pos, pos)
    if c == '"' or c == "'" or (c == "[" and match(s, "^%[=*%[", pos)) then
        return luaParseString(s, pos)
    elseif c == "{" then
        local t, n = {}, 0
        pos = luaSkip(s, pos + 1)
        while sub(s, pos, pos) ~= "}" do
            if pos > #s then luaError(s, pos, "'}' expected") end
            local key, value
            local name = match(s, "^[%a_][%w_]*", pos)
            local afterName = name and luaSkip(s, pos + #name)
            if name and not keywords[name] and sub(s, afterName, afterName) == "=" and sub(s, afterName, afterName + 1) ~= "==" then
                key = name
                value, pos = luaParseValue(s, afterName + 1, depth + 1)
            elseif sub(s, pos, pos) == "[" and not match(s, "^%[=*%[", pos) then
                key, pos = luaParseValue(s, pos + 1, depth + 1)
                pos = luaSkip(s, pos)
                if sub(s, pos, pos) ~= "]" then luaError(s, pos, "']' expected") end
                pos = luaSkip(s, pos + 1)
                if sub(s, pos, pos) ~= "=" then luaError(s, pos, "'=' expected") end
                if key == nil then luaError(s, pos, "table index is nil") end
                if key ~= key then luaError(s, pos, "table index is NaN") end
                value, pos = luaParseValue(s, pos + 1, depth + 1)
            else
                n = n + 1
                key = n
                value, pos = luaParseValue(s, pos, depth + 1)
            end
            t[key] = value
            pos = luaSkip(s, pos)
            local d = sub(s, pos, pos)
            if d == "," or d == ";" then
                pos = luaSkip(s, pos + 1)
            elseif d ~= "}" then
                luaError(s, pos, "'}' expected")
            end
        end
        return t, pos + 1
    elseif c == "-" or c == "." or match(c, "%d") or sub(s, pos, pos + 8) == "math.huge" then
        return luaParseArith(s, pos)
    else
        local word = match(s, "^[%a_][%w_]*", pos)
        if word == "true" then return true, pos + 4 end
        if word == "false" then return false, pos + 5 end
        if word == "nil" then return nil, pos + 3 end
        if pos > #s then luaError(s, pos, "unexpected end of input") end
        luaError(s, pos, "unexpected symbol '" .. (word or c) .. "' (only literals are allowed)")
    end
end

--- Parse a Lua literal (nil, booleans, numbers incl. 1/0, -1/0, 0/0 and
-- math.huge, strings, table constructors; an optional leading `return`;
-- comments). Never runs code. Raises on anything else.
function luaser.decode(str)
    if type(str) ~= "string" then typeError(1, "string", str) end
    local pos = luaSkip(str, 1)
    if match(str, "^return[^%w_]", pos) or sub(str, pos) == "return" then pos = pos + 6 end
    local ok, v, after = pcall(luaParseValue, str, pos, 0)
    if not ok then error(v, 2) end
    after = luaSkip(str, after)
    if sub(str, after, after) == ";" then after = luaSkip(str, after + 1) end
    if after <= #str then
        local _, err = pcall(luaError, str, after, "unexpected symbol after the value")
        error(err, 2)
    end
    return v
end

--- Serialize `value` to the file at `path` (raises on failure).
function luaser.save(path, value, opts)
    if type(path) ~= "string" then typeError(1, "string", path) end
    writeFile(path, luaser.encode(value, opts))
end

--- Read and parse the Lua literal in the file at `path`.
function luaser.load(path)
    if type(path) ~= "string" then typeError(1, "string", path) end
    return luaser.decode(readFile(path))
end

-- TOML ---------------------------------------------------------------------

local toml = {}
serialization.toml = toml

local function tomlError(s, pos, msg)
    local line, col = position(s, pos)
    error(format("toml: %s at line %d, column %d (position %d)", msg, line, col, pos), 0)
end

local function tomlSkipWs(s, pos)
    return find(s, "[^ \t]", pos) or #s + 1
end

-- skip whitespace, comments and newlines (inside arrays)
local function tomlSkipAll(s, pos)
    while true do
        pos = find(s, "[^ \t\r\n]", pos) or #s + 1
        if sub(s, pos, pos) == "#" then
            pos = (find(s, "\n", pos, true) or #s) + 1
        else
            return pos
        end
    end
end

local tomlEscapes = { b = "\b", t = "\t", n = "\n", f = "\f", r = "\r", ['"'] = '"', ["\\"] = "\\" }

local function tomlBasicString(s, pos, multi)
    -- pos is just after the opening quote(s)
    local parts, n = {}, 0
    local i = pos
    local close = multi and '"""' or '"'
    while true do
        local c = sub(s, i, i)
        if c == "" then tomlError(s, pos, "unterminated string") end
        if sub(s, i, i + #close - 1) == close then
            if multi then
                -- up to two extra quotes may precede the closing delimiter
                local extra = 0
                while sub(s, i + 3 + extra, i + 3 + extra) == '"' and extra < 2 do extra = extra + 1 end
                n = n + 1 parts[n] = rep('"', extra)
                return concat(parts), i + 3 + extra
            end
            return concat(parts), i + 1
        elseif c == "\\" then
            local e = sub(s, i + 1, i + 1)
            if tomlEscapes[e] then
                n = n + 1 parts[n] = tomlEscapes[e]
                i = i + 2
            elseif e == "u" or e == "U" then
                local len = e == "u" and 4 or 8
                local hex = sub(s, i + 2, i + 1 + len)
                if #hex ~= len or find(hex, "%X") then tomlError(s, i, "invalid unicode escape") end
                local cp = tonumber(hex, 16)
                if cp > 0x10FFFF or (cp >= 0xD800 and cp <= 0xDFFF) then tomlError(s, i, "invalid unicode scalar value") end
                n = n + 1 parts[n] = utf8char(cp)
                i = i + 2 + len
            elseif multi and match(s, "^[ \t]*\r?\n", i + 1) then
                i = find(s, "[^ \t\r\n]", i + 1) or #s + 1
            else
                tomlError(s, i, "invalid escape '\\" .. e .. "'")
            end
        elseif c == "\n" or c == "\r" then
            if not multi then tomlError(s, i, "newline in string") end
            n = n + 1 parts[n] = c
            i = i + 1
        else
            local b = byte(c)
            if (b < 32 and c ~= "\t") or b == 127 then tomlError(s, i, "control character in string") end
            n = n + 1 parts[n] = c
            i = i + 1
        end
    end
end

local SQ3 = "'''"

local function tomlString(s, pos)
    -- returns value, next position, or nil when there is no string here
    if sub(s, pos, pos + 2) == '"""' then
        local start = pos + 3
        if sub(s, start, start) == "\n" then start = start + 1
        elseif sub(s, start, start + 1) == "\r\n" then start = start + 2 end
        return tomlBasicString(s, start, true)
    elseif sub(s, pos, pos + 2) == SQ3 then
        local start = pos + 3
        if sub(s, start, start) == "\n" then start = start + 1
        elseif sub(s, start, start + 1) == "\r\n" then start = start + 2 end
        local close = find(s, SQ3, start, true)
        if not close then tomlError(s, pos, "unterminated string") end
        local extra = 0
        while sub(s, close + 3 + extra, close + 3 + extra) == "'" and extra < 2 do extra = extra + 1 end
        return sub(s, start, close - 1 + extra), close + 3 + extra
    elseif sub(s, pos, pos) == '"' then
        return tomlBasicString(s, pos + 1, false)
    elseif sub(s, pos, pos) == "'" then
        local close = find(s, "['\n]", pos + 1)
        if not close or sub(s, close, close) ~= "'" then tomlError(s, pos, "unterminated string") end
        return sub(s, pos + 1, close - 1), close + 1
    end
    return nil
end

local function tomlKey(s, pos)
    -- returns the list of key parts and the next position
    local parts = {}
    while true do
        pos = tomlSkipWs(s, pos)
        local c = sub(s, pos, pos)
        local k
        if c == '"' or c == "'" then
            if sub(s, pos, pos + 2) == '"""' or sub(s, pos, pos + 2) == SQ3 then tomlError(s, pos, "multi-line string as key") end
            k, pos = tomlString(s, pos)
        else
            k = match(s, "^[%w_%-]+", pos)
            if not k then tomlError(s, pos, describeAt(s, pos) .. " (expected a key)") end
            pos = pos + #k
        end
        parts[#parts + 1] = k
        pos = tomlSkipWs(s, pos)
        if sub(s, pos, pos) ~= "." then return parts, pos end
        pos = pos + 1
    end
end

local function tomlNumber(s, pos)
    local tok = match(s, "^[%w_%.%+%-]+", pos)
    if not tok then tomlError(s, pos, describeAt(s, pos) .. " (expected a value)") end
    local after = pos + #tok
    if tok == "inf" or tok == "+inf" then return huge, after end
    if tok == "-inf" then return -huge, after end
    if tok == "nan" or tok == "+nan" or tok == "-nan" then return 0 / 0, after end
    local prefix, digits = match(tok, "^0([xob])([%w_]+)$")
    if prefix then
        if find(digits, "^_") or find(digits, "_$") or find(digits, "__") then tomlError(s, pos, "invalid number") end
        digits = gsub(digits, "_", "")
        local base = prefix == "x" and 16 or prefix == "o" and 8 or 2
        -- accumulate in a float: tonumber(x, base) wraps at 32 bits in fengari
        local v = 0.0
        for i = 1, #digits do
            local d = tonumber(sub(digits, i, i), base)
            if not d then tomlError(s, pos, "invalid number") end
            v = v * base + d
        end
        return tointeger(v) or v, after
    end
    if find(tok, "__") or find(tok, "^[%+%-]?_") or find(tok, "_$") or find(tok, "_[%.eE]") or find(tok, "[%.eE]_") then
        tomlError(s, pos, "invalid number")
    end
    local clean = gsub(tok, "_", "")
    if not match(clean, "^[%+%-]?%d+%.?%d*[eE]?[%+%-]?%d*$") or match(clean, "%.$") or match(clean, "[eE]$")
        or match(clean, "%.[eE]") or (match(clean, "[%+%-]%d*$") and not match(clean, "^[%+%-]?%d+$") and not match(clean, "[eE][%+%-]%d+$")) then
        tomlError(s, pos, "invalid value '" .. tok .. "'")
    end
    if match(clean, "^[%+%-]?0%d") then tomlError(s, pos, "leading zero in number") end
    local v = tonumber(clean)
    if not v then tomlError(s, pos, "invalid value '" .. tok .. "'") end
    if not find(clean, "[%.eE]") then
        local iv = tointeger(v)
        if iv then v = iv end
    elseif math_type(v) == "integer" then
        v = v + 0.0
    end
    return v, after
end

local tomlValue

local InlineMT = {}  -- marks inline tables, which later lines may not extend

local function tomlInline(s, pos, depth)
    -- pos at '{'
    local t = {}
    local dotted = {}
    pos = tomlSkipWs(s, pos + 1)
    if sub(s, pos, pos) == "}" then return setmetatable(t, InlineMT), pos + 1 end
    while true do
        local key
        key, pos = tomlKey(s, pos)
        if sub(s, pos, pos) ~= "=" then tomlError(s, pos, describeAt(s, pos) .. " (expected '=')") end
        local v
        v, pos = tomlValue(s, tomlSkipWs(s, pos + 1), depth + 1)
        local cur = t
        for i = 1, #key - 1 do
            local k = key[i]
            if cur[k] == nil then
                cur[k] = {}
                dotted[cur[k]] = true
            elseif type(cur[k]) ~= "table" or not dotted[cur[k]] then
                tomlError(s, pos, "duplicate key '" .. k .. "'")
            end
            cur = cur[k]
        end
        if cur[key[#key]] ~= nil then tomlError(s, pos, "duplicate key '" .. key[#key] .. "'") end
        cur[key[#key]] = v
        pos = tomlSkipWs(s, pos)
        local c = sub(s, pos, pos)
        if c == "}" then return setmetatable(t, InlineMT), pos + 1 end
        if c ~= "," then tomlError(s, pos, describeAt(s, pos) .. " (expected ',' or '}')") end
        pos = tomlSkipWs(s, pos + 1)
    end
end

function tomlValue(s, pos, depth)
    if depth > 512 then tomlError(s, pos, "too deeply nested") end
    local c = sub(s, pos, pos)
    if c == '"' or c == "'" then return tomlString(s, pos) end
    if c == "[" then
        local arr, n = {}, 0
        pos = tomlSkipAll(s, pos + 1)
        while sub(s, pos, pos) ~= "]" do
            if pos > #s then tomlError(s, pos, "unterminated array") end
            local v
            v, pos = tomlValue(s, pos, depth + 1)
            n = n + 1
            arr[n] = v
            pos = tomlSkipAll(s, pos)
            local d = sub(s, pos, pos)
            if d == "," then pos = tomlSkipAll(s, pos + 1)
            elseif d ~= "]" then tomlError(s, pos, describeAt(s, pos) .. " (expected ',' or ']')") end
        end
        if n == 0 then setmetatable(arr, ArrayMT) end
        return arr, pos + 1
    end
    if c == "{" then return tomlInline(s, pos, depth) end
    if sub(s, pos, pos + 3) == "true" and not match(s, "^[%w_]", pos + 4) then return true, pos + 4 end
    if sub(s, pos, pos + 4) == "false" and not match(s, "^[%w_]", pos + 5) then return false, pos + 5 end
    -- dates and times are returned as strings
    local dt = match(s, "^%d%d%d%d%-%d%d%-%d%d[Tt ]%d%d:%d%d:%d%d[%.%dZz:%+%-]*", pos)
        or match(s, "^%d%d%d%d%-%d%d%-%d%d[Tt ]%d%d:%d%d", pos)
        or match(s, "^%d%d%d%d%-%d%d%-%d%d", pos) or match(s, "^%d%d:%d%d:%d%d[%.%d]*", pos)
    if dt then return dt, pos + #dt end
    return tomlNumber(s, pos)
end

local function tomlDecode(s)
    local root = {}
    -- how each table was created: "explicit" ([header] or root), "implicit"
    -- (a parent in a header), "dotted" (by a dotted key), "array" ([[header]] list)
    local kinds = { [root] = "explicit" }
    local current = root
    local pos = 1
    local function endOfLine(p)
        p = tomlSkipWs(s, p)
        local c = sub(s, p, p)
        if c == "#" then
            local nl = find(s, "\n", p, true) or #s + 1
            if find(sub(s, p + 1, nl - 1), "[%z\1-\8\11-\31\127]") then tomlError(s, p, "control character in comment") end
            return nl + 1
        end
        if c == "" then return p end
        if c == "\n" then return p + 1 end
        if sub(s, p, p + 1) == "\r\n" then return p + 2 end
        tomlError(s, p, describeAt(s, p) .. " (expected end of line)")
    end
    while pos <= #s do
        pos = tomlSkipWs(s, pos)
        local c = sub(s, pos, pos)
        if c == "\n" or c == "#" or c == "" or sub(s, pos, pos + 1) == "\r\n" then
            pos = endOfLine(pos)
        elseif c == "[" then
            local isArray = sub(s, pos + 1, pos + 1) == "["
            local key
            key, pos = tomlKey(s, pos + (isArray and 2 or 1))
            if isArray then
                if sub(s, pos, pos + 1) ~= "]]" then tomlError(s, pos, "expected ']]'") end
                pos = pos + 2
            else
                if sub(s, pos, pos) ~= "]" then tomlError(s, pos, "expected ']'") end
                pos = pos + 1
            end
            local cur = root
            for i = 1, #key - 1 do
                local k = key[i]
                local v = cur[k]
                if v == nil then
                    v = {}
                    cur[k] = v
                    kinds[v] = "implicit"
                elseif type(v) ~= "table" or getmetatable(v) == InlineMT or kinds[v] == nil then
                    tomlError(s, pos, "key '" .. k .. "' is not a table")
                elseif kinds[v] == "array" then
                    v = v[#v]
                end
                cur = v
            end
            local last = key[#key]
            local v = cur[last]
            if isArray then
                if v == nil then
                    v = {}
                    cur[last] = v
                    kinds[v] = "array"
                elseif kinds[v] ~= "array" then
                    tomlError(s, pos, "key '" .. last .. "' is not an array of tables")
                end
                local t = {}
                kinds[t] = "explicit"
                v[#v + 1] = t
                current = t
            else
                if v == nil then
                    v = {}
                    cur[last] = v
                elseif type(v) ~= "table" or kinds[v] ~= "implicit" then
                    tomlError(s, pos, "table '" .. last .. "' defined twice")
                end
                kinds[v] = "explicit"
                current = v
            end
            pos = endOfLine(pos)
        else
            local key
            key, pos = tomlKey(s, pos)
            if sub(s, pos, pos) ~= "=" then tomlError(s, pos, describeAt(s, pos) .. " (expected '=')") end
            local v
            v, pos = tomlValue(s, tomlSkipWs(s, pos + 1), 0)
            local cur = current
            for i = 1, #key - 1 do
                local k = key[i]
                local t = cur[k]
                if t == nil then
                    t = {}
                    cur[k] = t
                    kinds[t] = "dotted"
                elseif type(t) ~= "table" or kinds[t] ~= "dotted" then
                    tomlError(s, pos, "cannot add keys to '" .. k .. "'")
                end
                cur = t
            end
            local last = key[#key]
            if cur[last] ~= nil then tomlError(s, pos, "duplicate key '" .. last .. "'") end
            cur[last] = v
            pos = endOfLine(pos)
        end
    end
    return root
end

--- Decode a TOML document into a table. Dates and times are returned as
-- strings (e.g. "1979-05-27T07:32:00Z"). Raises "toml: <what> at line L,
-- column C (position P)" on bad input.
function toml.decode(str)
    if type(str) ~= "string" then typeError(1, "string", str) end
    local ok, res = pcall(tomlDecode, str)
    if not ok then error(res, 2) end
    return res
end

local function tomlKeyText(k)
    if type(k) ~= "string" then error("toml: keys must be strings, got " .. type(k), 0) end
    if match(k, "^[%w_%-]+$") then return k end
    return jsonString(k)
end

local function tomlScalar(v)
    local t = type(v)
    if t == "string" then return jsonString(v) end
    if t == "boolean" then return tostring(v) end
    if t == "number" then
        if math_type(v) == "integer" then return format("%d", v) end
        if v ~= v then return "nan" end
        if v == huge then return "inf" end
        if v == -huge then return "-inf" end
        if v == floor(v) and v > -1e15 and v < 1e15 then return format("%.1f", v) end
        local r = format("%.17g", v)
        if not find(r, "[%.eEn]") then r = r .. ".0" end
        return r
    end
    error("toml: cannot encode a value of type " .. t, 0)
end

local function isTableArray(v)
    if not isArray(v) or #v == 0 then return false end
    for i = 1, #v do
        if type(v[i]) ~= "table" or isArray(v[i]) then return false end
    end
    return true
end

local function tomlInlineValue(v, stack)
    if type(v) ~= "table" then return tomlScalar(v) end
    if stack[v] then error("toml: cannot encode a table with cycles", 0) end
    stack[v] = true
    local out
    if isArray(v) then
        local parts = {}
        for i = 1, #v do parts[i] = tomlInlineValue(v[i], stack) end
        out = "[" .. concat(parts, ", ") .. "]"
    else
        local keys = {}
        for k in pairs(v) do keys[#keys + 1] = k end
        sort(keys, sortKeys)
        local parts = {}
        for i, k in ipairs(keys) do parts[i] = tomlKeyText(k) .. " = " .. tomlInlineValue(v[k], stack) end
        out = #parts == 0 and "{}" or "{ " .. concat(parts, ", ") .. " }"
    end
    stack[v] = nil
    return out
end

local function tomlSection(t, path, out, stack, isArrayItem)
    if stack[t] then error("toml: cannot encode a table with cycles", 0) end
    stack[t] = true
    local keys = {}
    for k in pairs(t) do
        if type(k) ~= "string" then error("toml: keys must be strings, got " .. type(k), 0) end
        keys[#keys + 1] = k
    end
    sort(keys)
    local simple, tables, arrays = {}, {}, {}
    for _, k in ipairs(keys) do
        local v = t[k]
        if type(v) == "table" and isTableArray(v) then arrays[#arrays + 1] = k
        elseif type(v) == "table" and not isArray(v) and next(v) ~= nil then tables[#tables + 1] = k
        else simple[#simple + 1] = k end
    end
    if isArrayItem then
        out[#out + 1] = "[[" .. path .. "]]"
    elseif path ~= "" and (#simple > 0 or #tables + #arrays == 0) then
        out[#out + 1] = "[" .. path .. "]"
    end
    for _, k in ipairs(simple) do
        out[#out + 1] = tomlKeyText(k) .. " = " .. tomlInlineValue(t[k], stack)
    end
    for _, k in ipairs(tables) do
        if #out > 0 and out[#out] ~= "" then out[#out + 1] = "" end
        tomlSection(t[k], path == "" and tomlKeyText(k) or path .. "." .. tomlKeyText(k), out, stack, false)
    end
    for _, k in ipairs(arrays) do
        local child = path == "" and tomlKeyText(k) or path .. "." .. tomlKeyText(k)
        for _, item in ipairs(t[k]) do
            if #out > 0 and out[#out] ~= "" then out[#out + 1] = "" end
            tomlSection(item, child, out, stack, true)
        end
    end
    stack[t] = nil
end

--- Encode a table as a TOML document: keys sorted, nested tables as
-- [sections], lists of tables as [[arrays of tables]], other values inline
-- (an empty table is written `{}`, unless marked as an array: `[]`).
function toml.encode(value)
    if type(value) ~= "table" then typeError(1, "table", value) end
    local out = {}
    local ok, err = pcall(tomlSection, value, "", out, {}, false)
    if not ok then error(err, 2) end
    if #out == 0 then return "" end
    return concat(out, "\n") .. "\n"
end

--- Encode a table as TOML and write it to `path` (raises on failure).
function toml.save(path, value)
    if type(path) ~= "string" then typeError(1, "string", path) end
    writeFile(path, toml.encode(value))
end

--- Read and decode the TOML file at `path`.
function toml.load(path)
    if type(path) ~= "string" then typeError(1, "string", path) end
    return toml.decode(readFile(path))
end

return serialization
