-- cinder kernel prelude: builds the global environment of a user process.
-- Runs once per computer in the kernel's own environment; returns makeEnv,
-- called for every new process. Nothing here may hand user code a way to
-- reach the host or the kernel: only copies of pure libraries, and io/os/
-- require built on syscalls (reference/phoenix.md §1.10, §2.10).
local K = ...
local base = _G
local rawload, type, pairs, ipairs, select, tostring, error, pcall = load, type, pairs, ipairs, select, tostring, error, pcall
local setmetatable, getmetatable, rawget, rawset, tonumber = setmetatable, getmetatable, rawget, rawset, tonumber
local sformat, sgsub, sfind, ssub, srep, sbyte, schar, smatch, sgmatch = string.format, string.gsub, string.find, string.sub, string.rep, string.byte, string.char, string.match, string.gmatch
local tconcat, tinsert, tunpack, tpack = table.concat, table.insert, table.unpack, table.pack
local floor = math.floor
local kyield, kresume, kwrap, loadtext = K.yield, K.resume, K.wrap, K.loadtext
local difftime = os.difftime
local dsetmetatable = debug.setmetatable

local MAX_STRING = 64 * 1024 * 1024

local function copy(t)
  local r = {}
  for k, v in pairs(t) do r[k] = v end
  return r
end

-- A syscall from kernel-provided Lua: raises on failure like libsystem does.
local function sys(name, ...)
  local r = tpack(kyield("syscall", name, ...))
  if not r[1] then error(r[2], 3) end
  return tunpack(r, 2, r.n)
end

local function safeRep(s, n, sep)
  local len = #tostring(s) + (sep and #tostring(sep) or 0)
  if type(n) == "number" and n > 0 and len * n > MAX_STRING then
    error("resulting string too large", 2)
  end
  return srep(s, n, sep)
end

local debugSafe = {
  traceback = debug.traceback,
  getinfo = debug.getinfo,
  getmetatable = debug.getmetatable,
}

local coroutineLib = copy(coroutine)
coroutineLib.yield = kyield
coroutineLib.resume = kresume
coroutineLib.wrap = kwrap
coroutineLib.status = K.status

-- Random numbers come from the computer's seeded generator (deterministic sims).
local function random(m, n)
  local r = K.random()
  if m == nil then return r end
  local argn = n == nil and 1 or 2
  if n == nil then m, n = 1, m end
  m, n = floor(m), floor(n)
  if m > n then error("bad argument #" .. argn .. " to 'random' (interval is empty)", 2) end
  return m + floor(r * (n - m + 1))
end

----------------------------------------------------------------------------
-- File handles for io: a file object wrapping a CraftOS-style handle table.
local FILE = {}
FILE.__index = FILE
FILE.__name = "FILE*"

local function wrapFile(h, name)
  return setmetatable({ _h = h, _name = name }, FILE)
end

local function readNumber(f)
  local line = f:_readRaw("l")
  return line and tonumber(smatch(line, "^%s*(%S+)")) or nil
end

function FILE:_readRaw(fmt)
  local h = self._h
  if fmt == "l" then return h.readLine and h.readLine(false)
  elseif fmt == "L" then return h.readLine and h.readLine(true)
  elseif fmt == "a" then return (h.readAll and h.readAll()) or ""
  end
end

function FILE:read(...)
  if self._closed then error("attempt to use a closed file", 2) end
  local n = select("#", ...)
  if n == 0 then return self:_readRaw("l") end
  local out = {}
  for i = 1, n do
    local fmt = select(i, ...)
    local v
    if type(fmt) == "number" then
      v = self._h.read and self._h.read(fmt)
    else
      fmt = sgsub(tostring(fmt), "^%*", "")
      fmt = ssub(fmt, 1, 1)
      if fmt == "n" then v = readNumber(self)
      elseif fmt == "l" or fmt == "L" or fmt == "a" then v = self:_readRaw(fmt)
      else error("bad argument #" .. i .. " to 'read' (invalid format)", 2) end
    end
    out[i] = v
    if v == nil then return tunpack(out, 1, i) end
  end
  return tunpack(out, 1, n)
end

function FILE:lines(...)
  local fmts = tpack(...)
  return function()
    if fmts.n == 0 then return self:read("l") end
    return self:read(tunpack(fmts, 1, fmts.n))
  end
end

function FILE:write(...)
  if self._closed then error("attempt to use a closed file", 2) end
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if type(v) ~= "string" and type(v) ~= "number" then
      error("bad argument #" .. i .. " to 'write' (string expected, got " .. type(v) .. ")", 2)
    end
    self._h.write(tostring(v))
  end
  return self
end

function FILE:flush() if self._h.flush then self._h.flush() end return self end
function FILE:seek(whence, offset)
  if not self._h.seek then return nil, "Not supported" end
  return self._h.seek(whence or "cur", offset or 0)
end
function FILE:setvbuf() return true end
function FILE:close()
  if self._closed then error("attempt to use a closed file", 2) end
  if self._std then return nil, "cannot close standard file" end
  self._closed = true
  self._h.close()
  return true
end
FILE.__tostring = function(self)
  return self._closed and "file (closed)" or ("file (" .. tostring(self._name) .. ")")
end

-- Standard streams go through the terminal syscalls, so redirection works.
local function stdStream(kind)
  local h
  if kind == "in" then
    h = {
      readLine = function(keep)
        local l = sys("readline")
        if l and keep then l = l .. "\n" end
        return l
      end,
      readAll = function()
        local parts = {}
        while true do
          local s = sys("read", 4096)
          if not s then break end
          parts[#parts + 1] = s
        end
        return tconcat(parts)
      end,
      read = function(n) return sys("read", n) end,
    }
  else
    local call = kind == "out" and "write" or "writeerr"
    h = { write = function(s) sys(call, s) end, flush = function() end }
  end
  local f = wrapFile(h, "std" .. kind)
  f._std = true
  return f
end

----------------------------------------------------------------------------
-- makeEnv(info): info.vars is the process's environment-variable table.
return function(info)
  local env = {}
  for _, name in ipairs({ "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
    "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring",
    "type", "xpcall" }) do
    env[name] = base[name]
  end
  env._VERSION = _VERSION
  env.collectgarbage = K.collectgarbage
  env._G = env
  env.string = copy(string)
  env.string.rep = safeRep
  env.table = copy(table)
  env.math = copy(math)
  env.math.random = random
  env.math.randomseed = function() end
  env.utf8 = copy(utf8)
  env.coroutine = copy(coroutineLib)
  env.debug = copy(debugSafe)

  -- Strings index this process's own string table.
  dsetmetatable("", { __index = env.string })

  env.load = function(chunk, name, mode, ...)
    if mode ~= nil and type(mode) ~= "string" then
      error("bad argument #3 to 'load' (string expected, got " .. type(mode) .. ")", 2)
    end
    local e = env
    if select("#", ...) > 0 then e = ... end
    -- Binary chunks are never loaded; a mode without "t" refuses text too, as Lua does.
    if mode ~= nil and not sfind(mode, "t", 1, true) then
      return nil, "attempt to load a text chunk (mode is '" .. mode .. "')"
    end
    if type(chunk) == "string" then return loadtext(chunk, name or chunk, e) end
    return rawload(chunk, name, "t", e)
  end

  local function loadfile(path, mode, e)
    local h, err = sys("open", path, "rb")
    if not h then return nil, err end
    local data = h.readAll() or ""
    h.close()
    if ssub(data, 1, 2) == "#!" then data = "--" .. data end
    return loadtext(data, "@" .. path, e or env)
  end
  env.loadfile = loadfile
  env.dofile = function(path)
    local f, err = loadfile(path)
    if not f then error(err, 2) end
    return f()
  end

  env.print = function(...)
    local n = select("#", ...)
    local parts = {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    sys("write", tconcat(parts, "\t") .. "\n")
  end

  ---------------------------------------------------------------- io
  local io = {}
  local stdin, stdout, stderr = stdStream("in"), stdStream("out"), stdStream("err")
  local input, output = stdin, stdout
  io.stdin, io.stdout, io.stderr = stdin, stdout, stderr
  function io.open(path, mode)
    mode = mode or "r"
    if type(path) ~= "string" then error("bad argument #1 to 'open' (string expected, got " .. type(path) .. ")", 2) end
    if not smatch(mode, "^[rwa]%+?b?$") then error("bad argument #2 to 'open' (invalid mode)", 2) end
    local h, err = sys("open", path, (sgsub(mode, "%+", "")))
    if not h then return nil, path .. ": " .. tostring(err) end
    return wrapFile(h, path)
  end
  function io.write(...) return output:write(...) end
  function io.read(...) return input:read(...) end
  function io.lines(path, ...)
    if path == nil then return input:lines(...) end
    local f, err = io.open(path, "r")
    if not f then error(err, 2) end
    local fmts = tpack(...)
    return function()
      local v
      if fmts.n == 0 then v = f:read("l") else v = f:read(tunpack(fmts, 1, fmts.n)) end
      if v == nil then f:close() end
      return v
    end
  end
  function io.input(f)
    if f == nil then return input end
    input = type(f) == "string" and assert(io.open(f, "r")) or f
    return input
  end
  function io.output(f)
    if f == nil then return output end
    output = type(f) == "string" and assert(io.open(f, "w")) or f
    return output
  end
  function io.close(f) return (f or output):close() end
  function io.type(f)
    if getmetatable(f) ~= FILE then return nil end
    return f._closed and "closed file" or "file"
  end
  env.io = io

  ---------------------------------------------------------------- os
  local os = {}
  local function now() return K.epoch("utc") / 1000 end
  function os.time(t)
    if t == nil then return floor(now()) end
    if type(t) ~= "table" then error("bad argument #1 to 'time' (table expected, got " .. type(t) .. ")", 2) end
    -- Days from civil date (UTC), so the result never depends on the host's time zone.
    local y, m, d = t.year, t.month, t.day
    if not (y and m and d) then error("field 'day' missing in date table", 2) end
    y = m <= 2 and y - 1 or y
    local era = floor(y / 400)
    local yoe = y - era * 400
    local mp = (m + 9) % 12
    local doy = floor((153 * mp + 2) / 5) + d - 1
    local doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy
    local days = era * 146097 + doe - 719468
    return days * 86400 + (t.hour or 12) * 3600 + (t.min or 0) * 60 + (t.sec or 0)
  end
  os.date = K.date
  os.difftime = difftime
  function os.clock() return sys("clock") end
  function os.epoch(kind) return K.epoch(kind or "ingame") end
  function os.getenv(name) return info.vars[name] end
  function os.exit(code)
    if code == true or code == nil then code = 0 elseif code == false then code = 1 end
    sys("exit", code)
  end
  function os.remove(path)
    local ok, err = pcall(sys, "stat", path)
    if not ok or not err then return nil, path .. ": No such file or directory" end
    local ok2, err2 = pcall(sys, "remove", path)
    if not ok2 then return nil, err2 end
    return true
  end
  function os.rename(a, b)
    local ok, err = pcall(sys, "rename", a, b)
    if not ok then return nil, err end
    return true
  end
  function os.tmpname()
    return sformat("/tmp/lua_%08x", floor(K.random() * 0x7fffffff))
  end
  -- Runs the command with the shell (/rom/bin/sh.lua -c), waits for it, and puts back the
  -- events that arrived meanwhile.
  function os.execute(cmd)
    if cmd == nil then return true end
    if type(cmd) ~= "string" then error("bad argument #1 to 'execute' (string expected, got " .. type(cmd) .. ")", 2) end
    local pid = sys("fork", function() sys("exec", "/rom/bin/sh.lua", "-c", cmd) end, "sh")
    local kept = {}
    while true do
      local ev, p = kyield()
      if ev == "process_complete" and type(p) == "table" and p.id == pid then
        for _, e in ipairs(kept) do sys("queueEvent", e[1], e[2]) end
        if p.signal then return nil, "signal", p.signal end
        local code = p.result or 0
        return code == 0 or nil, "exit", code
      end
      kept[#kept + 1] = { ev, p }
    end
  end
  function os.setlocale(l) if l == nil or l == "" or l == "C" then return "C" end return nil end
  env.os = os

  ---------------------------------------------------------------- require
  local package = {
    loaded = {},
    preload = {},
    config = "/\n;\n?\n!\n-\n",
  }
  local defaultPath = "/lib/?.lua;/lib/?/init.lua;/usr/lib/?.lua;/usr/lib/?/init.lua;./?.lua;./?/init.lua"
  local extra = info.vars and info.vars.PACKAGE_PATH
  package.path = (type(extra) == "string" and extra ~= "") and (extra .. ";" .. defaultPath) or (info.path or defaultPath)
  for _, lib in ipairs({ "string", "table", "math", "utf8", "coroutine", "debug", "io", "os" }) do
    package.loaded[lib] = env[lib]
  end
  package.loaded._G = env

  function package.searchpath(name, path, sep, rep)
    sep = sep or "."
    rep = rep or "/"
    if sep ~= "" then name = sgsub(name, "%" .. sep, rep) end
    local tried = {}
    for template in sgmatch(path, "[^;]+") do
      local file = sgsub(template, "%?", name)
      local ok, st = pcall(sys, "stat", file)
      if ok and st and st.type ~= "directory" then return file end
      tried[#tried + 1] = "\n\tno file '" .. file .. "'"
    end
    return nil, tconcat(tried)
  end

  package.searchers = {
    function(name)
      local f = package.preload[name]
      if f then return f, ":preload:" end
      return "\n\tno field package.preload['" .. name .. "']"
    end,
    function(name)
      local file, err = package.searchpath(name, package.path)
      if not file then return err end
      local f, lerr = loadfile(file)
      if not f then error("error loading module '" .. name .. "' from file '" .. file .. "':\n\t" .. lerr, 3) end
      return f, file
    end,
  }

  local loading = {}
  function env.require(name)
    if type(name) ~= "string" then error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2) end
    local v = package.loaded[name]
    if v ~= nil then return v end
    if loading[name] then error("loop or previous error loading module '" .. name .. "'", 2) end
    local msgs = {}
    for _, searcher in ipairs(package.searchers) do
      local loader, extraArg = searcher(name)
      if type(loader) == "function" then
        loading[name] = true
        local ok, res = pcall(loader, name, extraArg)
        loading[name] = nil
        if not ok then error(res, 2) end
        if res ~= nil then package.loaded[name] = res end
        if package.loaded[name] == nil then package.loaded[name] = true end
        return package.loaded[name], extraArg
      elseif type(loader) == "string" then
        msgs[#msgs + 1] = loader
      end
    end
    error("module '" .. name .. "' not found:" .. tconcat(msgs), 2)
  end
  env.package = package

  return env
end
