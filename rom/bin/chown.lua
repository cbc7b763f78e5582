-- chown: change the owner of files.
local util = require "system.util"
local cli = dofile("/rom/lib/cli.lua")
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
local function apply(path)
    local ok, e = sys("chown", path, user)
    if not ok then
        io.stderr:write("chown: changing ownership of '" .. path .. "': " .. tostring(e) .. "\n")
    end
    return ok
end
local status = 0
for i = 2, #opts do
    if not cli.walk("chown", opts[i], opts.R, true, apply) then status = 1 end
end
os.exit(status)
