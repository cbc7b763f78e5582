// Shared by the libsystem tests that run modules in a plain fengari state:
// where libsystem is, and Lua that makes `require "system.X"` load it and
// defines the eq/fails assertions; and a runner for test sources in such a state.
import { fileURLToPath } from 'node:url';
import { lua, lauxlib, lualib, to_luastring } from '../kernel/vm/lua.js';
import { LUA_ASSERT } from './lua-prelude.js';

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
` + LUA_ASSERT + `
_G.eq, _G.fails = eq, fails
`;

/** Run `src` (chunk name "test") in a fresh plain state after `prelude` (given LIBDIR);
 * returns what it returns as a string ('' for nil), throws with the Lua error. */
export function runPlain(prelude: string, src: string): string {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  if (lauxlib.luaL_loadstring(L, to_luastring(prelude)) !== lua.LUA_OK) throw new Error(lua.lua_tojsstring(L, -1));
  lua.lua_pushstring(L, to_luastring(LIBDIR));
  if (lua.lua_pcall(L, 1, 0, 0) !== lua.LUA_OK) throw new Error(lua.lua_tojsstring(L, -1));
  if (lauxlib.luaL_loadbuffer(L, to_luastring(src), null, to_luastring('=test')) !== lua.LUA_OK) {
    throw new Error(lua.lua_tojsstring(L, -1));
  }
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) throw new Error(lua.lua_tojsstring(L, -1));
  return lua.lua_isnil(L, -1) ? '' : lua.lua_tojsstring(L, -1);
}
