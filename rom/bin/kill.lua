-- kill: send a signal to processes.
local function sys(...) return coroutine.yield("syscall", ...) end

local SIGNALS = {
    HUP = 1, INT = 2, QUIT = 3, TRAP = 5, ABRT = 6, KILL = 9, USR1 = 10, USR2 = 12, PIPE = 13,
    TERM = 15, CONT = 18, STOP = 19, TSTP = 19, TTIN = 21, TTOU = 22,
}
local function usage()
    io.stderr:write("usage: kill [-s SIGNAL | -SIGNAL | -N] PID...\n       kill -l\n")
    os.exit(2)
end
local function signalNumber(s)
    local n = tonumber(s)
    if n then
        if n >= 1 and n <= 64 and math.floor(n) == n then return n end
        return nil
    end
    s = s:upper():gsub("^SIG", "")
    return SIGNALS[s]
end

local args = { ... }
if #args == 0 or args[1] == "--help" then usage() end
if args[1] == "-l" or args[1] == "-L" then
    local names = {}
    for name, n in pairs(SIGNALS) do if name ~= "TSTP" then names[#names + 1] = { n, name } end end
    table.sort(names, function(a, b) return a[1] < b[1] end)
    for _, e in ipairs(names) do print(("%2d) SIG%s"):format(e[1], e[2])) end
    return
end
local sig = 15
local i = 1
if args[1] == "-s" or args[1] == "-n" then
    if not args[2] then usage() end
    sig = signalNumber(args[2])
    if not sig then io.stderr:write("kill: " .. args[2] .. ": invalid signal specification\n") os.exit(2) end
    i = 3
elseif args[1]:sub(1, 1) == "-" and args[1] ~= "--" then
    sig = signalNumber(args[1]:sub(2))
    if not sig then io.stderr:write("kill: " .. args[1]:sub(2) .. ": invalid signal specification\n") os.exit(2) end
    i = 2
end
if args[i] == "--" then i = i + 1 end
if not args[i] then usage() end
local status = 0
for k = i, #args do
    local pid = tonumber(args[k])
    if not pid or math.floor(pid) ~= pid then
        io.stderr:write("kill: " .. args[k] .. ": arguments must be process IDs\n")
        status = 1
    else
        local ok, e = sys("kill", pid, sig)
        if not ok then
            io.stderr:write("kill: (" .. args[k] .. ") - " .. tostring(e) .. "\n")
            status = 1
        end
    end
end
os.exit(status)
