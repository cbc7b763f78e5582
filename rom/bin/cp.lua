-- cp: copy files and directories.
local util = require "system.util"
local fs = require "system.filesystem"
local function sys(...) return coroutine.yield("syscall", ...) end

local cli = dofile("/rom/lib/cli.lua")
local program = cli.program("cp", "usage: cp [-r] SOURCE DEST\n       cp [-r] SOURCE... DIRECTORY\n  -r  copy directories recursively\n")
local opts, err = util.argparse({ r = false, R = "@r", recursive = "@r", help = false }, ...)
if not opts then program.usage(err) end
if opts.help or #opts < 2 then program.usage() end

local function statOf(p) local _, st = sys("stat", p) return type(st) == "table" and st or nil end

local function copyFile(from, to)
    local ok, src, e = sys("open", from, "rb")
    if not ok or not src then return nil, e or src end
    local data = src.readAll() or ""
    src.close()
    local ok2, dst, e2 = sys("open", to, "wb")
    if not ok2 or not dst then return nil, e2 or dst end
    dst.write(data)
    dst.close()
    return true
end

local function copyTree(from, to)
    local st = statOf(from)
    if st.type == "directory" then
        local dst = statOf(to)
        if dst and dst.type ~= "directory" then return nil, "cannot overwrite non-directory '" .. to .. "' with directory" end
        if not dst then
            local ok, e = sys("mkdir", to)
            if not ok then return nil, e end
        end
        local _, names = sys("list", from)
        for _, name in ipairs(names or {}) do
            local ok, e = copyTree(fs.combine(from, name), fs.combine(to, name))
            if not ok then return nil, e end
        end
        return true
    end
    return copyFile(from, to)
end

local sources, targetFor = cli.sources(program, opts, statOf(opts[#opts]))
for _, src in ipairs(sources) do
    local st = statOf(src)
    local target = targetFor(src)
    if not st then
        program.report("cannot stat '" .. src .. "': No such file or directory")
    elseif st.type == "directory" and not opts.r then
        program.report("-r not specified; omitting directory '" .. src .. "'")
    elseif fs.absolute(target) == fs.absolute(src) then
        program.report("'" .. src .. "' and '" .. target .. "' are the same file")
    elseif st.type == "directory" and (fs.absolute(target) .. "/"):sub(1, #fs.absolute(src) + 1) == fs.absolute(src) .. "/" then
        program.report("cannot copy a directory, '" .. src .. "', into itself, '" .. target .. "'")
    else
        local ok, e = copyTree(src, target)
        if not ok then
            program.report("cannot copy '" .. src .. "' to '" .. target .. "': " .. tostring(e))
        end
    end
end
program.exit()
