-- mkdir: create directories.
local util = require "system.util"
local fs = require "system.filesystem"
local function sys(...) return coroutine.yield("syscall", ...) end

local function usage()
    io.stderr:write("usage: mkdir [-p] DIRECTORY...\n  -p  create parent directories as needed; no error if it exists\n")
    os.exit(2)
end
local opts, err = util.argparse({ p = false, parents = "@p", help = false }, ...)
if not opts then io.stderr:write("mkdir: " .. err .. "\n") usage() end
if opts.help or #opts == 0 then usage() end

local status = 0
for _, dir in ipairs(opts) do
    local _, st = sys("stat", dir)
    if type(st) == "table" then
        if not opts.p or st.type ~= "directory" then
            io.stderr:write("mkdir: cannot create directory '" .. dir .. "': File exists\n")
            status = 1
        end
    else
        local parent = fs.dirname(dir)
        local _, pst = sys("stat", parent)
        if not opts.p and type(pst) ~= "table" then
            io.stderr:write("mkdir: cannot create directory '" .. dir .. "': No such file or directory\n")
            status = 1
        elseif not opts.p and pst.type ~= "directory" then
            io.stderr:write("mkdir: cannot create directory '" .. dir .. "': Not a directory\n")
            status = 1
        else
            local ok, e = sys("mkdir", dir)
            if not ok then
                io.stderr:write("mkdir: cannot create directory '" .. dir .. "': " .. tostring(e) .. "\n")
                status = 1
            end
        end
    end
end
os.exit(status)
