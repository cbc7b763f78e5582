// Shared by the libsystem tests that run modules in a plain fengari state:
// where libsystem is, and Lua that makes `require "system.X"` load it and
// defines the eq/fails assertions.
import { fileURLToPath } from 'node:url';

export const LIBDIR = fileURLToPath(new URL('../libsystem/', import.meta.url));

export const PLAIN_PRELUDE = `
local dir = ...
table.insert(package.searchers, 2, function(name)
  local m = name:match("^system%.(.+)$")
  if not m then return nil end
  local path = dir .. m .. ".lua"
  local f, err = loadfile(path)
  if not f then return "\\n\\t" .. tostring(err) end
  return f, path
end)
function eq(a, b, what)
  if a ~= b then error((what or "value") .. ": expected " .. tostring(b) .. ", got " .. tostring(a), 2) end
end
function fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("expected an error matching '" .. pattern .. "'", 2) end
  if not tostring(err):find(pattern) then error("error '" .. tostring(err) .. "' does not match '" .. pattern .. "'", 2) end
end
`;
