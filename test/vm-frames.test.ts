// cinder's fengari patch reuses call frames as C Lua does: a call takes the next
// CallInfo of the list instead of a new one, and the VM's own calls and returns
// set the stack slots they drop to nil and reuse them instead of allocating a
// TValue per register per call. These programs check that nothing a frame leaves
// behind shows through: missing arguments and results are nil, closures keep
// their own values after the slots they were made from are reused, and errors,
// tail calls and coroutines unwind cleanly.
import { afterAll, describe, expect, it } from 'vitest';
import { lua, lauxlib, lualib, to_luastring } from '../kernel/vm/lua.js';
import { bootComputer, cleanupTempDirs, newWorld, runLua } from './helpers.js';
import { MemorySink, QueueSource } from '../kernel/stdio.js';

afterAll(cleanupTempDirs);

describe('reused frames and stack slots', () => {
  it('missing arguments, padded results and varargs are nil where earlier calls left values', async () => {
    const r = await runLua(`
      local function fill(a, b, c, d, e, f, g, h) local x, y, z = a, b, c return x, y, z, d, e, f, g, h end
      local function args(a, b, c, d) return a, b, c, d end
      local function one() return 1 end
      local function count(...) return select("#", ...), ... end
      for i = 1, 3 do
        fill("a", "b", "c", "d", "e", "f", "g", "h")
        print(args(1))
        local p, q, s = one()
        print(p, q, s)
        print(count(nil, 2, nil))
        print(count())
        local t = table.pack(fill(1, 2))
        print(t.n, t[1], t[2], t[3], t[8])
      end
    `);
    const round = '1\tnil\tnil\tnil\n1\tnil\tnil\n3\tnil\t2\tnil\n0\n8\t1\t2\tnil\tnil\n';
    expect(r.stdout).toBe(round.repeat(3));
  });

  it('closures keep their values after the slots they captured are reused', async () => {
    const r = await runLua(`
      local function counter(start)
        local n = start
        local function inc() n = n + 1 return n end
        local function get() return n end
        return inc, get
      end
      local function churn(a, b, c, d, e, f) local x, y, z = a or 9, b or 9, c or 9 return x + y + z end
      local incs, gets = {}, {}
      for i = 1, 5 do incs[i], gets[i] = counter(i * 100) end
      for i = 1, 50 do churn(i, i, i, i, i, i) end
      for i = 1, 5 do incs[i]() incs[i]() end
      local fs = {}
      for i = 1, 4 do fs[i] = function() return i end churn() end
      local out = {}
      for i = 1, 5 do out[#out + 1] = gets[i]() end
      for i = 1, 4 do out[#out + 1] = fs[i]() end
      print(table.concat(out, " "))
    `);
    expect(r.stdout).toBe('102 202 302 402 502 1 2 3 4\n');
  });

  it('errors, tail calls and coroutines unwind and leave later calls correct', { timeout: 20_000 }, async () => {
    const r = await runLua(`
      local function deep(n) if n == 0 then error("bottom", 0) end return 1 + deep(n - 1) end
      local function tail(n, acc) if n == 0 then return acc end return tail(n - 1, acc + 1) end
      local function named() return undefinedGlobal() end
      for i = 1, 3 do
        print(pcall(deep, 200))
        print(tail(100000, 0))
        local ok, err = pcall(named)
        print(ok, err)
      end
      local co = coroutine.wrap(function(a)
        for i = 1, 3 do
          local ok, v = pcall(function() return coroutine.yield(a + i) end)
          a = v
        end
        local ok, e = pcall(error, "inside")
        return "done", e
      end)
      print(co(10), co(20), co(30), co(40))
      print(select("#", (function(...) return ... end)(1, nil, nil)))
    `, { path: '/tmp/frames.lua' });
    const round = "false\tbottom\n100000\nfalse\t/tmp/frames.lua:4: attempt to call a nil value (global 'undefinedGlobal')\n";
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(round.repeat(3) + '11\t22\t33\tdone\tinside\n3\n');
  });

  it('a call takes the next frame of the list, and the slots above the top hold nothing', () => {
    const L = lauxlib.luaL_newstate();
    lualib.luaL_openlibs(L);
    const frames: unknown[] = [];
    lua.lua_pushjsfunction(L, (L2: { ci: unknown }) => { frames.push(L2.ci); return 0; });
    lua.lua_setglobal(L, to_luastring('probe'));
    const src = `
      local function wide(a, b, c, d, e, f, g, h, i, j) local t = { a, b, c } return t, "x" .. tostring(j) end
      for i = 1, 5 do probe() wide(string.rep("big", 1000), {}, {}, {}) probe() end
    `;
    expect(lauxlib.luaL_loadstring(L, to_luastring(src))).toBe(lua.LUA_OK);
    expect(lua.lua_pcall(L, 0, 0, 0)).toBe(lua.LUA_OK);
    expect(frames).toHaveLength(10);
    expect(new Set(frames).size).toBe(1);
    const stack = (L as { stack: Array<{ type: number; value: unknown } | undefined>; top: number }).stack;
    const top = (L as { top: number }).top;
    const leftovers = stack.slice(top).filter((v) => v !== undefined && (v.type !== lua.LUA_TNIL || v.value !== null));
    expect(leftovers).toEqual([]);
  });

  it('a waiting thread gives back the frames and stack a deep recursion left', async () => {
    const world = newWorld();
    const c = bootComputer(world);
    c.vfs.writeFile({ user: 'root' }, '/tmp/deep.lua', `
      local function deep(n) if n == 0 then return 0 end return 1 + deep(n - 1) end
      print(deep(20000))
      coroutine.yield() -- wait for an event that never comes
    `);
    const out = new MemorySink();
    const proc = c.spawn('/tmp/deep.lua', [], {
      stdin: { kind: 'stream', name: 'stdin', source: new QueueSource('', true) },
      stdout: { kind: 'stream', name: 'stdout', sink: out },
      stderr: { kind: 'stream', name: 'stderr', sink: new MemorySink() },
    });
    await world.run({ until: () => out.text() !== '' && !c.runnable() });
    expect(out.text()).toBe('20000\n');
    const T = proc.threads.get(0)!.L as { stack: unknown[]; ci: { next: unknown; previous: unknown } };
    expect(T.stack.length).toBeLessThan(1000);
    // the frame list, both ways from the current frame, is a few entries, not 20 000
    let frames = 0;
    for (let ci = T.ci; ci; ci = ci.previous as typeof ci) frames++;
    for (let ci = T.ci.next as typeof T.ci | null; ci; ci = ci.next as typeof ci) frames++;
    expect(frames).toBeLessThan(50);
    world.shutdown();
  });
});
