-- tail: the last lines of files or standard input.
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end
cli.lineFilter("tail", "usage: tail [-n COUNT] [FILE...]\n  -n  how many lines (default 10)\n", function(count, readLine)
    local ring, n = {}, 0
    while true do
        local l = readLine()
        if l == nil then break end
        n = n + 1
        ring[n] = l
        ring[n - count] = nil
    end
    for i = math.max(1, n - count + 1), n do sys("write", ring[i] .. "\n") end
end, ...)
