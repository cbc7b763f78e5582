-- sleep: wait for a number of seconds.
local args = { ... }
local n = tonumber(args[1] or "")
if #args ~= 1 or not n or n < 0 then
    io.stderr:write("usage: sleep SECONDS\n")
    os.exit(2)
end
local _, id = coroutine.yield("syscall", "timer", n)
while true do
    local name, p = coroutine.yield()
    if name == "timer" and type(p) == "table" and p.id == id then break end
end
