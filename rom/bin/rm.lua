-- rm: remove files and directories.
local util = require "system.util"
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end

local program = cli.program("rm", "usage: rm [-rf] FILE...\n  -r  remove directories and their contents\n  -f  ignore missing files, never complain about them\n")
local opts, err = util.argparse({ r = false, R = "@r", recursive = "@r", f = false, force = "@f", help = false }, ...)
if not opts then program.usage(err) end
if opts.help then program.usage() end
if #opts == 0 then
    if opts.f then os.exit(0) end
    program.usage()
end

for _, file in ipairs(opts) do
    local _, st = sys("stat", file, true)
    if type(st) ~= "table" then
        if not opts.f then program.report("cannot remove '" .. file .. "': No such file or directory") end
    elseif st.type == "directory" and not opts.r then
        program.report("cannot remove '" .. file .. "': Is a directory")
    elseif file:match("^/*$") or file:match("/%.%.?/*$") or file:match("^%.%.?/*$") then
        program.report("refusing to remove '" .. file .. "'")
    else
        local ok, e = sys("remove", file)
        if not ok then program.report("cannot remove '" .. file .. "': " .. tostring(e)) end
    end
end
program.exit()
