-- ls: list directory contents.
local util = require "system.util"
local fs = require "system.filesystem"
local function sys(...) return coroutine.yield("syscall", ...) end

local function usage()
    io.stderr:write([[usage: ls [-la1] [FILE...]
  -l  long format: type and permissions, owner, size, modification time
  -a  include names starting with "."
  -1  one name per line
]])
    os.exit(2)
end
local opts, err = util.argparse({ l = false, a = false, all = "@a", ["1"] = false, help = false }, ...)
if not opts then io.stderr:write("ls: " .. err .. "\n") usage() end
if opts.help then usage() end

local _, _, outTTY = sys("istty")
local _, width = sys("termsize")
width = tonumber(width) or 51
local colour = outTTY == true

local function statOf(path, nolink)
    local _, st = sys("stat", path, nolink)
    return type(st) == "table" and st or nil
end

local function permString(st)
    local function rwx(p, setuser)
        if type(p) ~= "table" then return "---" end
        return (p.read and "r" or "-") .. (p.write and "w" or "-") .. (p.execute and (setuser and "s" or "x") or (setuser and "S" or "-"))
    end
    local t = st.type == "directory" and "d" or st.type == "link" and "l" or st.type == "fifo" and "p" or st.type == "special" and "c" or "-"
    local owner = type(st.permissions) == "table" and st.permissions[st.owner] or nil
    return t .. rwx(owner or st.worldPermissions, st.setuser) .. rwx(st.worldPermissions, false)
end

local function decorate(name, st)
    if not colour or not st then return name end
    if st.type == "directory" then return "\27[94m" .. name .. "\27[0m" end
    if st.type == "link" then return "\27[96m" .. name .. "\27[0m" end
    if name:match("%.lua$") then return "\27[92m" .. name .. "\27[0m" end
    return name
end

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }
-- "Mon DD HH:MM" (UTC) of a time in milliseconds since the epoch
local function timeString(ms)
    if type(ms) ~= "number" then return "            " end
    local s = math.floor(ms / 1000)
    local days, rem = s // 86400, s % 86400
    -- civil date from days since 1970-01-01
    local z = days + 719468
    local era = z // 146097
    local doe = z - era * 146097
    local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    local mp = (5 * doy + 2) // 153
    local d = doy - (153 * mp + 2) // 5 + 1
    local m = mp < 10 and mp + 3 or mp - 9
    return ("%s %02d %02d:%02d"):format(MONTHS[m], d, rem // 3600, rem // 60 % 60)
end

local function show(entries)
    -- entries: { name, path, st }
    if opts.l then
        local wOwner, wSize = 1, 1
        for _, e in ipairs(entries) do
            if e.st then
                wOwner = math.max(wOwner, #tostring(e.st.owner or "?"))
                wSize = math.max(wSize, #tostring(e.st.size or 0))
            end
        end
        for _, e in ipairs(entries) do
            local st = e.st
            if st then
                local line = ("%s %-" .. wOwner .. "s %" .. wSize .. "d %s %s"):format(permString(st), tostring(st.owner or "?"),
                    math.floor(st.size or 0), timeString(st.modified), decorate(e.name, st))
                if st.type == "link" and st.link then line = line .. " -> " .. st.link end
                print(line)
            else
                print("?????????? ? ? ? " .. e.name)
            end
        end
        return
    end
    if not outTTY or opts["1"] then
        for _, e in ipairs(entries) do print(e.name) end
        return
    end
    -- columns, filled down then across
    local maxw = 0
    for _, e in ipairs(entries) do maxw = math.max(maxw, #e.name) end
    local colw = maxw + 2
    local cols = math.max(1, math.floor((width + 2) / colw))
    local rows = math.ceil(#entries / cols)
    for r = 1, rows do
        local line = {}
        for c = 1, cols do
            local e = entries[(c - 1) * rows + r]
            if e then
                local pad = (c < cols and entries[c * rows + r]) and (" "):rep(colw - #e.name) or ""
                line[#line + 1] = decorate(e.name, e.st) .. pad
            end
        end
        print(table.concat(line))
    end
end

local targets = {}
for i = 1, #opts do targets[i] = opts[i] end
if #targets == 0 then targets[1] = "." end

local status = 0
local files, dirs = {}, {}
for _, t in ipairs(targets) do
    local st = statOf(t)
    local lst = statOf(t, true)
    if not lst then
        io.stderr:write("ls: cannot access '" .. t .. "': No such file or directory\n")
        status = 2
    elseif st and st.type == "directory" and not (opts.l and lst.type == "link") then
        dirs[#dirs + 1] = t
    else
        files[#files + 1] = { name = t, path = t, st = opts.l and lst or (st or lst) }
    end
end
if #files > 0 then show(files) end
for i, d in ipairs(dirs) do
    if #targets > 1 then
        if #files > 0 or i > 1 then print("") end
        print(d .. ":")
    end
    local ok, names = sys("list", d)
    if not ok then
        io.stderr:write("ls: cannot open directory '" .. d .. "': " .. tostring(names) .. "\n")
        status = 2
    else
        table.sort(names)
        local entries = {}
        if opts.a then
            entries[#entries + 1] = { name = ".", path = d, st = statOf(d) }
            entries[#entries + 1] = { name = "..", path = fs.combine(d, ".."), st = statOf(fs.combine(fs.absolute(d), "..")) }
        end
        for _, name in ipairs(names) do
            if opts.a or name:sub(1, 1) ~= "." then
                local path = fs.combine(d, name)
                entries[#entries + 1] = { name = name, path = path, st = statOf(path, opts.l) or statOf(path, true) }
            end
        end
        show(entries)
    end
end
os.exit(status)
