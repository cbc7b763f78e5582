-- A first cinder program:
--   node dist/bin/cinder.js run docs/examples/hello.lua Ada
local name = ... or "world"
local function syscall(name, ...)
  local r = table.pack(coroutine.yield("syscall", name, ...))
  if not r[1] then error(r[2], 2) end
  return table.unpack(r, 2, r.n)
end
print(("Hello, %s! This is process %d on a Phoenix %s kernel."):format(name, syscall("getpid"), syscall("version")))
