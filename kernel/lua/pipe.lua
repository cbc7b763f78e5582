-- Handle tables for pipes (dot or colon syntax). Reads block, so they are
-- made with the private blocking syscall __piperead; the kernel keeps the
-- buffer. Loaded once per computer; returns makeHandles(readId, writeId).
local yield, select, type, error, pack, unpack = coroutine.yield, select, type, error, table.pack, table.unpack
local function call(name, ...)
  local r = pack(yield("syscall", name, ...))
  if not r[1] then error(r[2], 3) end
  return unpack(r, 2, r.n)
end
local function args(self, ...)
  if type(self) == "table" then return ... end
  return self, ...
end
return function(rid, wid)
  local r = {
    read = function(...) return call("__piperead", rid, "count", (args(...)) or 1) end,
    readLine = function(...) return call("__piperead", rid, "line") end,
    readAll = function(...) return call("__piperead", rid, "all") end,
    close = function(...) return call("__pipeclose", rid) end,
  }
  local w = {
    write = function(...) return call("__pipewrite", wid, (args(...))) end,
    writeLine = function(...) return call("__pipewrite", wid, tostring((args(...))) .. "\n") end,
    flush = function() end,
    close = function(...) return call("__pipeclose", wid) end,
  }
  return r, w
end
