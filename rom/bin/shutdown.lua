-- shutdown: turn the computer off (or restart it with -r).
local args = { ... }
local method = "shutdown"
for _, a in ipairs(args) do
    if a == "-r" then method = "reboot"
    elseif a == "-h" or a == "-P" or a == "now" then -- the default
    else
        io.stderr:write("usage: shutdown [-r] [now]\n  -r  restart instead of turning off\n")
        os.exit(2)
    end
end
local ok, e = coroutine.yield("syscall", "devcall", "/", method)
if not ok then
    io.stderr:write("shutdown: " .. tostring(e) .. "\n")
    os.exit(1)
end
