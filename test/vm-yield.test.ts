// cinder's fengari patch lets a JS function called straight from a resumed
// coroutine's own Lua level yield by returning instead of throwing (a throw
// costs microseconds in V8). Yields from deeper JS levels (pcall, metamethods,
// iterators, continuations) still throw. These cases check that both ways give
// standard Lua 5.3 coroutine behaviour, in a plain fengari state and in a
// computer (whose coroutine library is the kernel's own).
import { afterAll, describe, expect, it } from 'vitest';
import { lua, lauxlib, lualib, LuaState, to_luastring } from '../kernel/vm/lua.js';
import { cleanupTempDirs, runLua } from './helpers.js';

afterAll(cleanupTempDirs);

const CASES = `
local out = {}
local function log(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  out[#out + 1] = table.concat(t, " ")
end

-- values in and out, for each way the results are used
local co = coroutine.create(function(a, b)
  local x, y = coroutine.yield(a + b)
  local t = { coroutine.yield(x) }
  coroutine.yield()
  return #t, y
end)
log(coroutine.resume(co, 1, 2))
log(coroutine.resume(co, "x"))
log(coroutine.resume(co, 1, 2, 3))
log(coroutine.resume(co))
log(coroutine.status(co))

-- yield in a tail call
local tail = coroutine.wrap(function() return coroutine.yield(1) end)
log(tail())
log(tail("a", "b"))

-- a coroutine whose body is yield itself
local bare = coroutine.create(coroutine.yield)
log(coroutine.resume(bare, 1, 2))
log(coroutine.resume(bare, 3))
log(coroutine.status(bare))

-- yield inside pcall, then an error caught by it
local guarded = coroutine.create(function()
  local ok, v = pcall(function() local r = coroutine.yield("in pcall") error("boom " .. r, 0) end)
  coroutine.yield(ok, v)
  return "end"
end)
log(coroutine.resume(guarded))
log(coroutine.resume(guarded, "r"))
log(coroutine.resume(guarded))

-- yield inside metamethods
local meta = coroutine.wrap(function()
  local t = setmetatable({}, {
    __index = function(_, k) return coroutine.yield(k) end,
    __add = function() return coroutine.yield("add") end,
  })
  local v = t.foo
  local s = t + 1
  return v, s
end)
log(meta())
log(meta(10))
log(meta(20))

-- yield inside a generic-for iterator
local iter = coroutine.wrap(function()
  for k in function() return coroutine.yield("iter") end do return k end
end)
log(iter())
log(iter("k"))

-- yield across a JS call that cannot continue (the sort comparator)
local sorter = coroutine.create(function()
  table.sort({ 3, 1, 2 }, function(a, b) coroutine.yield() return a < b end)
end)
local okSort, eSort = coroutine.resume(sorter)
log(okSort, (tostring(eSort):gsub("^.-:%d+: ", "")))

-- a generator driving a for loop, nested coroutines
local function gen(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end
local sum = 0
for i in gen(100) do for j in gen(2) do sum = sum + i * j end end
log(sum)

-- an error after several yields ends the coroutine with that error
local late = coroutine.create(function() for i = 1, 3 do coroutine.yield(i) end error("late", 0) end)
for _ = 1, 3 do coroutine.resume(late) end
log(coroutine.resume(late))
log(coroutine.status(late))

-- yields at the bottom of deep recursion, through tail calls and ordinary calls
local function deepTail(n) if n == 0 then return coroutine.yield("bottom") end return deepTail(n - 1) end
local function deepCall(n) if n == 0 then return (coroutine.yield("b2")) end local r = deepCall(n - 1) return r end
local deep = coroutine.wrap(function() local a = deepTail(50) local b = deepCall(50) return a, b end)
log(deep())
log(deep("A"))
log(deep("B"))

-- many yields in one coroutine keep its stack consistent
local count = coroutine.wrap(function() local n = 0 while true do n = n + (coroutine.yield(n) or 0) end end)
count()
local last
for i = 1, 1000 do last = count(1) end
log(last)

return table.concat(out, "\\n")
`;

const EXPECTED = [
  'true 3',
  'true x',
  'true',
  'true 3 nil',
  'dead',
  '1',
  'a b',
  'true 1 2',
  'true 3',
  'dead',
  'true in pcall',
  'true false boom r',
  'true end',
  'foo',
  'add',
  '10 20',
  'iter',
  'k',
  'false attempt to yield across a JS-call boundary',
  '15150',
  'false late',
  'dead',
  'bottom',
  'b2',
  'A B',
  '1000',
].join('\n');

function plainState(): LuaState {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  return L;
}

function runPlainChunk(L: LuaState, src: string): string {
  if (lauxlib.luaL_loadstring(L, to_luastring(src)) !== lua.LUA_OK) throw new Error(lua.lua_tojsstring(L, -1));
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) throw new Error(lua.lua_tojsstring(L, -1));
  return lua.lua_tojsstring(L, -1);
}

describe('coroutine yields (fengari patch: yield by returning)', () => {
  it('behave as in Lua 5.3 in a plain fengari state', () => {
    expect(runPlainChunk(plainState(), CASES)).toBe(EXPECTED);
  });

  it('behave the same in a computer, with the kernel coroutine library', async () => {
    const r = await runLua(`print((function() ${CASES} end)())`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(EXPECTED + '\n');
  });

  it('a kernel tag is recognised by its bytes, however the string was made; other strings are data', async () => {
    const r = await runLua(`
      local tag = table.concat({ "sys", "call" })
      print(coroutine.yield(tag, "getpid") == true)
      local gen = coroutine.wrap(function()
        local ok, pid = coroutine.yield(("x"):rep(2) .. tag, "getpid")
        coroutine.yield(tag:upper(), "getpid")
        return coroutine.yield(tag, "getpid") -- forwarded to the kernel: the coroutine gets the result
      end)
      print(gen(), select("#", gen()), gen() == true)
    `);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('true\nxxsyscall\t2\ttrue\n');
  });

  it('return from lua_yield only for a JS function called at the coroutine level', () => {
    const L = plainState();
    let returned = 0;
    lua.lua_pushjsfunction(L, (L2: LuaState) => {
      lua.lua_yield(L2, lua.lua_gettop(L2));
      returned++; // reached only when the yield returned instead of throwing
      return 0;
    });
    lua.lua_setglobal(L, to_luastring('jsyield'));
    const out = runPlainChunk(L, `
      local direct = coroutine.wrap(function(a) local b = jsyield(a + 1) return b * 2 end)
      local r1, r2 = direct(1), direct(10)
      local viaPcall = coroutine.wrap(function(a) local ok, b = pcall(jsyield, a + 1) return tostring(ok) .. ":" .. b * 3 end)
      local r3, r4 = viaPcall(1), viaPcall(10)
      return table.concat({ r1, r2, r3, r4 }, ",")
    `);
    expect(out).toBe('2,20,2,true:30');
    // The direct call yielded by returning (once); the call through pcall threw.
    expect(returned).toBe(1);
  });
});
