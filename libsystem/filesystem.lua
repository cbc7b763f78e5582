--- system.filesystem: files, directories, mounts and path helpers.
--
-- Wrappers of the filesystem syscalls plus pure-Lua helpers. Departures
-- from Phoenix: `combine` normalises "." and ".." and repeated slashes but
-- does not resolve symbolic links (it never touches the filesystem);
-- `open` returns nil and the message on failure (as the syscall does).
local util = require "system.util"
local expect = require "system.expect"

local syscall = util.syscall
local type, pairs, ipairs, select, error, tostring, pcall = type, pairs, ipairs, select, error, tostring, pcall
local concat, sort = table.concat, table.sort

local filesystem = {}

--- open(path, mode = "r") -> handle | nil, err
filesystem.open = util.checked("open", {"string"}, {"string", "nil"})
--- list(path) -> names
filesystem.list = util.checked("list", {"string"})
--- stat(path, nolink?) -> FileStat | nil, err
filesystem.stat = util.checked("stat", {"string"}, {"boolean", "nil"})
--- remove(path): recursive; a missing path is a no-op
filesystem.remove = util.checked("remove", {"string"})
--- rename(from, to): same mount only
filesystem.rename = util.checked("rename", {"string"}, {"string"})
--- mkdir(path): creates parents
filesystem.mkdir = util.checked("mkdir", {"string"})
--- link(path, location): create a symbolic link at `path` pointing to
-- `location` (a relative location is relative to the link's directory)
filesystem.link = util.checked("link", {"string"}, {"string"})
--- mkfifo(path)
filesystem.mkfifo = util.checked("mkfifo", {"string"})
--- chmod(path, user|nil, mode)
filesystem.chmod = util.checked("chmod", {"string"}, {"string", "nil"}, {"number", "string", "table"})
--- chown(path, user)
filesystem.chown = util.checked("chown", {"string"}, {"string"})
--- chroot(path) (root only)
filesystem.chroot = util.checked("chroot", {"string"})
--- mount(type, src, dest, options?)
filesystem.mount = util.checked("mount", {"string"}, {"string"}, {"string"}, {"table", "nil"})
--- unmount(path)
filesystem.unmount = util.checked("unmount", {"string"})
--- mountlist() -> {path, type, source, options}[]
function filesystem.mountlist() return syscall.mountlist() end
--- fsevent(path, enabled?)
filesystem.fsevent = util.checked("fsevent", {"string"}, {"boolean", "nil"})

-- path helpers -------------------------------------------------------------

--- combine(...) -> path: join components with "/", resolving "." and "..".
-- The result is absolute when the first component is; ".." never climbs
-- above "/" in an absolute path and is kept in a relative one.
function filesystem.combine(...)
    local n = select("#", ...)
    local parts = {}
    local absolute = false
    for i = 1, n do
        local p = select(i, ...)
        expect(i, p, "string")
        if i == 1 and p:sub(1, 1) == "/" then absolute = true end
        for seg in p:gmatch("[^/]+") do
            if seg == ".." then
                if #parts > 0 and parts[#parts] ~= ".." then
                    parts[#parts] = nil
                elseif not absolute then
                    parts[#parts + 1] = ".."
                end
            elseif seg ~= "." then
                parts[#parts + 1] = seg
            end
        end
    end
    local s = concat(parts, "/")
    if absolute then return "/" .. s end
    return s
end

--- absolute(path) -> path resolved against the working directory.
function filesystem.absolute(path)
    expect(1, path, "string")
    if path:sub(1, 1) == "/" then return filesystem.combine(path) end
    return filesystem.combine(syscall.getcwd(), path)
end

--- basename(path) -> last component ("" for "/").
function filesystem.basename(path)
    expect(1, path, "string")
    return path:match("([^/]*)/*$") or ""
end

--- dirname(path) -> everything before the last component ("/" for
-- "/file", "." for a bare name).
function filesystem.dirname(path)
    expect(1, path, "string")
    local stripped = path:gsub("/+$", "")
    if stripped == "" then return path:sub(1, 1) == "/" and "/" or "." end
    local dir = stripped:match("^(.*)/[^/]*$")
    if dir == nil then return "." end
    dir = dir:gsub("/+$", "")
    if dir == "" then return "/" end
    return dir
end

--- exists(path) -> boolean
function filesystem.exists(path)
    expect(1, path, "string")
    local ok, st = pcall(syscall.stat, path, true)
    return ok and st ~= nil
end

--- isFile(path) -> boolean (true for regular files; links are followed)
function filesystem.isFile(path)
    expect(1, path, "string")
    local ok, st = pcall(syscall.stat, path)
    return ok and type(st) == "table" and st.type == "file"
end

--- isDir(path) -> boolean (links are followed)
function filesystem.isDir(path)
    expect(1, path, "string")
    local ok, st = pcall(syscall.stat, path)
    return ok and type(st) == "table" and st.type == "directory"
end

--- isLink(path) -> boolean
function filesystem.isLink(path)
    expect(1, path, "string")
    local ok, st = pcall(syscall.stat, path, true)
    return ok and type(st) == "table" and st.type == "link"
end

--- effectivePermissions(fileOrStat, user?) -> {read, write, execute} | nil
-- The permissions `user` (default: the caller) has on a path or stat table.
-- root has every permission.
function filesystem.effectivePermissions(file, user)
    expect(1, file, "string", "table")
    expect(2, user, "string", "nil")
    local st = file
    if type(file) == "string" then
        local ok, s = pcall(syscall.stat, file)
        if not ok or type(s) ~= "table" then return nil end
        st = s
    end
    user = user or syscall.getuser()
    if user == "root" then return { read = true, write = true, execute = true } end
    local p = type(st.permissions) == "table" and st.permissions[user] or nil
    if type(p) ~= "table" then p = st.worldPermissions end
    if type(p) ~= "table" then return { read = false, write = false, execute = false } end
    return { read = not not p.read, write = not not p.write, execute = not not p.execute }
end

-- copy / move ---------------------------------------------------------------

local function copyPermissions(from, to, st)
    if st.owner then pcall(syscall.chown, to, st.owner) end
    if type(st.permissions) == "table" then
        for user, perm in pairs(st.permissions) do
            if type(perm) == "table" then
                pcall(syscall.chmod, to, user, { read = perm.read, write = perm.write, execute = perm.execute, setuser = st.setuser })
            end
        end
    end
    if type(st.worldPermissions) == "table" then
        local w = st.worldPermissions
        pcall(syscall.chmod, to, nil, { read = w.read, write = w.write, execute = w.execute, setuser = st.setuser })
    end
end

local function copyTree(from, to, preserve)
    local st = syscall.stat(from, true)
    if not st then error(from .. ": No such file or directory", 0) end
    if st.type == "link" and st.link then
        syscall.link(to, st.link)
    elseif st.type == "directory" then
        syscall.mkdir(to)
        for _, name in ipairs(syscall.list(from)) do
            copyTree(from .. "/" .. name, to .. "/" .. name, preserve)
        end
    else
        local src, err = syscall.open(from, "rb")
        if not src then error(err, 0) end
        local ok, data = pcall(src.readAll)
        src.close()
        if not ok then error(data, 0) end
        local dst, err2 = syscall.open(to, "wb")
        if not dst then error(err2, 0) end
        dst.write(data or "")
        dst.close()
    end
    if preserve then copyPermissions(from, to, st) end
end

--- copy(from, to, preserve?): copy a file or directory tree; `preserve`
-- also copies the owner and permissions (where allowed).
function filesystem.copy(from, to, preserve)
    expect(1, from, "string")
    expect(2, to, "string")
    expect(3, preserve, "boolean", "nil")
    from, to = filesystem.absolute(from), filesystem.absolute(to)
    if to == from or to:sub(1, #from + 1) == from .. "/" then
        error("cannot copy a directory into itself", 2)
    end
    if filesystem.exists(to) then error(to .. ": File exists", 2) end
    local ok, err = pcall(copyTree, from, to, preserve)
    if not ok then error(err, 2) end
end

local function mountOf(path)
    local ok, st = pcall(syscall.stat, path)
    if ok and type(st) == "table" then return st.mountpoint end
    return nil
end

--- move(from, to): rename when both paths are on the same mount, otherwise
-- copy (preserving permissions) and remove the source.
function filesystem.move(from, to)
    expect(1, from, "string")
    expect(2, to, "string")
    from, to = filesystem.absolute(from), filesystem.absolute(to)
    local m1, m2 = mountOf(from), mountOf(filesystem.dirname(to))
    if m1 ~= nil and m1 == m2 then return syscall.rename(from, to) end
    filesystem.copy(from, to, true)
    syscall.remove(from)
end

-- find -----------------------------------------------------------------------

local function globToPattern(seg)
    return "^" .. seg:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", "[^/]*"):gsub("%?", "[^/]") .. "$"
end

--- find(wildcard) -> sorted paths matching a glob (`*` any run of
-- characters, `?` one character, per path component). Relative wildcards
-- give paths relative to the working directory.
function filesystem.find(wildcard)
    expect(1, wildcard, "string")
    local absolute = wildcard:sub(1, 1) == "/"
    local base = absolute and "/" or syscall.getcwd()
    local segs = {}
    for seg in filesystem.combine(wildcard):gmatch("[^/]+") do segs[#segs + 1] = seg end
    local results = {}
    local function walk(rel, i)
        local full = filesystem.combine(base, rel)
        if i > #segs then
            results[#results + 1] = rel
            return
        end
        local seg = segs[i]
        local join = function(name) return rel == "" and name or rel .. "/" .. name end
        if seg:find("[%*%?]") then
            local ok, names = pcall(syscall.list, full)
            if not ok or type(names) ~= "table" then return end
            local pat = globToPattern(seg)
            sort(names)
            for _, name in ipairs(names) do
                if name:find(pat) then
                    if i == #segs or filesystem.isDir(filesystem.combine(full, name)) then
                        walk(join(name), i + 1)
                    end
                end
            end
        else
            local next = join(seg)
            if filesystem.exists(filesystem.combine(base, next)) then walk(next, i + 1) end
        end
    end
    if #segs > 0 then walk("", 1) end
    sort(results)
    if absolute then
        for i = 1, #results do results[i] = "/" .. results[i] end
    end
    return results
end

return filesystem
