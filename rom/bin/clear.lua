-- clear: clear the terminal screen.
local args = { ... }
if #args > 0 then
    io.stderr:write("usage: clear\n")
    os.exit(2)
end
io.write("\27[2J\27[H")
