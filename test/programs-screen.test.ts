// Full-screen programs on a headless terminal: edit, less and top.
import { describe, it, expect, afterAll } from 'vitest';
import { cleanupTempDirs } from './helpers.js';
import { sh, shellOnTTY, screenLines, CTRL, K } from './shell-helpers.js';

afterAll(() => cleanupTempDirs());

const statusLine = (s: { text(): string }) => s.text().split('\n')[18];

describe('edit', () => {
  it('types, moves, saves with Ctrl+S and quits with Ctrl+Q', async () => {
    const s = await shellOnTTY();
    await s.type('edit /tmp/new.txt\n');
    expect(statusLine(s)).toMatch(/^ New file \/tmp\/new\.txt +1,1$/);
    await s.type('first line\nsecond');
    await s.press(K.up); await s.press(K.end); await s.type('!');
    await s.press(K.down); await s.press(K.home); await s.type('the ');
    expect(screenLines(s).slice(0, 3)).toEqual(['first line!', 'the second', '~']);
    expect(statusLine(s)).toMatch(/^ \/tmp\/new\.txt \[\+\] +Ln 2, Col 5 /);
    await s.press(K.s, CTRL);
    expect(statusLine(s)).toMatch(/^ Saved 2 lines to \/tmp\/new\.txt/);
    await s.press(K.q, CTRL);
    await s.type('cat /tmp/new.txt\n');
    expect(screenLines(s).slice(-3)).toEqual(['first line!', 'the second', 'root@cinder:/#']);
  });

  it('Backspace joins lines, Delete removes characters, Enter keeps indentation', async () => {
    const s = await shellOnTTY();
    await s.type('edit /tmp/e.lua\n');
    await s.type('if x then\n  y()');
    await s.press(K.enter); await s.type('z()');
    expect(screenLines(s).slice(0, 3)).toEqual(['if x then', '  y()', '  z()']);
    await s.press(K.home); await s.press(K.backspace);
    expect(screenLines(s).slice(0, 2)).toEqual(['if x then', '  y()  z()']);
    await s.press(K.home); await s.press(K.delete); await s.press(K.delete);
    expect(screenLines(s)[1]).toBe('y()  z()');
    await s.press(K.s, CTRL);
    await s.press(K.q, CTRL);
    await s.type('cat /tmp/e.lua\n');
    expect(screenLines(s).slice(-3)).toEqual(['if x then', 'y()  z()', 'root@cinder:/#']);
  });

  it('asks before quitting with unsaved changes', async () => {
    const s = await shellOnTTY();
    await s.type('echo keep > /tmp/k\n');
    await s.type('edit /tmp/k\n');
    expect(screenLines(s)[0]).toBe('keep');
    await s.type('X');
    await s.press(K.q, CTRL);
    expect(statusLine(s)).toMatch(/^ Save changes to \/tmp\/k\? \(y\/n, Ctrl\+C cancels\)/);
    await s.press(K.c, CTRL);
    expect(statusLine(s)).toMatch(/^ Cancelled/);
    await s.press(K.q, CTRL);
    await s.type('n');
    await s.type('cat /tmp/k\n');
    expect(screenLines(s).slice(-2)).toEqual(['keep', 'root@cinder:/#']);
    await s.type('edit /tmp/k\n');
    await s.type('Y');
    await s.press(K.q, CTRL);
    await s.type('y');
    await s.type('cat /tmp/k\n');
    expect(screenLines(s).slice(-2)).toEqual(['Ykeep', 'root@cinder:/#']);
  });

  it('scrolls long files and restores the terminal afterwards', async () => {
    const s = await shellOnTTY();
    await s.type('lua -e "for i = 1, 60 do print(\'line \' .. i) end" > /tmp/long\n');
    await s.type('edit /tmp/long\n');
    for (let i = 0; i < 25; i++) await s.press(K.down);
    expect(statusLine(s)).toMatch(/Ln 26, Col 1/);
    expect(screenLines(s)[17]).toBe('line 26');
    await s.press(K.pageDown);
    expect(statusLine(s)).toMatch(/Ln 43, Col 1/);
    await s.press(K.q, CTRL);
    await s.type('echo ok\n');
    expect(screenLines(s).slice(-2)).toEqual(['ok', 'root@cinder:/#']);
  });

  it('bad arguments: usage, a directory, no terminal', async () => {
    for (const [cmd, code, msg] of [['edit', 2, /^usage: edit FILE/], ['edit a b', 2, /^usage/], ['edit /rom', 1, /Is a directory/], ['edit /tmp/x', 1, /needs a terminal/]] as const) {
      const r = await sh(cmd);
      expect(r.code, cmd).toBe(code);
      expect(r.stderr, cmd).toMatch(msg);
    }
  });
});

describe('less', () => {
  it('pages a file with Space, b, arrows, g/G and quits with q', async () => {
    const s = await shellOnTTY();
    await s.type('lua -e "for i = 1, 50 do print(\'row \' .. i) end" > /tmp/rows\n');
    await s.type('less /tmp/rows\n');
    expect(screenLines(s)[0]).toBe('row 1');
    expect(statusLine(s)).toMatch(/^ \/tmp\/rows lines 1-18\/50 36%/);
    await s.type(' ');
    expect(screenLines(s)[0]).toBe('row 19');
    await s.press(K.down);
    expect(screenLines(s)[0]).toBe('row 20');
    await s.type('b');
    expect(screenLines(s)[0]).toBe('row 2');
    await s.type('G');
    expect(screenLines(s)[0]).toBe('row 33');
    expect(statusLine(s)).toMatch(/\(END\)/);
    await s.type('g');
    expect(screenLines(s)[0]).toBe('row 1');
    await s.type('/row 4');
    await s.press(K.enter);
    expect(screenLines(s)[0]).toBe('row 4');
    await s.type('n');
    expect(screenLines(s)[0]).toBe('row 33');
    await s.type('q');
    await s.type('echo out\n');
    expect(screenLines(s).slice(-2)).toEqual(['out', 'root@cinder:/#']);
  });

  it('pages piped text (keys come from the terminal named by $TTY)', async () => {
    const s = await shellOnTTY();
    await s.type('export TTY=tty1\n');
    await s.type('lua -e "for i = 1, 30 do print(i) end" | less\n');
    expect(screenLines(s)[0]).toBe('1');
    expect(statusLine(s)).toMatch(/^ \(standard input\) lines 1-18\/30/);
    await s.type(' ');
    expect(screenLines(s)[0]).toBe('13');
    await s.type('q');
    await s.type('echo done\n');
    expect(screenLines(s).slice(-2)).toEqual(['done', 'root@cinder:/#']);
  });

  it('pages piped text with keys from the terminal on its stdout', async () => {
    const s = await shellOnTTY();
    await s.type('echo one | less; echo next\n');
    expect(screenLines(s)[0]).toBe('one');
    await s.type('q');
    expect(screenLines(s).slice(-2)).toEqual(['next', 'root@cinder:/#']);
  });

  it('acts like cat when the output is not a terminal; bad arguments', async () => {
    const r = await sh('echo a > /tmp/f; less /tmp/f | cat; echo b | less');
    expect(r.stdout).toBe('a\nb\n');
    const bad = await sh('less -x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^usage: less/);
    const missing = await sh('less /nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('less: /nope: No such file or directory\n');
    const some = await sh('echo c > /tmp/g; less /tmp /tmp/g /nope | cat');
    expect([some.stdout, some.stderr]).toEqual(['c\n', 'less: /tmp: Is a directory\nless: /nope: No such file or directory\n']);
  });
});

describe('top', () => {
  it('shows the processes, refreshes, and quits with q', async () => {
    const s = await shellOnTTY();
    await s.type('sleep 100 &\n');
    await s.type('top\n');
    const lines = screenLines(s);
    expect(lines[0]).toMatch(/^top - up 0:00:0\d, \d processes$/);
    expect(lines[2]).toMatch(/^\s+PID USER\s+S\s+%CPU\s+TIME THR COMMAND$/);
    const names = lines.slice(3).map((l) => l.trim().split(/\s+/).at(-1)).sort();
    expect(names).toEqual(['init', 'sh', 'sleep', 'top']);
    await s.settle(2500);
    expect(screenLines(s)[0]).toMatch(/^top - up 0:00:0[2-9]/);
    await s.type('q');
    await s.type('echo after\n');
    expect(screenLines(s).slice(-2)).toEqual(['after', 'root@cinder:/#']);
  });

  it('k kills a process', async () => {
    const s = await shellOnTTY();
    await s.type('sleep 100 &\n');
    await s.type('top\n');
    await s.type('k');
    await s.type('3\n');
    expect(screenLines(s)[1]).toBe('Sent SIGTERM to 3');
    await s.type('q');
    await s.type('jobs\n');
    expect(screenLines(s).slice(-3)).toEqual(['[1]+  Exit 143               sleep 100', 'root@cinder:/# jobs', 'root@cinder:/#']);
  });

  it('-n stops by itself; bad arguments; no terminal', async () => {
    const s = await shellOnTTY();
    await s.type('top -n 2 -d 0.5; echo stopped\n');
    await s.settle(2000);
    expect(screenLines(s).slice(-2)).toEqual(['stopped', 'root@cinder:/#']);
    const bad = await sh('top -x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^usage: top/);
    const noterm = await sh('top');
    expect(noterm.code).toBe(1);
    expect(noterm.stderr).toMatch(/^top: needs a terminal/);
  });
});
