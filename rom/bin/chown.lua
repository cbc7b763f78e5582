-- chown: change the owner of files.
local util = require "system.util"
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end

local program = cli.program("chown", "usage: chown [-R] USER FILE...\n  -R  change directories recursively\n")
local opts, err = util.argparse({ R = false, help = false }, ...)
if not opts then program.usage(err) end
if opts.help or #opts < 2 then program.usage() end
local user = opts[1]
if not user:match("^[%w_%.%-]+$") then program.fail("invalid user: '" .. user .. "'", 2) end
local function apply(path)
    local ok, e = sys("chown", path, user)
    if not ok then program.report("changing ownership of '" .. path .. "': " .. tostring(e)) end
    return ok
end
cli.walk(program, { table.unpack(opts, 2) }, opts.R, true, apply)
program.exit()
