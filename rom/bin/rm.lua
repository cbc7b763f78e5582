-- rm: remove files and directories.
local util = require "system.util"
local function sys(...) return coroutine.yield("syscall", ...) end

local function usage()
    io.stderr:write("usage: rm [-rf] FILE...\n  -r  remove directories and their contents\n  -f  ignore missing files, never complain about them\n")
    os.exit(2)
end
local opts, err = util.argparse({ r = false, R = "@r", recursive = "@r", f = false, force = "@f", help = false }, ...)
if not opts then io.stderr:write("rm: " .. err .. "\n") usage() end
if opts.help then usage() end
if #opts == 0 then
    if opts.f then os.exit(0) end
    usage()
end

local status = 0
for _, file in ipairs(opts) do
    local _, st = sys("stat", file, true)
    if type(st) ~= "table" then
        if not opts.f then
            io.stderr:write("rm: cannot remove '" .. file .. "': No such file or directory\n")
            status = 1
        end
    elseif st.type == "directory" and not opts.r then
        io.stderr:write("rm: cannot remove '" .. file .. "': Is a directory\n")
        status = 1
    elseif file:match("^/*$") or file:match("/%.%.?/*$") or file:match("^%.%.?/*$") then
        io.stderr:write("rm: refusing to remove '" .. file .. "'\n")
        status = 1
    else
        local ok, e = sys("remove", file)
        if not ok then
            io.stderr:write("rm: cannot remove '" .. file .. "': " .. tostring(e) .. "\n")
            status = 1
        end
    end
end
os.exit(status)
