-- mv: move (rename) files and directories.
local util = require "system.util"
local fs = require "system.filesystem"
local function sys(...) return coroutine.yield("syscall", ...) end

local cli = dofile("/rom/lib/cli.lua")
local program = cli.program("mv", "usage: mv SOURCE DEST\n       mv SOURCE... DIRECTORY\n")
local opts, err = util.argparse({ f = false, help = false }, ...)
if not opts then program.usage(err) end
if opts.help or #opts < 2 then program.usage() end
local function statOf(p) local _, st = sys("stat", p, true) return type(st) == "table" and st or nil end

local dst = statOf(opts[#opts])
-- a link to a directory counts as the directory
if dst and dst.type == "link" then local _, s = sys("stat", opts[#opts]) if type(s) == "table" then dst = s end end
local sources, targetFor = cli.sources(program, opts, dst)
local status = 0
for _, src in ipairs(sources) do
    local st = statOf(src)
    local target = targetFor(src)
    local absS, absT = fs.absolute(src), fs.absolute(target)
    if not st then
        io.stderr:write("mv: cannot stat '" .. src .. "': No such file or directory\n")
        status = 1
    elseif absS == absT then
        io.stderr:write("mv: '" .. src .. "' and '" .. target .. "' are the same file\n")
        status = 1
    elseif (absT .. "/"):sub(1, #absS + 1) == absS .. "/" then
        io.stderr:write("mv: cannot move '" .. src .. "' to a subdirectory of itself, '" .. target .. "'\n")
        status = 1
    else
        local tst = statOf(target)
        if tst and tst.type == "directory" then
            io.stderr:write("mv: cannot overwrite directory '" .. target .. "'\n")
            status = 1
        else
            if tst then sys("remove", target) end
            local ok, e = pcall(fs.move, src, target)
            if not ok then
                io.stderr:write("mv: cannot move '" .. src .. "' to '" .. target .. "': " .. tostring(e):gsub("^[^:]*:%d+: ", "") .. "\n")
                status = 1
            end
        end
    end
end
os.exit(status)
