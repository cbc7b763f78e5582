-- umount: remove a mount.
local args = { ... }
if #args ~= 1 or args[1]:sub(1, 1) == "-" then
    io.stderr:write("usage: umount DIRECTORY\n")
    os.exit(2)
end
local ok, e = coroutine.yield("syscall", "unmount", args[1])
if not ok then
    io.stderr:write("umount: " .. args[1] .. ": " .. tostring(e) .. "\n")
    os.exit(1)
end
