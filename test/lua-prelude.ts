// Lua helpers shared by the kernel test suites: the raw syscall ABI wrapped
// (sys raises on failure, try returns what the yield returns), waiting for a
// child, dumping a table, writing a file; and a runner that fails on a
// non-zero exit with the program's output.
import { runLua, type RunLuaOptions, type RunLuaResult } from './helpers.js';

export const LUA_PRELUDE = `
local function sys(name, ...)
  local r = table.pack(coroutine.yield("syscall", name, ...))
  if not r[1] then error(r[2], 2) end
  return table.unpack(r, 2, r.n)
end
local function try(name, ...) return coroutine.yield("syscall", name, ...) end
local function waitfor(pid)
  while true do
    local e, p = coroutine.yield()
    if e == "process_complete" and p.id == pid then return p end
  end
end
local function dump(t)
  local keys = {}
  for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
  table.sort(keys)
  return table.concat(keys, ",")
end
local function writeFile(path, data) local f = sys("open", path, "w") f.write(data) f.close() end
`;

/** Lua assertion for test programs: eq(actual, expected, what?). */
export const LUA_EQ = `
local function eq(a, b, what)
  if a ~= b then error((what or "value") .. ": expected " .. tostring(b) .. ", got " .. tostring(a), 2) end
end
`;

/** eq, and fails(pattern, f, ...), which raises unless f raises an error matching the Lua pattern. */
export const LUA_ASSERT = LUA_EQ + `
local function fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("expected an error matching '" .. pattern .. "'", 2) end
  if not tostring(err):find(pattern) then error("error '" .. tostring(err) .. "' does not match '" .. pattern .. "'", 2) end
end
`;

/** A runner for Lua sources with the prelude (plus `extra` Lua) in front; it throws unless the exit code is 0. */
export function luaRunner(extra = ''): (src: string, opts?: RunLuaOptions) => Promise<RunLuaResult> {
  return async (src, opts = {}) => {
    const r = await runLua(LUA_PRELUDE + extra + src, opts);
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}\n--- stdout:\n${r.stdout}`);
    return r;
  };
}

/** Expected output: the lines, each ending in a newline. */
export const lines = (...l: string[]) => l.join('\n') + '\n';
