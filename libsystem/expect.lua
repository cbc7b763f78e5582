--- system.expect: argument checking.
--
-- `expect(i, v, ...types)` checks that argument #i has one of the given
-- types and returns it. A type is a Lua type name ("string", "nil", ...),
-- "any", the `__name` of a metatable (custom types such as "mutex"), or a
-- matcher built by `struct`, `array`, `table` or `match`.
-- The module itself is callable: `require "system.expect"(1, x, "string")`.
local expect = {}

local type, select, error, tostring, pairs, ipairs, pcall, getmetatable, rawget, setmetatable, math_type =
    type, select, error, tostring, pairs, ipairs, pcall, getmetatable, rawget, setmetatable, math.type
local format, concat = string.format, table.concat
local dbg = type(debug) == "table" and debug or nil

local Matcher = { __name = "matcher" }
Matcher.__index = Matcher

-- type() honouring __name (util loads expect only lazily, so there is no cycle)
local typeOf = require("system.util").type

local function isMatcher(x) return getmetatable(x) == Matcher end

local function typeName(t)
    if isMatcher(t) then return t.name end
    return tostring(t)
end

local function listTypes(types, n)
    if n == 0 then return "no type" end
    if n == 1 then return typeName(types[1]) end
    local parts = {}
    for i = 1, n - 1 do parts[i] = typeName(types[i]) end
    return concat(parts, ", ") .. " or " .. typeName(types[n])
end

--- Test v against one type; returns true, or false and a reason when a
-- matcher rejected a value of the right base type.
local function check1(v, t)
    if isMatcher(t) then return t.test(v) end
    if t == "any" then return true end
    local lt = type(v)
    if lt == t then return true end
    if (lt == "table" or lt == "userdata") and typeOf(v) == t then return true end
    if t == "integer" and math_type(v) == "integer" then return true end
    return false
end

--- Test v against a list of types (table n-indexed).
local function checkAll(v, types, n)
    local reason
    for i = 1, n do
        local ok, why = check1(v, types[i])
        if ok then return true end
        if why and not reason then reason = why end
    end
    return false, reason
end

-- A type spec inside struct/array/table: a type string, a matcher, or a
-- list of alternatives.
local function specCheck(v, spec)
    if type(spec) == "table" and not isMatcher(spec) then
        return checkAll(v, spec, #spec)
    end
    return check1(v, spec)
end

local function specName(spec)
    if type(spec) == "table" and not isMatcher(spec) then return listTypes(spec, #spec) end
    return typeName(spec)
end

local function describeFailure(v, spec, why)
    if why then return why end
    return format("expected %s, got %s", specName(spec), typeOf(v))
end

local function funcName(level)
    if not dbg or not dbg.getinfo then return nil end
    local info = dbg.getinfo(level + 1, "n")
    if info and info.name and info.name ~= "?" then return info.name end
    return nil
end

-- The check behind expect.expect and expect(...). Both entry points tail-call it, so its
-- frame takes theirs and the levels below name the caller of expect. A string index reads as a
-- field name only when `fields` is set (expect.expect).
local function check(fields, index, value, ...)
    local n = select("#", ...)
    local types = { ... }
    local ok, why = checkAll(value, types, n)
    if ok then return value end
    local name = funcName(2)
    local msg = why or format("expected %s, got %s", listTypes(types, n), typeOf(value))
    if fields and type(index) == "string" then
        error(format("bad field '%s' (%s)", index, msg), 3)
    elseif name then
        error(format("bad argument #%s to '%s' (%s)", tostring(index), name, msg), 3)
    else
        error(format("bad argument #%s (%s)", tostring(index), msg), 3)
    end
end

--- expect(index, value, ...types) -> value
function expect.expect(index, value, ...) return check(true, index, value, ...) end

--- field(tbl, key, ...types) -> tbl[key]
function expect.field(tbl, key, ...)
    if type(tbl) ~= "table" then
        error(format("bad argument #1 (expected table, got %s)", typeOf(tbl)), 2)
    end
    local value = tbl[key]
    local n = select("#", ...)
    local types = { ... }
    local ok, why = checkAll(value, types, n)
    if ok then return value end
    local msg = why or format("expected %s, got %s", listTypes(types, n), typeOf(value))
    error(format("bad field '%s' (%s)", tostring(key), msg), 3)
end

--- range(n, min?, max?) -> n; errors when n is outside [min, max].
function expect.range(num, min, max)
    if type(num) ~= "number" then error(format("bad argument #1 (expected number, got %s)", typeOf(num)), 2) end
    min = min or -math.huge
    max = max or math.huge
    if num ~= num or num < min or num > max then
        error(format("number outside of range (expected %s to be within %s and %s)", tostring(num), tostring(min), tostring(max)), 3)
    end
    return num
end

local function newMatcher(name, test)
    return setmetatable({ name = name, test = test }, Matcher)
end

--- struct{field = spec, ...}: a table whose fields match the specs (extra
-- fields are allowed). A spec is a type name, a matcher or a list of them.
function expect.struct(def)
    if type(def) ~= "table" then error(format("bad argument #1 (expected table, got %s)", typeOf(def)), 2) end
    local keys = {}
    for k in pairs(def) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for i, k in ipairs(keys) do parts[i] = tostring(k) .. ": " .. specName(def[k]) end
    return newMatcher("struct {" .. concat(parts, ", ") .. "}", function(v)
        if type(v) ~= "table" then return false end
        for _, k in ipairs(keys) do
            local ok, why = specCheck(v[k], def[k])
            if not ok then return false, format("field '%s': %s", tostring(k), describeFailure(v[k], def[k], why)) end
        end
        return true
    end)
end

--- array(spec): a table with values at 1..n only, each matching spec.
function expect.array(spec)
    return newMatcher("array of " .. specName(spec), function(v)
        if type(v) ~= "table" then return false end
        local n = #v
        for k in pairs(v) do
            if math_type(k) ~= "integer" or k < 1 or k > n then
                return false, format("expected array of %s, got table with key %s", specName(spec), tostring(k))
            end
        end
        for i = 1, n do
            local ok, why = specCheck(v[i], spec)
            if not ok then return false, format("item %d: %s", i, describeFailure(v[i], spec, why)) end
        end
        return true
    end)
end

--- table(keySpec, valueSpec): a table whose keys and values match the specs.
function expect.table(keySpec, valueSpec)
    keySpec = keySpec or "any"
    valueSpec = valueSpec or "any"
    return newMatcher(format("table of %s = %s", specName(keySpec), specName(valueSpec)), function(v)
        if type(v) ~= "table" then return false end
        for k, x in pairs(v) do
            local ok, why = specCheck(k, keySpec)
            if not ok then return false, format("key %s: %s", tostring(k), describeFailure(k, keySpec, why)) end
            ok, why = specCheck(x, valueSpec)
            if not ok then return false, format("value at %s: %s", tostring(k), describeFailure(x, valueSpec, why)) end
        end
        return true
    end)
end

--- match(pattern): a string matching the Lua pattern.
function expect.match(pattern)
    if type(pattern) ~= "string" then error(format("bad argument #1 (expected string, got %s)", typeOf(pattern)), 2) end
    return newMatcher(format("string matching %q", pattern), function(v)
        if type(v) ~= "string" then return false end
        if v:find(pattern) then return true end
        return false, format("expected string matching %q, got %q", pattern, v)
    end)
end

expect.type = typeOf

return setmetatable(expect, {
    __call = function(_, index, value, ...) return check(false, index, value, ...) end,
})
