import { it, expect } from 'vitest';
import { runLua } from './helpers.js';
it('probe', async () => {
  const r = await runLua(`
    local f, e = coroutine.yield("syscall", "open", "/tmp/x", "w")
    print(f, e)
    local ok, f2 = coroutine.yield("syscall", "open", "/tmp/x", "w")
    print(ok, f2)
  `);
  console.log(JSON.stringify(r.stdout), JSON.stringify(r.stderr), r.code);
});
