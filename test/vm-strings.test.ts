// Strings are byte strings: distinct byte sequences are distinct table keys and
// parser constants, and comparisons order them byte by byte. Upstream fengari
// keyed strings by unpadded hex digits, so "\1#" and "\18\3" were the same key
// and "\16" < "\2" held; cinder's fengari patch keys them by their bytes.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runLua } from './helpers.js';

afterAll(cleanupTempDirs);

describe('Lua strings as bytes', () => {
  it('keys, constants and comparisons that upstream fengari confused', async () => {
    const r = await runLua(`
      local t = {}
      t[string.char(1, 35)] = "a"
      print(t[string.char(18, 3)], "\\1#" == "\\18\\3", "\\16" < "\\2", "\\2" < "\\16")
      local consts = { "\\1#", "\\18\\3" }
      print(#consts[1], consts[1]:byte(1, -1))
      print(#consts[2], consts[2]:byte(1, -1))
    `);
    expect(r.stdout).toBe('nil\tfalse\tfalse\ttrue\n2\t1\t35\n2\t18\t3\n');
  });

  it('every pair of one- and two-byte strings is a distinct key, ordered like its bytes', async () => {
    // 256 one-byte and 256*16 two-byte strings: keys must not collide, and `<` must agree with
    // a byte-by-byte comparison for every neighbouring pair after sorting.
    const r = await runLua(`
      local list, seen, n = {}, {}, 0
      for a = 0, 255 do
        list[#list + 1] = string.char(a)
        for b = 0, 255, 17 do list[#list + 1] = string.char(a, b) end
      end
      for i, s in ipairs(list) do
        if seen[s] then print("collision", i, seen[s]) end
        seen[s] = i
        n = n + 1
      end
      local count = 0
      for _ in pairs(seen) do count = count + 1 end
      local function bytesLess(x, y)
        for i = 1, math.min(#x, #y) do
          local p, q = x:byte(i), y:byte(i)
          if p ~= q then return p < q end
        end
        return #x < #y
      end
      table.sort(list)
      local bad = 0
      for i = 2, #list do
        if not bytesLess(list[i - 1], list[i]) then bad = bad + 1 end
        if (list[i - 1] < list[i]) ~= bytesLess(list[i - 1], list[i]) then bad = bad + 1 end
      end
      print(n, count, bad)
    `);
    expect(r.stdout).toBe(`${256 * 17}\t${256 * 17}\t0\n`);
  });

  it('long binary strings are keys by their whole content', async () => {
    const r = await runLua(`
      local a = string.rep("\\0\\255", 500) .. "x"
      local b = string.rep("\\0\\255", 500) .. "y"
      local t = { [a] = 1, [b] = 2 }
      print(t[string.rep("\\0\\255", 500) .. "x"], t[b], a < b, #a)
    `);
    expect(r.stdout).toBe('1\t2\ttrue\t1001\n');
  });
});
