--- system.hardware: the device tree from Lua (reference/phoenix.md §4.7).
--
-- A device argument may be a path ("/left"), a UUID, a bare ID or alias
-- ("lo"), a wrapped device or a tree object; objects resolve through their
-- UUID. `wrap(device)` gives an object whose methods call the driver
-- (`obj:method(...)`) and whose properties read and write through the
-- get/set methods (`obj.remainingChannels`, `mon.scale = 2`).
local util = require "system.util"
local expect = require "system.expect"

local syscall = util.syscall
local type, setmetatable, getmetatable, rawget, select, pcall = type, setmetatable, getmetatable, rawget, select, pcall
local upper, sub = string.upper, string.sub

local hardware = {}

local DEVICE, TREE = {}, {}

-- The string to hand the kernel for any accepted device argument.
local function resolve(n, device)
    local mt = getmetatable(device)
    if mt == DEVICE or mt == TREE then return rawget(device, "__uuid") or rawget(device, "__path") end
    expect(n, device, "string", "table")
    if type(device) ~= "string" then error("bad argument #" .. n .. " (device expected, got table)", 3) end
    return device
end

local function capital(s) return upper(sub(s, 1, 1)) .. sub(s, 2) end

local function has(list, v)
    for i = 1, #list do if list[i] == v then return true end end
    return false
end

--- The paths of a device name (devlookup).
function hardware.path(device) return syscall.devlookup(resolve(1, device)) end

function hardware.info(device) return syscall.devinfo(resolve(1, device)) end
function hardware.methods(device) return syscall.devmethods(resolve(1, device)) end
function hardware.properties(device) return syscall.devproperties(resolve(1, device)) end
function hardware.children(device) return syscall.devchildren(resolve(1, device)) end
function hardware.call(device, method, ...)
    local d = resolve(1, device)
    expect(2, method, "string")
    return syscall.devcall(d, method, ...)
end
function hardware.listen(device, state) return syscall.devlisten(resolve(1, device), state) end
function hardware.lock(device, wait) return syscall.devlock(resolve(1, device), wait) end
function hardware.unlock(device) return syscall.devunlock(resolve(1, device)) end

--- Does the device have a driver of this type?
function hardware.hasType(device, dtype)
    expect(2, dtype, "string")
    local info = syscall.devinfo(resolve(1, device))
    return info ~= nil and info.types[dtype] ~= nil
end

DEVICE.__name = "device"
DEVICE.__index = function(self, key)
    local props = rawget(self, "__props")
    if type(key) == "string" and has(props, key) then
        return syscall.devcall(rawget(self, "__uuid"), "get" .. capital(key))
    end
    local methods = rawget(self, "__methods")
    if type(key) == "string" and has(methods, key) then
        local uuid = rawget(self, "__uuid")
        local f = function(_, ...) return syscall.devcall(uuid, key, ...) end
        rawset(self, key, f)
        return f
    end
    return nil
end
DEVICE.__newindex = function(self, key, value)
    if type(key) == "string" and has(rawget(self, "__props"), key) then
        local setter = "set" .. capital(key)
        if not has(rawget(self, "__methods"), setter) then error("property '" .. key .. "' is read-only", 2) end
        syscall.devcall(rawget(self, "__uuid"), setter, value)
        return
    end
    rawset(self, key, value)
end
DEVICE.__tostring = function(self) return "device: " .. rawget(self, "__path") end

--- A device object, or nil when the device does not exist.
function hardware.wrap(device)
    local info = syscall.devinfo(resolve(1, device))
    if info == nil then return nil end
    local path = syscall.devlookup(info.uuid)
    return setmetatable({
        __uuid = info.uuid, __path = path, __info = info,
        __methods = syscall.devmethods(info.uuid), __props = syscall.devproperties(info.uuid),
    }, DEVICE)
end

--- Every device of a type, wrapped.
function hardware.find(dtype)
    expect(1, dtype, "string")
    local out = {}
    local paths = { syscall.devfind(dtype) }
    for i = 1, #paths do out[#out + 1] = hardware.wrap(paths[i]) end
    return table.unpack(out)
end

-- hardware.tree: a lazily indexed proxy of the tree (tree.redstone.left is /redstone/left).
local function treeNode(path)
    return setmetatable({ __path = path }, TREE)
end
TREE.__name = "devicetree"
TREE.__index = function(self, key)
    if type(key) ~= "string" then return nil end
    local base = rawget(self, "__path")
    local path = (base == "/" and "" or base) .. "/" .. key
    if syscall.devinfo(path) == nil then return nil end
    local child = treeNode(path)
    rawset(self, key, child)
    return child
end
TREE.__tostring = function(self) return "devicetree: " .. rawget(self, "__path") end
hardware.tree = treeNode("/")

--- Root only: attach an emulated peripheral (modem with a medium name, computer with an ID,
-- monitor, printer, speaker, drive). Returns true, or false and a message.
function hardware.attach(side, dtype, ...)
    expect(1, side, "string")
    expect(2, dtype, "string")
    return syscall.attach(side, dtype, ...)
end

function hardware.detach(side)
    expect(1, side, "string")
    return syscall.detach(side)
end

return hardware
