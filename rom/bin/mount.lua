-- mount: list mounts, or mount a filesystem.
local util = require "system.util"
local function sys(...) return coroutine.yield("syscall", ...) end

local function usage()
    io.stderr:write([[usage: mount                       list the mounts
       mount [-r] [-o OPTS] TYPE SOURCE DEST
       mount -t TYPE [-r] [-o OPTS] SOURCE DEST
  TYPE is tmpfs, craftos or bind; -r (or -o ro) mounts read-only;
  OPTS is a comma-separated list of key or key=value options.
]])
    os.exit(2)
end
local opts, err = util.argparse({ t = "string", r = false, o = "string", help = false }, ...)
if not opts then io.stderr:write("mount: " .. err .. "\n") usage() end
if opts.help then usage() end

if #opts == 0 and not opts.t then
    local ok, list = sys("mountlist")
    if not ok then io.stderr:write("mount: " .. tostring(list) .. "\n") os.exit(1) end
    for _, m in ipairs(list) do
        local o = {}
        for k, v in pairs(type(m.options) == "table" and m.options or {}) do
            o[#o + 1] = v == true and tostring(k) or (tostring(k) .. "=" .. tostring(v))
        end
        table.sort(o)
        local src = (m.source == nil or m.source == "") and m.type or m.source
        print(("%s on %s type %s%s"):format(tostring(src), tostring(m.path), tostring(m.type), #o > 0 and (" (" .. table.concat(o, ",") .. ")") or ""))
    end
    return
end

local fstype, src, dest
if opts.t then
    fstype, src, dest = opts.t, opts[1], opts[2]
    if #opts ~= 2 then usage() end
else
    fstype, src, dest = opts[1], opts[2], opts[3]
    if #opts ~= 3 then usage() end
end
local options = {}
if opts.r then options.ro = true end
if opts.o then
    for item in opts.o:gmatch("[^,]+") do
        local k, v = item:match("^([^=]+)=(.*)$")
        if k then options[k] = tonumber(v) or v else options[item] = true end
    end
end
local ok, e = sys("mount", fstype, src, dest, options)
if not ok then
    io.stderr:write("mount: " .. tostring(e) .. "\n")
    os.exit(1)
end
