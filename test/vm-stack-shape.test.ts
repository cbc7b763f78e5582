// fengari keeps each Lua stack in a JS array. Its upstream code popped values with
// `delete`, which made V8 turn a sparse stack into a slow dictionary-mode array and
// left fengari's VM loop slower for every program in the process afterwards (see
// docs/benchmarks.md, kernel core). cinder's fengari patch clears slots instead.
import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runLua } from './helpers.js';

setFlagsFromString('--allow-natives-syntax');
const isDictionary = new Function('a', 'return %HasDictionaryElements(a)') as (a: unknown[]) => boolean;

afterAll(cleanupTempDirs);

describe('Lua stacks stay fast arrays', () => {
  it('after boot, deep recursion, errors and many calls, no stack is in dictionary mode', async () => {
    const r = await runLua(`
      local function deep(n) if n == 0 then return 0 end return 1 + deep(n - 1) end
      print(deep(3000))
      for i = 1, 200 do pcall(error, "x") end
      local t = {} for i = 1, 2000 do t[i] = tostring(i) end
      print(#table.concat(t, ","), select("#", table.unpack(t, 1, 200)))
      local co = coroutine.wrap(function(...) local n = select("#", ...) coroutine.yield(n) return deep(500) end)
      print(co(table.unpack(t, 1, 150)), co())
    `);
    expect(r.stdout).toBe('3000\n8892\t200\n150\t500\n');
    const stacks: Array<[string, unknown[]]> = [['kernel state', r.computer.runtime.L.stack]];
    for (const p of r.computer.processes.values()) {
      for (const [id, t] of p.threads) stacks.push([`pid ${p.id} thread ${id}`, t.L.stack]);
    }
    expect(stacks.filter(([, s]) => isDictionary(s)).map(([name]) => name)).toEqual([]);
  });
});
