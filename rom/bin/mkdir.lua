-- mkdir: create directories.
local util = require "system.util"
local fs = require "system.filesystem"
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end

local program = cli.program("mkdir", "usage: mkdir [-p] DIRECTORY...\n  -p  create parent directories as needed; no error if it exists\n")
local opts, err = util.argparse({ p = false, parents = "@p", help = false }, ...)
if not opts then program.usage(err) end
if opts.help or #opts == 0 then program.usage() end

for _, dir in ipairs(opts) do
    local function cannot(why) program.report("cannot create directory '" .. dir .. "': " .. why) end
    local _, st = sys("stat", dir)
    if type(st) == "table" then
        if not opts.p or st.type ~= "directory" then cannot("File exists") end
    else
        local _, pst = sys("stat", fs.dirname(dir))
        if not opts.p and type(pst) ~= "table" then
            cannot("No such file or directory")
        elseif not opts.p and pst.type ~= "directory" then
            cannot("Not a directory")
        else
            local ok, e = sys("mkdir", dir)
            if not ok then cannot(tostring(e)) end
        end
    end
end
program.exit()
