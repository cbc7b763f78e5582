-- chmod: change file permissions.
--   chmod MODE FILE...            MODE: 755 / 5 (octal), [uoa][+-=][rwxs], rwx, r-x
--   chmod -u USER MODE FILE...    change the entry of one user
local util = require "system.util"
local cli = dofile("/rom/lib/cli.lua")
local function sys(...) return coroutine.yield("syscall", ...) end

local program = cli.program("chmod", [[usage: chmod [-R] [-u USER] MODE FILE...
  MODE  octal: 7 (everyone) or 75 / 755 (owner, then everyone; a middle digit is ignored);
        symbolic: [uoa][+-=][rwxs] (u = the owner, o = everyone else, a = both), or rwx / r-x
  -u USER  set the permissions of USER instead of the owner
  -R       change directories recursively
]])
local opts, err = util.argparse({ R = false, u = "string", help = false }, ...)
if not opts then program.usage(err) end
if opts.help or #opts < 2 then program.usage() end
local mode = opts[1]

local function digit(d)
    d = tonumber(d)
    return { read = d & 4 ~= 0, write = d & 2 ~= 0, execute = d & 1 ~= 0 }
end

-- returns a list of { who = "owner" | "world" | user, mode = value for the syscall }
local function plan(st)
    local out = {}
    local ownerName = opts.u or (st and st.owner)
    if mode:match("^[0-7]+$") then
        if #mode == 1 then
            out[#out + 1] = { user = opts.u, mode = digit(mode) }
        elseif #mode <= 4 then
            local m = mode:sub(-3)
            if #m == 2 then m = m:sub(1, 1) .. "0" .. m:sub(2) end
            out[#out + 1] = { user = ownerName, mode = digit(m:sub(1, 1)) }
            if not opts.u then out[#out + 1] = { user = nil, mode = digit(m:sub(3, 3)) } end
        else
            return nil
        end
        return out
    end
    if mode:match("^[r-][w-][xsS-]$") then
        out[#out + 1] = { user = opts.u, mode = mode }
        return out
    end
    for clause in mode:gmatch("[^,]+") do
        local who, op, perms = clause:match("^([uoag]*)([+%-=])([rwxs]*)$")
        if not who then return nil end
        if who == "" then who = "a" end
        local targets = {}
        if who:find("[ua]") then targets[#targets + 1] = ownerName or false end
        if who:find("[oag]") and not opts.u then targets[#targets + 1] = false end
        for _, t in ipairs(targets) do
            local user = t or nil
            if op == "=" then
                out[#out + 1] = { user = user, mode = { read = perms:find("r") ~= nil, write = perms:find("w") ~= nil, execute = perms:find("[xs]") ~= nil, setuser = perms:find("s") ~= nil } }
            elseif perms ~= "" then
                out[#out + 1] = { user = user, mode = op .. perms }
            end
        end
    end
    return out
end

local function apply(path, st)
    local steps = plan(st)
    if not steps then program.fail("invalid mode: '" .. mode .. "'", 2) end
    for _, s in ipairs(steps) do
        local ok, e = sys("chmod", path, s.user, s.mode)
        if not ok then
            program.report("changing permissions of '" .. path .. "': " .. tostring(e))
            return false
        end
    end
    return true
end
if not plan(nil) then program.usage("invalid mode: '" .. mode .. "'") end
cli.walk(program, { table.unpack(opts, 2) }, opts.R, false, apply)
program.exit()
