-- touch: create empty files, or update the modification time of existing ones.
local function sys(...) return coroutine.yield("syscall", ...) end
local args = { ... }
if #args == 0 or args[1] == "--help" or (args[1]:sub(1, 1) == "-" and args[1] ~= "-") then
    if args[1] and args[1] ~= "--help" then io.stderr:write("touch: unknown option " .. args[1] .. "\n") end
    io.stderr:write("usage: touch FILE...\n")
    os.exit(2)
end
local status = 0
for _, file in ipairs(args) do
    local _, st = sys("stat", file)
    if type(st) == "table" and st.type == "directory" then
        -- nothing to do for a directory
    else
        local existed = type(st) == "table"
        local ok, h, err = sys("open", file, existed and "ab" or "wb")
        if not ok or not h then
            io.stderr:write("touch: " .. file .. ": " .. tostring(err or h) .. "\n")
            status = 1
        else
            h.close()
        end
    end
end
os.exit(status)
