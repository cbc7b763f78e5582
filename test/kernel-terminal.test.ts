// Terminal I/O when stdio is not a TTY (reference/phoenix.md §2.4): write,
// writeerr, read, readline, istty, redirection to Lua handles, and the io
// library and print built on them.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, deadline, runLua } from './helpers.js';
import { lines, luaRunner } from './lua-prelude.js';
import { QueueSource } from '../kernel/stdio.js';

const lua = luaRunner();

afterAll(() => cleanupTempDirs());

describe('write and writeerr', () => {
  it('join values with tabs, through tostring (with __tostring)', async () => {
    const r = await lua(`
      local obj = setmetatable({}, {__tostring = function() return "OBJ" end})
      sys("write", "a", 1, true, nil, obj, 2.5)
      sys("write", "\\n")
      sys("write")
      sys("writeerr", "err", 2, "\\n")
      sys("writeerr", obj, "\\n")
      sys("write", "no newline")
    `);
    expect(r.stdout).toBe('a\t1\ttrue\tnil\tOBJ\t2.5\nno newline');
    expect(r.stderr).toBe('err\t2\t\nOBJ\t\n');
  });

  it('a __tostring that errors is an error for the caller, not the kernel', async () => {
    const r = await lua(`
      local bad = setmetatable({}, {__tostring = function() error("nope", 0) end})
      print(pcall(sys, "write", bad))
      print("alive")
    `);
    const out = r.stdout.split('\n');
    expect(out[0]).toMatch(/^false\t.*nope/);
    expect(out[1]).toBe('alive');
  });

  it('bytes that are not UTF-8 pass through unchanged', async () => {
    const r = await runLua('coroutine.yield("syscall", "write", string.char(0, 255, 128, 10))');
    expect(r.code).toBe(0);
    // The test sink decodes UTF-8 leniently: 255 and 128 each become U+FFFD.
    expect(r.stdout).toBe('\u0000\ufffd\ufffd\n');
  });
});

describe('reading stdin', () => {
  it('readline and read, then nil at end of input', async () => {
    const r = await lua(`
      print("rl", sys("readline"))
      print("r", sys("read", 4))
      print("rest", sys("readline"))
      print("crlf", sys("readline"))
      print("last", sys("readline"))
      print("eof rl", sys("readline"))
      print("eof r", sys("read", 10))
    `, { stdin: 'line one\nline two\nwindows\r\nno newline' });
    expect(r.stdout).toBe(lines(
      'rl\tline one', 'r\tline', 'rest\t two', 'crlf\twindows', 'last\tno newline', 'eof rl\tnil', 'eof r\tnil',
    ));
  });

  it('empty stdin is EOF at once', async () => {
    const r = await lua(`print(sys("readline"), sys("read", 1), io.read(), io.read("a"))`);
    expect(r.stdout).toBe(lines('nil\tnil\tnil\t'));
  });

  it('input pushed later (an open stdin) is read when it arrives', async () => {
    const stdin = new QueueSource();
    const run = lua(`
      print("got", sys("readline"))
      print("got", sys("read", 100))
      print("eof", sys("readline"))
    `, { stdin });
    setTimeout(() => stdin.push('typed\n'), 20);
    setTimeout(() => { stdin.push('more'); stdin.end(); }, 40);
    const r = await deadline(run);
    expect(r.stdout).toBe(lines('got\ttyped', 'got\tmore', 'eof\tnil'));
  });

  it('a process blocked reading an open stdin can be killed', async () => {
    const r = await deadline(lua(`
      local pid = sys("fork", function() print("read", sys("readline")) end)
      for i = 1, 3 do coroutine.yield("preempt") end
      sys("kill", pid, 15)
      repeat local e, p = coroutine.yield() until e == "process_complete"
      print("killed")
    `, { stdin: new QueueSource() }));
    expect(r.stdout).toBe(lines('killed'));
  });

  it('after killing a blocked reader, timers still fire on the virtual clock', async () => {
    const r = await deadline(lua(`
      local pid = sys("fork", function() print("read", sys("readline")) end)
      for i = 1, 3 do coroutine.yield("preempt") end
      sys("kill", pid, 15)
      repeat local e, p = coroutine.yield() until e == "process_complete"
      sys("timer", 1)
      coroutine.yield()
      print("timer fired")
    `, { stdin: new QueueSource() }), 3000);
    expect(r.stdout).toBe(lines('timer fired'));
  });

  it('read rejects a bad count', async () => {
    const r = await lua(`
      print(try("read", "x"))
      print(try("read"))
    `);
    expect(r.stdout).toBe(lines(
      "false\tbad argument #1 to 'read' (number expected, got string)",
      "false\tbad argument #1 to 'read' (number expected, got no value)",
    ));
  });

  it('istty is false for both; termsize and termctl report no terminal', async () => {
    const r = await lua(`
      print(sys("istty"))
      print(select("#", sys("termsize")))
      print(sys("termctl"))
    `);
    expect(r.stdout).toBe(lines('false\tfalse', '0', 'nil'));
  });
});

describe('io library and print', () => {
  it('io.read formats, io.lines, io.write', async () => {
    const r = await lua(`
      print(io.read())
      print(io.read("L"))
      print(io.read("n"), io.read(3))
      for l in io.lines() do print("line", l) end
      print(io.read())
      io.write("a", 1, 2.5, "\\n")
      print(io.write("x") == io.stdout)
      print(io.type(io.stdout), io.type(42))
    `, { stdin: 'first\nsecond\n42\nabcdef\nlast\n' });
    expect(r.stdout).toBe(lines(
      'first', 'second\n', '42\tabc', 'line\tdef', 'line\tlast', 'nil', 'a12.5', 'xtrue', 'file\tnil',
    ));
  });

  it('io.read("a") reads everything', async () => {
    const r = await lua(`local s = io.read("a") print(#s, (s:gsub("\\n", "|")))`, { stdin: 'one\ntwo\nthree' });
    expect(r.stdout).toBe(lines('13\tone|two|three'));
  });

  it('io.stdout/io.stderr write methods; io.write rejects tables', async () => {
    const r = await lua(`
      io.stdout:write("out ", 1, "\\n")
      io.stderr:write("to err\\n")
      print(pcall(io.write, {}))
    `);
    expect(r.stdout).toBe(lines('out 1', "false\tbad argument #1 to 'write' (string expected, got table)"));
    expect(r.stderr).toBe('to err\n');
  });

  it('print tostrings and tab-joins like Lua, with Lua number formatting', async () => {
    const r = await lua(`
      print()
      print(nil, false, 1, 1.5, 10 // 3, 7 / 2, 2^53, 1e15, 1e100, -0.0, 3.0, math.pi, math.huge, -math.huge)
      print(setmetatable({}, {__tostring = function() return "custom" end}))
      print(math.maxinteger, math.mininteger, 0x7fffffff + 1)
    `);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('');
    expect(out[1]).toBe('nil\tfalse\t1\t1.5\t3\t3.5\t9.007199254741e+15\t1e+15\t1e+100\t-0.0\t3.0\t3.1415926535898\tinf\t-inf');
    expect(out[2]).toBe('custom');
    // fengari integers are 32-bit (reference/ecosystem.md)
    expect(out[3]).toBe('2147483647\t-2147483648\t-2147483648');
  });
});

describe('redirection', () => {
  it('stdout redirected to a Lua handle table with a write method', async () => {
    const r = await lua(`
      local buf = {}
      local h = { write = function(...) local n = select("#", ...) buf[#buf + 1] = tostring((select(n, ...))) end }
      print("redirect", try("stdout", h))
      print("captured", 1)
      io.write("io", "write", "\\n")
      sys("write", "raw")
      sys("stdout", nil)
      print("lost")
      sys("writeerr", "captured: " .. table.concat(buf, "|"))
    `);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('captured: redirect\ttrue\n|captured\t1\n|io|write|\n|raw');
  });

  it('stdin redirected to a Lua handle table with read/readLine methods', async () => {
    const r = await lua(`
      local lines = {"alpha", "beta"}
      local h = {
        readLine = function() return table.remove(lines, 1) end,
        read = function(...) return "r" end,
      }
      sys("stdin", h)
      print(sys("readline"), sys("readline"), sys("readline"))
    `);
    expect(r.stdout).toBe(lines('alpha\tbeta\tnil'));
  });

  it('a handle write method that never returns is stopped ("Too long without yielding")', async () => {
    const r = await lua(`
      sys("stdout", { write = function() while true do end end })
      local ok = pcall(sys, "write", "x")
      sys("stdout", nil)
      sys("writeerr", "survived\\n")
    `);
    expect(r.stderr).toBe('survived\n');
  });

  // Handle methods the kernel calls on its main state run under the count hook too.
  it('a spinning stdin handle readLine does not freeze the kernel', async () => {
    const r = await lua(`
      sys("stdin", { readLine = function() while true do end end, read = function() while true do end end })
      print("readline", pcall(sys, "readline"))
    `);
    expect(r.stdout).toMatch(/^readline\tfalse\t.*Too long without yielding/);
  });

  it('a spinning stderr handle does not freeze the kernel when a process errors', async () => {
    const r = await lua(`
      local pid = sys("fork", function() sys("stderr", { write = function() while true do end end }) error("boom") end)
      repeat local e = coroutine.yield() until e == "process_complete"
      print("alive")
    `);
    expect(r.stdout).toBe(lines('alive'));
  });

  it('stdout set to nil discards output; stderr still works', async () => {
    const r = await lua(`
      print("before")
      sys("stdout", nil)
      print("discarded")
      io.write("also discarded")
      sys("writeerr", "err ok\\n")
    `);
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toBe('err ok\n');
  });

  it('a child inherits the parent\'s stdio', async () => {
    const r = await lua(`
      local pid = sys("fork", function() print("from child", sys("readline")) sys("writeerr", "child err\\n") end)
      repeat local e = coroutine.yield() until e == "process_complete"
      print("parent", sys("readline"))
    `, { stdin: 'one\ntwo\n' });
    expect(r.stdout).toBe(lines('from child\tone', 'parent\ttwo'));
    expect(r.stderr).toBe('child err\n');
  });
});
