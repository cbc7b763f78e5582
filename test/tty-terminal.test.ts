// TTYs seen by Lua programs: the line discipline, signals from the keyboard,
// termctl, openterm, mktty, capture, pipes and virtual terminals.
import { afterAll, describe, expect, test } from 'vitest';
import { cleanupTempDirs, runLua, startOnTTY } from './helpers.js';
import { KEY } from '../kernel/tty/keys.js';

afterAll(cleanupTempDirs);

/** Screen text with runs of whitespace (tab stops, wrapping) as single spaces. */
const flat = (t: string) => t.replace(/\s+/g, ' ');

const SYS = `local function sys(n, ...) local r = table.pack(coroutine.yield("syscall", n, ...)) if not r[1] then error(r[2], 2) end return table.unpack(r, 2, r.n) end\n`;

describe('line discipline', () => {
  test('echo, Backspace and Enter make a line for readline', async () => {
    const s = await startOnTTY(SYS + `sys("write", "name? ") local l = sys("readline") print("[" .. l .. "]")`);
    await s.type('Adx');
    await s.press(KEY.backspace);
    await s.type('a\n');
    expect(s.text()).toContain('name? Ada\n[Ada]');
    expect(s.exited).toBe(true);
  });

  test('Ctrl+C interrupts a spinning program', async () => {
    const s = await startOnTTY(`print("spinning") while true do end`);
    expect(s.exited).toBe(false);
    await s.press(KEY.c, { ctrl: true });
    expect(s.exited).toBe(true);
    expect(s.process.completion?.signal).toBe(2);
    expect(s.text()).toContain('^C');
  });

  test('Ctrl+D ends input: read returns nil', async () => {
    const s = await startOnTTY(SYS + `local n = 0 while true do local l = sys("readline") if not l then break end n = n + 1 end print("lines", n)`);
    await s.type('one\ntwo\n');
    await s.press(KEY.d, { ctrl: true });
    expect(flat(s.text())).toContain('lines 2');
  });

  test('Ctrl+Z stops the program, SIGCONT resumes it', async () => {
    const s = await startOnTTY(SYS + `local n = 0 while true do n = n + 1 if n % 100000 == 0 then sys("write", ".") end end`);
    await s.press(KEY.z, { ctrl: true });
    expect(s.process.paused).toBe(true);
    const before = s.text();
    await s.settle();
    expect(s.text()).toBe(before);
    s.computer.lifecycle.signal(s.process, 18);
    await s.world.run({ forMs: 10, until: () => s.text() !== before });
    expect(s.text()).not.toBe(before);
  });

  test('raw mode turns off signals and line editing: keys arrive as events', async () => {
    const s = await startOnTTY(SYS + `sys("termctl", {raw = true}) local e, p = coroutine.yield() while e ~= "key" do e, p = coroutine.yield() end print(e, p.keycode, p.ctrlHeld)`);
    await s.press(KEY.c, { ctrl: true });
    expect(flat(s.text())).toContain(`key ${KEY.c} true`);
  });

  test('without a reader, keys are events for the frontmost process', async () => {
    const s = await startOnTTY(`local e, p repeat e, p = coroutine.yield() until e == "char" print("char", p.character)`);
    await s.type('x');
    expect(flat(s.text())).toContain('char x');
  });
});

describe('floods', () => {
  test('a program flooding the terminal finishes, and the screen shows its last lines', async () => {
    const s = await startOnTTY(SYS + `for i = 1, 20000 do sys("write", "line " .. i .. "\\n") end`);
    await s.settle(60_000);
    expect(s.exited).toBe(true);
    expect(s.text().split('\n').filter(Boolean).slice(-2)).toEqual(['line 19999', 'line 20000']);
  });
});

describe('terminal objects', () => {
  test('openterm gives an exclusive screen; closing shows the standard screen again', async () => {
    const s = await startOnTTY(SYS + `print("standard") local t = sys("openterm") t:setCursorPos(2, 3) t:setTextColor(14) t:write("exclusive") sys("write", "hidden") coroutine.yield() t:close() print("back")`);
    expect(s.text().split('\n')[2]).toBe(' exclusive');
    expect(s.text()).not.toContain('standard');
    await s.type('x');
    expect(s.text()).toContain('standard');
    expect(s.text()).toContain('hidden');
    expect(s.text()).toContain('back');
  });

  test('openterm fails without a terminal, and a second owner is refused', async () => {
    const r = await runLua(SYS + `print(sys("openterm"))`);
    expect(r.stdout).toBe('nil\tNot a terminal\n');
  });

  test('Terminal methods', async () => {
    const s = await startOnTTY(SYS + `
      local t = sys("openterm")
      local w, h = t:getSize()
      t:setCursorPos(1, 1) t:blit("abc", "0e1", "fff")
      local text, fg, bg = t:getLine(1)
      local r, g, b = t:getPaletteColor(14)
      t:setPaletteColor(14, 1, 0, 0)
      local r2 = t:getPaletteColor(14)
      local ok, err = pcall(t.setTextColor, t, 16)
      t:close()
      print(w, h, text:sub(1, 3), fg:sub(1, 3), bg:sub(1, 3), r2, ok, err)`, { size: { width: 200, height: 19 } });
    expect(flat(s.text())).toContain("200 19 abc 0e1 fff 1 false bad argument #1 to 'setTextColor' (invalid color (expected 0-15))");
  });

  test('mktty: writes, live fields and injected key events', async () => {
    const r = await runLua(SYS + `
      local tty = sys("mktty", 20, 4)
      tty.write("hi\\27[31mred")
      print(tty.size.width, tty.size.height, tty.cursor.x, tty[1].text:sub(1, 5), tty[1].fg:sub(3, 5))
      local pid = sys("fork", function() sys("stdin", tty) local l = sys("readline") sys("stdout", tty) sys("write", "got " .. l) end)
      local t = sys("timer", 0.1) repeat local e, p = coroutine.yield() until e == "timer"
      for _, ch in ipairs({"o", "k"}) do tty:sendEvent("char", {character = ch}) end
      local function wait() local e repeat e = coroutine.yield() until e == "process_complete" end
      tty:sendEvent("key", {keycode = 10})
      wait()
      print(tty[2].text:sub(1, 6))
      print(pcall(sys, "mktty", 0, 5))`);
    expect(r.stdout).toBe("20\t4\t6\thired\teee\ngot ok\nfalse\tInvalid terminal size\n");
  });

  test('termctl and istty on a terminal', async () => {
    const s = await startOnTTY(SYS + `local f = sys("termctl") local g = sys("termctl", {echo = false}) print(f.echo, g.echo, f.raw, sys("istty")) print(sys("termsize"))`);
    expect(flat(s.text())).toContain('true false false true true 51 19');
  });
});

describe('pipes', () => {
  test('a child writes through a pipe; EOF after every writer is gone', async () => {
    const r = await runLua(SYS + `
      local rd, wr = sys("pipe")
      sys("fork", function() sys("stdout", wr) print("one") print("two") end)
      wr.close()
      local lines = {}
      while true do local l = rd.readLine() if not l then break end lines[#lines + 1] = l end
      print(table.concat(lines, ","))
      print(pcall(wr.write, "x"))`);
    expect(r.stdout).toMatch(/^one,two\nfalse\t.*attempt to use a closed pipe\n$/);
  });

  test('exec drops inherited pipe handles, so readers see EOF', async () => {
    const r = await runLua(SYS + `
      local rd, wr = sys("pipe")
      local f = sys("open", "/tmp/cat.lua", "w") f.write('local function rd() return select(2, coroutine.yield("syscall", "read", 100)) end local s = rd() while s do coroutine.yield("syscall", "write", s:upper()) s = rd() end') f.close()
      local rd2, wr2 = sys("pipe")
      sys("fork", function() sys("stdin", rd) sys("stdout", wr2) sys("exec", "/tmp/cat.lua") end)
      rd.close() wr2.close()
      wr.write("hello ") wr.write("pipes") wr.close()
      print(rd2.readAll())`);
    expect(r.stdout).toBe('HELLO PIPES\n');
  });

  test('writing to a pipe nobody reads raises SIGPIPE: the writer ends with 141', async () => {
    const r = await runLua(SYS + `local rd, wr = sys("pipe") rd.close() wr.write("x") print("not reached")`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(141);
  });

  test('with a SIGPIPE handler the write fails with "Broken pipe"', async () => {
    const r = await runLua(SYS + `sys("signal", 13, function() end) local rd, wr = sys("pipe") rd.close() print(pcall(wr.write, "x"))`);
    expect(r.stdout).toMatch(/^false\t.*Broken pipe\n$/);
  });

  test('a writer waits while the pipe is full (3 MiB through a 1 MiB pipe)', async () => {
    const r = await runLua(SYS + `
      local rd, wr = sys("pipe")
      sys("fork", function()
        sys("stdout", wr)
        local chunk = ("x"):rep(1023) .. "\\n"
        for i = 1, 3 * 1024 do sys("write", chunk) end
      end)
      wr.close()
      local n, lines = 0, 0
      while true do local l = rd.readLine() if not l then break end n = n + #l + 1 lines = lines + 1 end
      print(n, lines)`);
    expect(r.stdout).toBe(`${3 * 1024 * 1024}\t${3 * 1024}\n`);
  });

  test('stdout("stderr") copies a slot (2>&1)', async () => {
    const r = await runLua(SYS + `sys("stderr", "stdout") sys("writeerr", "to stdout\\n")`);
    expect(r.stdout).toBe('to stdout\n');
    expect(r.stderr).toBe('');
  });
});

describe('virtual terminals', () => {
  test('Ctrl+Shift+F2 switches the visible terminal; chvt too', async () => {
    const s = await startOnTTY(SYS + `print("on tty1") coroutine.yield() sys("chvt", 3) print(3)`);
    const c = s.computer;
    c.consoles.input({ type: 'key', code: 0x82, ctrl: true, shift: true });
    expect(c.consoles.current).toBe(2);
    c.consoles.switchTo(1);
    await s.type('x');
    expect(c.consoles.current).toBe(3);
  });
});

describe('termctl flags', () => {
  test('cbreak + keypad: each key reaches read, arrows as escape sequences', async () => {
    const s = await startOnTTY(SYS + `sys("termctl", {cbreak = true, keypad = true, echo = false})
      local a = sys("read", 1) local b = sys("read", 3)
      print(a, (b:gsub("\\27", "ESC")))`);
    await s.type('x');
    await s.press(KEY.up);
    expect(flat(s.text())).toContain('x ESC[A');
  });

  test('without delay, read returns at once with what is there', async () => {
    const s = await startOnTTY(SYS + `sys("termctl", {delay = false}) print("[" .. tostring(sys("read", 5)) .. "]")`);
    expect(s.text()).toContain('[]');
  });

  test('nlcr off: a line feed keeps the column', async () => {
    const s = await startOnTTY(SYS + `sys("termctl", {nlcr = false}) sys("write", "ab\\ncd")`);
    expect(s.text().split('\n').slice(0, 2)).toEqual(['ab', '  cd']);
  });
});
