-- head: the first lines of files or standard input.
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end
cli.lineFilter("head", "usage: head [-n COUNT] [FILE...]\n  -n  how many lines (default 10)\n", function(count, readLine)
    for _ = 1, count do
        local l = readLine()
        if l == nil then return end
        sys("write", l .. "\n")
    end
end, ...)
