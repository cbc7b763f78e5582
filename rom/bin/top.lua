-- top: a live list of processes, refreshed every second.
--   q quits; Space refreshes now; k asks for a PID to kill.
local terminal = require "system.terminal"
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end

local args = { ... }
local interval = 1
local iterations = nil
local i = 1
while args[i] do
    if args[i] == "-d" and tonumber(args[i + 1] or "") and tonumber(args[i + 1]) > 0 then
        interval = tonumber(args[i + 1]) i = i + 2
    elseif args[i] == "-n" and tonumber(args[i + 1] or "") and tonumber(args[i + 1]) >= 1 then
        iterations = math.floor(tonumber(args[i + 1])) i = i + 2
    else
        io.stderr:write("usage: top [-d SECONDS] [-n COUNT]\n  -d  seconds between refreshes (default 1)\n  -n  stop after COUNT refreshes\n  keys: q quit, Space refresh, k kill a process\n")
        os.exit(2)
    end
end

local t, terr = terminal.openterm()
if not t then
    io.stderr:write("top: needs a terminal (" .. tostring(terr) .. ")\n")
    os.exit(1)
end
local W, H = t:getSize()
local last = {}     -- pid -> cputime at the previous refresh
local lastTime = nil
local message = nil

local function snapshot()
    local _, pids = sys("getplist")
    local _, now = sys("uptime")
    local dt = lastTime and (now - lastTime) or nil
    local rows = {}
    for _, pid in ipairs(pids or {}) do
        local ok, info = sys("getpinfo", pid)
        if ok and type(info) == "table" then
            local cpu = tonumber(info.cputime) or 0
            local pct = 0
            if dt and dt > 0 and last[pid] then pct = math.max(0, (cpu - last[pid]) / dt * 100) end
            last[pid] = cpu
            local state, nthreads = cli.processState(info)
            rows[#rows + 1] = { pid = pid, user = tostring(info.user), state = state, pct = pct, cpu = cpu, nice = info.nice or 0, threads = nthreads, name = tostring(info.name) }
        end
    end
    lastTime = now
    table.sort(rows, function(a, b) if a.pct ~= b.pct then return a.pct > b.pct end return a.pid < b.pid end)
    return rows, now or 0
end

local function line(row, text, fg, bg)
    text = text:sub(1, W)
    text = text .. (" "):rep(W - #text)
    t:setCursorPos(1, row)
    t:blit(text, fg:rep(W), bg:rep(W))
end

local function draw()
    local rows, up = snapshot()
    up = math.floor(up)
    line(1, ("top - up %d:%02d:%02d, %d processes"):format(up // 3600, up // 60 % 60, up % 60, #rows), "0", "f")
    line(2, message or "q quit  k kill  Space refresh", "8", "f")
    line(3, ("%5s %-8s %1s %5s %8s %3s %s"):format("PID", "USER", "S", "%CPU", "TIME", "THR", "COMMAND"), "f", "8")
    for r = 4, H do
        local p = rows[r - 3]
        if p then
            local time = ("%d:%05.2f"):format(math.floor(p.cpu / 60), p.cpu % 60)
            line(r, ("%5d %-8s %1s %5.1f %8s %3d %s"):format(p.pid, p.user:sub(1, 8), p.state, p.pct, time, p.threads, p.name), p.state == "R" and "5" or "0", "f")
        else
            line(r, "", "0", "f")
        end
    end
    t:setCursorPos(1, 2)
    message = nil
end

local function ask(prompt)
    local answer = ""
    while true do
        line(2, prompt .. answer, "0", "f")
        local name, p = coroutine.yield()
        if name == "char" then answer = answer .. p.character
        elseif name == "key" then
            if p.keycode == 0x0A then return answer
            elseif p.keycode == 0x08 then answer = answer:sub(1, -2) end
        end
    end
end

local ok, err = pcall(function()
    draw()
    local count = 1
    if iterations and count >= iterations then return end
    local _, timer = sys("timer", interval)
    while true do
        local name, p = coroutine.yield()
        if type(p) ~= "table" then p = {} end
        if name == "timer" and p.id == timer then
            draw()
            count = count + 1
            if iterations and count >= iterations then return end
            local _, id = sys("timer", interval)
            timer = id
        elseif name == "char" then
            if p.character == "q" or p.character == "Q" then return
            elseif p.character == " " then draw()
            elseif p.character == "k" then
                local pid = tonumber(ask("PID to kill: ") or "")
                if pid then
                    local okK, e = sys("kill", pid, 15)
                    message = okK and ("Sent SIGTERM to " .. pid) or ("kill: " .. tostring(e))
                end
                draw()
            end
        elseif name == "key" and p.ctrlHeld and p.keycode == 0x63 then
            return
        elseif name == "term_resize" then
            W, H = t:getSize()
            draw()
        end
    end
end)
t:close()
if not ok then
    io.stderr:write("top: " .. tostring(err) .. "\n")
    os.exit(1)
end
