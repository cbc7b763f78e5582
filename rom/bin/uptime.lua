-- uptime: how long the computer has been running.
local args = { ... }
local pretty = false
for _, a in ipairs(args) do
    if a == "-p" then pretty = true
    else
        io.stderr:write("usage: uptime [-p]\n  -p  only the running time, in words\n")
        os.exit(2)
    end
end
local _, up = coroutine.yield("syscall", "uptime")
up = math.floor(tonumber(up) or 0)
local d, h, m, s = up // 86400, up // 3600 % 24, up // 60 % 60, up % 60
if pretty then
    local parts = {}
    if d > 0 then parts[#parts + 1] = d .. (d == 1 and " day" or " days") end
    if h > 0 then parts[#parts + 1] = h .. (h == 1 and " hour" or " hours") end
    if m > 0 or #parts == 0 then parts[#parts + 1] = m .. (m == 1 and " minute" or " minutes") end
    print("up " .. table.concat(parts, ", "))
    return
end
local _, pids = coroutine.yield("syscall", "getplist")
local span = (d > 0 and (d .. (d == 1 and " day, " or " days, ")) or "") .. ("%d:%02d:%02d"):format(h, m, s)
local now = math.floor(os.epoch("utc") / 1000) % 86400
local clock = ("%02d:%02d:%02d"):format(now // 3600, now // 60 % 60, now % 60)
print(("%s up %s, %d processes"):format(clock, span, #(pids or {})))
