// Numeric for loops after cinder's fengari patch changed how OP_FORPREP gets the
// loop limit (forlimit no longer returns an object): integer, float and string
// limits, limits beyond the integer range (clipped, or "stop now" when the loop
// cannot run) and negative steps. fengari's integers are 32-bit.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runLua } from './helpers.js';

afterAll(cleanupTempDirs);

describe('numeric for', () => {
  it('takes every kind of limit as Lua 5.3 does', async () => {
    const r = await runLua(`
      local function run(a, b, c, most)
        local out = {}
        for i = a, b, c or 1 do out[#out + 1] = tostring(i) if #out >= (most or 6) then break end end
        return table.concat(out, ",")
      end
      print(run(1, 3))
      print(run(3, 1, -1))
      print(run(1, 0) == "")
      print(run(1, 2.5))
      print(run(3, 1.5, -1))
      print(run(math.maxinteger - 1, math.huge, 1, 2))
      print(run(1, -math.huge) == "", run(-1, math.huge, -1) == "")
      print(run(math.mininteger + 1, -math.huge, -1, 2))
      print(run(1, "3"))
      print(run(1.0, 2))
      print(select(2, pcall(run, 1, "x")):match("'for' limit must be a number") ~= nil)
    `);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1,2,3\n3,2,1\ntrue\n1,2\n3,2\n2147483646,2147483647\ntrue\ttrue\n-2147483647,-2147483648\n1,2,3\n1.0,2.0\ntrue\n');
  });
});
