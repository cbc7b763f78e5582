-- reboot: restart the computer.
local args = { ... }
if #args > 0 then
    io.stderr:write("usage: reboot\n")
    os.exit(2)
end
local ok, e = coroutine.yield("syscall", "devcall", "/", "reboot")
if not ok then
    io.stderr:write("reboot: " .. tostring(e) .. "\n")
    os.exit(1)
end
