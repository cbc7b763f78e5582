-- pwd: print the working directory.
local args = { ... }
if #args > 0 and not (#args == 1 and (args[1] == "-L" or args[1] == "-P")) then
    io.stderr:write("usage: pwd\n")
    os.exit(2)
end
local _, cwd = coroutine.yield("syscall", "getcwd")
print(cwd)
