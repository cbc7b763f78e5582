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
for _, src in ipairs(sources) do
    local st = statOf(src)
    local target = targetFor(src)
    local absS, absT = fs.absolute(src), fs.absolute(target)
    if not st then
        program.report("cannot stat '" .. src .. "': No such file or directory")
    elseif absS == absT then
        program.report("'" .. src .. "' and '" .. target .. "' are the same file")
    elseif (absT .. "/"):sub(1, #absS + 1) == absS .. "/" then
        program.report("cannot move '" .. src .. "' to a subdirectory of itself, '" .. target .. "'")
    else
        local tst = statOf(target)
        if tst and tst.type == "directory" then
            program.report("cannot overwrite directory '" .. target .. "'")
        else
            if tst then sys("remove", target) end
            local ok, e = pcall(fs.move, src, target)
            if not ok then
                program.report("cannot move '" .. src .. "' to '" .. target .. "': " .. tostring(e):gsub("^[^:]*:%d+: ", ""))
            end
        end
    end
end
program.exit()
