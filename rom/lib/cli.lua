-- Helpers shared by the programs in /rom/bin. Loaded with
-- dofile("/rom/lib/cli.lua"): it is not on package.path, because it is not
-- part of libsystem's API.
local util = require "system.util"

local cli = {}

--- cli.program(name, usageText) -> program
-- program.usage(msg?): print "name: msg" (when given) and the usage text on
-- stderr, exit 2 (as every /rom/bin program does for --help too).
-- program.fail(msg, code?): print "name: msg" on stderr, exit code (default 1).
-- program.report(msg): print "name: msg" on stderr and carry on; program.exit()
-- then exits 1 (0 when nothing was reported).
-- program.options(spec, ...): util.argparse with "help" and "h" added; a bad
-- option calls usage with argparse's message, --help or -h calls usage().
function cli.program(name, usageText)
    local program = {}
    function program.usage(msg)
        if msg then io.stderr:write(name .. ": " .. msg .. "\n") end
        io.stderr:write(usageText)
        os.exit(2)
    end
    local failed = false
    function program.report(msg)
        io.stderr:write(name .. ": " .. tostring(msg) .. "\n")
        failed = true
    end
    function program.fail(msg, code)
        program.report(msg)
        os.exit(code or 1)
    end
    function program.exit() os.exit(failed and 1 or 0) end
    function program.options(spec, ...)
        spec.help, spec.h = false, "@help"
        local opts, err = util.argparse(spec, ...)
        if not opts then program.usage(err) end
        if opts.help then program.usage() end
        return opts
    end
    return program
end

--- cli.headers(list, program) -> table: "Name: value" strings (as given to
-- -H) as a header table; a string without a colon is a usage error.
function cli.headers(list, program)
    local headers = {}
    for _, h in ipairs(list or {}) do
        local k, v = h:match("^%s*([^:]-)%s*:%s*(.-)%s*$")
        if not k or k == "" then program.usage("bad header '" .. h .. "'") end
        headers[k] = v
    end
    return headers
end

local function sys(...) return coroutine.yield("syscall", ...) end

--- cli.openInput(program, file) -> handle | nil: open a FILE operand for
-- reading, in binary. A directory, or a file that cannot be opened, is
-- reported ("name: FILE: Is a directory", "name: FILE: <reason>") and gives nil.
function cli.openInput(program, file)
    local _, st = sys("stat", file)
    if type(st) == "table" and st.type == "directory" then
        program.report(file .. ": Is a directory")
        return nil
    end
    local ok, h, err = sys("open", file, "rb")
    if not ok or not h then
        program.report(file .. ": " .. tostring(err or h))
        return nil
    end
    return h
end

--- cli.processState(info) -> state, threads: the STAT letter of a process
-- from its getpinfo table ("R" running, "T" stopped, "S" waiting) and its
-- number of threads (ps and top).
function cli.processState(info)
    local state, threads = "S", 0
    for _, t in pairs(info.threads or {}) do
        if type(t) == "table" then
            threads = threads + 1
            if t.status == "running" then state = "R" end
        end
    end
    if info.paused then state = "T" end
    return state, threads
end

--- cli.lineFilter(name, usageText, each, ...): the frame of head and tail.
-- Parses [-n COUNT | -COUNT] [FILE...] ("-", or no file, is standard input),
-- then calls each(count, readLine) for every file in turn, with "==> FILE <=="
-- headers when there are several; unreadable files are reported and make the
-- exit status 1. Does not return.
function cli.lineFilter(name, usageText, each, ...)
    local program = cli.program(name, usageText)
    local args = { ... }
    -- accept the traditional -NUMBER form
    for i, a in ipairs(args) do if a:match("^%-%d+$") then args[i] = "-n" table.insert(args, i + 1, a:sub(2)) break end end
    -- a lone "-" is a file name here (standard input), not an option
    for i, a in ipairs(args) do if a == "-" then args[i] = "\0-" end end
    local opts, err = util.argparse({ n = "number", help = false }, table.unpack(args))
    if not opts then program.usage(err) end
    for i, a in ipairs(opts) do if a == "\0-" then opts[i] = "-" end end
    if opts.help then program.usage() end
    local count = opts.n or 10
    if count < 0 or math.floor(count) ~= count then program.usage("invalid number of lines") end
    if #opts == 0 then opts[1] = "-" end
    for i, f in ipairs(opts) do
        if #opts > 1 then sys("write", (i > 1 and "\n" or "") .. "==> " .. f .. " <==\n") end
        if f == "-" then
            each(count, function() local _, l = sys("readline") return l end)
        else
            local ok, h, e = sys("open", f, "r")
            if not ok or not h then program.report(f .. ": " .. tostring(e or h))
            else each(count, h.readLine) h.close() end
        end
    end
    program.exit()
end

--- cli.sources(program, operands, destStat) -> sources, targetFor: the
-- SOURCE... DEST operands of cp and mv. With several sources DEST must be a
-- directory (otherwise "target '...' is not a directory", exit 1).
-- targetFor(src) is DEST, or DEST/basename(src) when DEST is a directory.
-- destStat is the stat table of DEST, or nil when it does not exist.
function cli.sources(program, operands, destStat)
    local fs = require "system.filesystem"
    local dest = operands[#operands]
    local sources = { table.unpack(operands, 1, #operands - 1) }
    local isDir = destStat ~= nil and destStat.type == "directory"
    if #sources > 1 and not isDir then program.fail("target '" .. dest .. "' is not a directory") end
    return sources, function(src)
        if isDir then return fs.combine(dest, fs.basename(src)) end
        return dest
    end
end

--- cli.walk(program, paths, recursive, nofollow, visit): for each path, stat
-- it (not following a final symbolic link when nofollow) and call
-- visit(path, st); with recursive, then do the same for everything under a
-- directory, parents before their contents. A path that does not exist is
-- reported ("cannot access 'path': No such file or directory"). visit
-- reports its own failures and returns false; nothing under that path is
-- visited then.
function cli.walk(program, paths, recursive, nofollow, visit)
    local fs = require "system.filesystem"
    local function go(p)
        local _, st = sys("stat", p, nofollow)
        if type(st) ~= "table" then
            program.report("cannot access '" .. p .. "': No such file or directory")
            return
        end
        if visit(p, st) and recursive and st.type == "directory" then
            local _, names = sys("list", p)
            for _, n in ipairs(names or {}) do go(fs.combine(p, n)) end
        end
    end
    for _, p in ipairs(paths) do go(p) end
end

return cli
