-- help: list the programs, or show the help text of one.
local function sys(...) return coroutine.yield("syscall", ...) end
local args = { ... }

local HELP_DIRS = { "/rom/help", "/usr/share/help", "/etc/help" }
local BUILTINS = { "cd", "exit", "export", "unset", "alias", "unalias", "jobs", "fg", "bg", "wait", "history",
    "type", "which", "source", "eval", "set", "shift", "read", "test", "true", "false", "break", "continue", "exec", "return" }

local function usage()
    io.stderr:write("usage: help [NAME]\n  without NAME: list the shell built-ins and the programs on PATH\n")
    os.exit(2)
end
if #args > 1 or (args[1] and args[1]:sub(1, 1) == "-") then usage() end

local function columns(names)
    local _, width = sys("termsize")
    width = tonumber(width) or 51
    local maxw = 0
    for _, n in ipairs(names) do maxw = math.max(maxw, #n) end
    local colw = maxw + 2
    local cols = math.max(1, math.floor((width + 2) / colw))
    local line = {}
    for i, n in ipairs(names) do
        line[#line + 1] = (i % cols == 0 or i == #names) and n or n .. (" "):rep(colw - #n)
        if i % cols == 0 then print(table.concat(line)) line = {} end
    end
    if #line > 0 then print(table.concat(line)) end
end

if not args[1] then
    print("Shell built-ins (help sh for the command language):")
    table.sort(BUILTINS)
    columns(BUILTINS)
    local seen, progs = {}, {}
    local _, vars = sys("getenv")
    local path = type(vars) == "table" and vars.PATH or "/bin:/usr/bin:/rom/bin"
    for dir in tostring(path):gmatch("[^:]+") do
        local ok, names = sys("list", dir)
        if ok and type(names) == "table" then
            for _, f in ipairs(names) do
                local n = f:gsub("%.lua$", "")
                if not seen[n] then seen[n] = true progs[#progs + 1] = n end
            end
        end
    end
    table.sort(progs)
    print("")
    print("Programs:")
    columns(progs)
    print("")
    print("help NAME shows the help of one of them.")
    return
end

local name = args[1]
for _, dir in ipairs(HELP_DIRS) do
    local ok, h = sys("open", dir .. "/" .. name .. ".txt", "r")
    if ok and h then
        local text = h.readAll() or ""
        h.close()
        io.write(text)
        if text:sub(-1) ~= "\n" then io.write("\n") end
        return
    end
end
for _, b in ipairs(BUILTINS) do
    if b == name then
        print(name .. " is a shell built-in; see help sh.")
        return
    end
end
io.stderr:write("help: no help for '" .. name .. "'\n")
os.exit(1)
