-- lua: the Lua interpreter and REPL.
--   lua                  read-eval-print loop (results are printed; an
--                        unfinished statement continues on the next line)
--   lua FILE [ARGS...]   run a script; arg[0] is FILE, arg[1..] the ARGS
--   lua -e CODE          run CODE (may be repeated), then FILE or the REPL with -i
--   lua -                run standard input
local terminal = require "system.terminal"
local function sys(...) return coroutine.yield("syscall", ...) end

local argv = table.pack(...)

local function usage()
    io.stderr:write([[usage: lua [-e CODE] [-i] [-v] [FILE [ARGS...] | -]
  -e CODE  run CODE
  -i       enter the interactive loop after running CODE or FILE
  -v       print the version
  -        run standard input
With no FILE: an interactive loop on a terminal, else standard input is run.
]])
    os.exit(2)
end

local function report(err)
    io.stderr:write("lua: " .. tostring(err) .. "\n")
end

local function traceback(err)
    if type(err) ~= "string" then
        local mt = getmetatable(err)
        if mt and mt.__tostring then err = tostring(err) else return err end
    end
    local tb = debug.traceback(err, 2)
    -- drop the interpreter's own frames
    local cut = tb:find("\n[^\n]*in function 'xpcall'")
    if cut then tb = tb:sub(1, cut - 1) end
    return tb
end

-- Pretty printing of REPL results -------------------------------------------
local function isIdent(s) return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil end
local function pretty(v, depth, seen)
    local t = type(v)
    if t == "string" then return ("%q"):format(v):gsub("\\\n", "\\n") end
    if t ~= "table" then return tostring(v) end
    local mt = getmetatable(v)
    if mt and mt.__tostring then return tostring(v) end
    if seen[v] then return "<cycle>" end
    if depth > 2 then return tostring(v) end
    seen[v] = true
    local parts = {}
    local n = #v
    for i = 1, n do parts[#parts + 1] = pretty(v[i], depth + 1, seen) end
    local keys = {}
    for k in pairs(v) do
        if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
    end
    table.sort(keys, function(a, b)
        if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
        return type(a) < type(b)
    end)
    for i, k in ipairs(keys) do
        if i > 50 then parts[#parts + 1] = "..." break end
        local key = isIdent(k) and k or ("[" .. pretty(k, depth + 1, seen) .. "]")
        parts[#parts + 1] = key .. " = " .. pretty(v[k], depth + 1, seen)
    end
    seen[v] = nil
    local s = "{ " .. table.concat(parts, ", ") .. " }"
    if #parts == 0 then s = "{}" end
    return s
end

local function printResults(r)
    if r.n == 0 then return end
    local out = {}
    for i = 1, r.n do
        local v = r[i]
        out[i] = type(v) == "table" and pretty(v, 0, {}) or tostring(v)
    end
    print(table.concat(out, "\t"))
end

-- Running chunks --------------------------------------------------------------
local env = _ENV

local function runChunk(fn, ...)
    local r = table.pack(xpcall(fn, traceback, ...))
    if not r[1] then
        report(r[2])
        return false
    end
    return true, table.pack(table.unpack(r, 2, r.n))
end

local function repl()
    local history = {}
    local interactive = select(2, pcall(sys, "istty"))
    local _, inTTY = sys("istty")
    print(_VERSION .. " on cinder  (Ctrl+D or os.exit() to leave)")
    local buffer = nil
    while true do
        local prompt = buffer and ">> " or "> "
        local line, why
        if inTTY then
            line, why = terminal.readline2(history, nil, { prompt = prompt })
        else
            io.write(prompt)
            local _, l = sys("readline")
            line = l
        end
        if line == nil then
            if why == "interrupted" then
                buffer = nil
            else
                if inTTY then io.write("\n") end
                return
            end
        else
            local typed = buffer and (buffer .. "\n" .. line) or line
            local src = typed
            if src:sub(1, 1) == "=" then src = "return " .. src:sub(2) end
            local fn, err = load("return " .. src, "=stdin", "t", env)
            if not fn then fn, err = load(src, "=stdin", "t", env) end
            if fn then
                buffer = nil
                if line:match("%S") then
                    local entry = typed:gsub("\n", " ")
                    if history[#history] ~= entry then history[#history + 1] = entry end
                end
                local ok, r = runChunk(fn)
                if ok then printResults(r) end
            elseif err:match("<eof>$") then
                buffer = typed
            else
                buffer = nil
                report(err)
            end
        end
    end
    local _ = interactive
end

-- Arguments ------------------------------------------------------------------
local i = 1
local interactive, showVersion, ranCode = false, false, false
local codes = {}
while i <= argv.n do
    local a = argv[i]
    if a == "-e" then
        if argv[i + 1] == nil then report("'-e' needs an argument") usage() end
        codes[#codes + 1] = argv[i + 1]
        i = i + 2
    elseif a == "-i" then interactive = true i = i + 1
    elseif a == "-v" then showVersion = true i = i + 1
    elseif a == "--" then i = i + 1 break
    elseif a == "-" then break
    elseif a == "-h" or a == "--help" then usage()
    elseif a:sub(1, 1) == "-" then report("unrecognized option '" .. a .. "'") usage()
    else break end
end

if showVersion then print(_VERSION .. " (fengari) on cinder") end
for _, code in ipairs(codes) do
    local fn, err = load(code, "=(command line)", "t", env)
    if not fn then report(err) os.exit(1) end
    if not runChunk(fn) then os.exit(1) end
    ranCode = true
end

local script = argv[i]
if script ~= nil then
    local scriptArgs = table.pack(table.unpack(argv, i + 1, argv.n))
    local a = { [0] = script }
    for k = 1, scriptArgs.n do a[k] = scriptArgs[k] end
    a[-1] = "lua"
    env.arg = a
    local fn, err
    if script == "-" then
        local _, data = pcall(function() return io.read("a") end)
        fn, err = load(data or "", "=stdin", "t", env)
    else
        fn, err = loadfile(script, "t", env)
        if not fn and not tostring(err):find(script, 1, true) then err = "cannot open " .. script .. ": " .. tostring(err) end
    end
    if not fn then report(err) os.exit(1) end
    local ok, r = runChunk(fn, table.unpack(scriptArgs, 1, scriptArgs.n))
    if not ok then os.exit(1) end
    if interactive then repl() end
    if r and math.type(r[1]) == "integer" and r.n == 1 then os.exit(r[1]) end
    return
end

if ranCode and not interactive then return end
local _, inTTY = sys("istty")
if inTTY or interactive then
    repl()
else
    local data = io.read("a") or ""
    local fn, err = load(data, "=stdin", "t", env)
    if not fn then report(err) os.exit(1) end
    if not runChunk(fn) then os.exit(1) end
end
