-- chown: change the owner of files.
local util = require "system.util"
local fs = require "system.filesystem"
local function sys(...) return coroutine.yield("syscall", ...) end

local function usage()
    io.stderr:write("usage: chown [-R] USER FILE...\n  -R  change directories recursively\n")
    os.exit(2)
end
local opts, err = util.argparse({ R = false, help = false }, ...)
if not opts then io.stderr:write("chown: " .. err .. "\n") usage() end
if opts.help or #opts < 2 then usage() end
local user = opts[1]
if not user:match("^[%w_%.%-]+$") then io.stderr:write("chown: invalid user: '" .. user .. "'\n") os.exit(2) end
local status = 0
local function apply(path)
    local _, st = sys("stat", path, true)
    if type(st) ~= "table" then
        io.stderr:write("chown: cannot access '" .. path .. "': No such file or directory\n")
        status = 1
        return
    end
    local ok, e = sys("chown", path, user)
    if not ok then
        io.stderr:write("chown: changing ownership of '" .. path .. "': " .. tostring(e) .. "\n")
        status = 1
        return
    end
    if opts.R and st.type == "directory" then
        local _, names = sys("list", path)
        for _, n in ipairs(names or {}) do apply(fs.combine(path, n)) end
    end
end
for i = 2, #opts do apply(opts[i]) end
os.exit(status)
