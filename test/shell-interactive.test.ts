// The interactive shell on a headless terminal: prompt, line editing,
// history, completion, Ctrl+C / Ctrl+D, job control; and init starting
// shells on the virtual terminals.
import { describe, it, expect, afterAll } from 'vitest';
import { cleanupTempDirs, newWorld } from './helpers.js';
import { shellOnTTY, screenLines, CTRL, K } from './shell-helpers.js';

afterAll(() => cleanupTempDirs());

describe('interactive sh on a terminal', () => {
  it('shows a prompt and runs a pipeline', async () => {
    const s = await shellOnTTY();
    expect(screenLines(s)).toEqual(['root@cinder:/#']);
    await s.type('echo hi | cat\n');
    expect(screenLines(s)).toEqual(['root@cinder:/# echo hi | cat', 'hi', 'root@cinder:/#']);
    await s.type('cd /rom\n');
    expect(screenLines(s).at(-1)).toBe('root@cinder:/rom#');
  });

  it('edits the line with arrows, Home/End, Backspace, Delete and Ctrl keys', async () => {
    const s = await shellOnTTY();
    await s.type('ecoh X');
    await s.press(K.left); await s.press(K.left);
    await s.press(K.backspace); await s.press(K.backspace);
    await s.type('ho');
    await s.press(K.home); await s.press(K.delete); await s.type('e');
    await s.press(K.end); await s.type('Y');
    await s.press(K.w, CTRL); await s.type('Z\n');
    expect(screenLines(s).slice(0, 2)).toEqual(['root@cinder:/# echo Z', 'Z']);
    await s.type('abc def');
    await s.press(K.left); await s.press(K.left);
    await s.press(K.k, CTRL); await s.press(K.a, CTRL); await s.type('echo ');
    await s.press(K.e, CTRL); await s.type('!\n');
    expect(screenLines(s).slice(-3)).toEqual(['root@cinder:/# echo abc d!', 'abc d!', 'root@cinder:/#']);
  });

  it('recalls history with Up and Down', async () => {
    const s = await shellOnTTY();
    await s.type('echo one\n');
    await s.type('echo two\n');
    await s.type('partial');
    await s.press(K.up);
    expect(screenLines(s).at(-1)).toBe('root@cinder:/# echo two');
    await s.press(K.up);
    expect(screenLines(s).at(-1)).toBe('root@cinder:/# echo one');
    await s.press(K.down); await s.press(K.down);
    expect(screenLines(s).at(-1)).toBe('root@cinder:/# partial');
    await s.press(K.up); await s.press(K.enter);
    expect(screenLines(s).slice(-2)).toEqual(['two', 'root@cinder:/#']);
    await s.type('history\n');
    expect(screenLines(s).slice(-4, -1)).toEqual(['    1  echo one', '    2  echo two', '    3  echo two'].slice(0, 3).map((l, i) => (i === 2 ? '    3  history' : l)));
  });

  it('keeps history in $HOME/.sh_history across shells', async () => {
    const s = await shellOnTTY();
    await s.type('export HOME=/tmp\n');
    await s.type('echo remembered\n');
    await s.type(' echo secret\n');
    await s.type('cat /tmp/.sh_history\n');
    expect(screenLines(s).slice(-3)).toEqual(['echo remembered', 'cat /tmp/.sh_history', 'root@cinder:/#']);
    await s.type('sh\n');
    await s.press(K.up);
    expect(screenLines(s).at(-1)).toBe('root@cinder:/# sh');
    await s.press(K.up); await s.press(K.up);
    expect(screenLines(s).at(-1)).toBe('root@cinder:/# echo remembered');
  });

  it('completes commands and paths with Tab, and lists choices on a second Tab', async () => {
    const s = await shellOnTTY();
    await s.type('ech'); await s.press(K.tab);
    expect(screenLines(s).at(-1)).toBe('root@cinder:/# echo');
    await s.type('/rom/s'); await s.press(K.tab);
    expect(screenLines(s).at(-1)).toBe('root@cinder:/# echo /rom/sbin/');
    await s.press(K.u, CTRL);
    await s.type('ls /rom/bin/c'); await s.press(K.tab);
    expect(screenLines(s).at(-1)).toBe('root@cinder:/# ls /rom/bin/c');
    await s.press(K.tab);
    const lines = screenLines(s);
    expect(lines.at(-1)).toBe('root@cinder:/# ls /rom/bin/c');
    expect(lines.slice(-3, -1).join(' ')).toMatch(/cat\.lua +chmod\.lua +chown\.lua +clear\.lua +cp\.lua/);
  });

  it('a multi-line paste runs line by line', async () => {
    const s = await shellOnTTY();
    const tty = s.computer.consoles.get(1);
    tty.input({ type: 'paste', text: 'echo one\necho two\n' }, (p, sig) => s.computer.lifecycle.signal(p, sig));
    await s.settle();
    expect(screenLines(s)).toEqual(['root@cinder:/# echo one', 'one', 'root@cinder:/# echo two', 'two', 'root@cinder:/#']);
    tty.input({ type: 'paste', text: 'echo part' }, (p, sig) => s.computer.lifecycle.signal(p, sig));
    await s.settle();
    await s.type('ial\n');
    expect(screenLines(s).slice(-2)).toEqual(['partial', 'root@cinder:/#']);
  });

  it('an unfinished case or here-document continues on the next line with the PS2 prompt', async () => {
    const s = await shellOnTTY();
    await s.type('cat <<EOF\n');
    expect(screenLines(s).at(-1)).toBe('>');
    await s.type('hello $HOME\n');
    await s.type('EOF\n');
    await s.type('case x in\n');
    await s.type('x) echo matched ;;\n');
    await s.type('esac\n');
    expect(screenLines(s)).toEqual([
      'root@cinder:/# cat <<EOF', '> hello $HOME', '> EOF', 'hello /', 'root@cinder:/# case x in', '> x) echo matched ;;', '> esac',
      'matched', 'root@cinder:/#',
    ]);
  });

  it('long lines wrap and are edited across the wrap', async () => {
    const s = await shellOnTTY({ width: 20, height: 8 });
    await s.type('echo 0123456789abcdefghijklmno');
    expect(screenLines(s)).toEqual(['root@cinder:/# echo', '0123456789abcdefghij', 'klmno']);
    await s.press(K.home); await s.press(K.delete); await s.press(K.delete); await s.press(K.delete); await s.press(K.delete);
    expect(screenLines(s)).toEqual(['root@cinder:/#  0123', '456789abcdefghijklmn', 'o']);
    await s.type('echo');
    for (let i = 0; i < 9; i++) await s.press(K.right);
    await s.press(K.backspace);
    expect(screenLines(s)).toEqual(['root@cinder:/# echo', '012345689abcdefghijk', 'lmno']);
    await s.press(K.enter);
    expect(screenLines(s)).toEqual(['root@cinder:/# echo', '012345689abcdefghijk', 'lmno', '012345689abcdefghijk', 'lmno', 'root@cinder:/#']);
  });

  it('Ctrl+C cancels the line; Ctrl+C stops a running program with status 130', async () => {
    const s = await shellOnTTY();
    await s.type('echo never');
    await s.press(K.c, CTRL);
    expect(screenLines(s)).toEqual(['root@cinder:/# echo never^C', 'root@cinder:/#']);
    await s.type('lua -e "while true do end"\n');
    await s.press(K.c, CTRL);
    await s.type('echo $?\n');
    expect(screenLines(s).slice(-4)).toEqual(['^C', 'root@cinder:/# echo $?', '130', 'root@cinder:/#']);
  });

  it('Ctrl+C and Ctrl+Z reach a foreground job whose processes all left the terminal', async () => {
    const s = await shellOnTTY({ width: 70, height: 19 });
    await s.type('echo x > /tmp/f\n');
    await s.type('cat < /tmp/f | lua -e "while true do end"\n');
    await s.press(K.z, CTRL);
    expect(screenLines(s).slice(-2)).toEqual(['[1]+  Stopped                cat < /tmp/f | lua -e "while true do end"', 'root@cinder:/#']);
    await s.type('fg\n');
    await s.press(K.c, CTRL);
    await s.type('echo $?\n');
    expect(screenLines(s).slice(-2)).toEqual(['130', 'root@cinder:/#']);
  });

  it('Ctrl+D ends input for a program and, on an empty line, ends the shell', async () => {
    const s = await shellOnTTY();
    await s.type('cat\n');
    await s.type('line\n');
    await s.press(K.d, CTRL);
    await s.type('echo after\n');
    expect(screenLines(s)).toEqual(['root@cinder:/# cat', 'line', 'line', 'root@cinder:/# echo after', 'after', 'root@cinder:/#']);
    await s.press(K.d, CTRL);
    expect(s.exited).toBe(true);
    expect(s.process.completion?.code).toBe(0);
  });

  it('Ctrl+Z stops a program; jobs, bg and fg control it', async () => {
    const s = await shellOnTTY({ width: 60, height: 19 });
    await s.type('lua -e "while true do end"\n');
    await s.press(K.z, CTRL);
    expect(screenLines(s).slice(-2)).toEqual(['[1]+  Stopped                lua -e "while true do end"', 'root@cinder:/#']);
    await s.type('jobs\n');
    expect(screenLines(s).slice(-2)).toEqual(['[1]+  Stopped                lua -e "while true do end"', 'root@cinder:/#']);
    await s.type('bg\n');
    expect(screenLines(s).slice(-2)).toEqual(['[1]+ lua -e "while true do end" &', 'root@cinder:/#']);
    await s.type('jobs\n');
    expect(screenLines(s).slice(-2, -1)).toEqual(['[1]+  Running                lua -e "while true do end"']);
    await s.type('fg\n');
    await s.press(K.c, CTRL);
    await s.type('jobs; echo $?\n');
    expect(screenLines(s).slice(-2)).toEqual(['0', 'root@cinder:/#']);
  });

  it('exit warns once about stopped jobs, then hangs them up', async () => {
    const s = await shellOnTTY({ width: 60, height: 19 });
    await s.type('sleep 50\n');
    await s.press(K.z, CTRL);
    const sleeper = [...s.computer.processes.values()].find((p) => p.name === 'sleep')!;
    expect(sleeper.paused).toBe(true);
    await s.type('exit\n');
    expect(screenLines(s).slice(-2)).toEqual(['There are stopped jobs.', 'root@cinder:/#']);
    expect(s.exited).toBe(false);
    await s.type('exit\n');
    expect(s.exited).toBe(true);
    expect(sleeper.alive).toBe(false);
  });

  it('reports finished background jobs before the next prompt', async () => {
    const s = await shellOnTTY();
    await s.type('sleep 2 &\n');
    expect(screenLines(s).slice(-2)).toEqual(['[1] 3', 'root@cinder:/#']);
    await s.settle(3000);
    await s.type('\n');
    expect(screenLines(s).slice(-2)).toEqual(['[1]+  Done                   sleep 2', 'root@cinder:/#']);
  });

  it('exit ends the shell with its code', async () => {
    const s = await shellOnTTY();
    await s.type('exit 3\n');
    expect(s.exited).toBe(true);
    expect(s.process.completion?.code).toBe(3);
  });
});

describe('init', () => {
  it('starts a shell on tty1 in /home, restarts it after exit, and starts shells on other terminals when shown', async () => {
    const world = newWorld();
    const c = world.addComputer({ id: 0, kernargs: {} });
    const settle = () => world.run({ forMs: 1000, until: () => false });
    await settle();
    const screen = (vt: number) => c.consoles.get(vt).visible.text().split('\n').filter((l) => l !== '');
    expect(screen(1).at(-1)).toBe('root@cinder:~#');
    expect(screen(1)[0]).toMatch(/^cinder .* - tty1$/);
    c.consoles.type('pwd; echo $HOME $PATH\n', 1);
    await settle();
    expect(screen(1).slice(-3)).toEqual(['/home', '/home /bin:/usr/bin:/rom/bin', 'root@cinder:~#']);
    c.consoles.type('exit\n', 1);
    await settle();
    expect(screen(1).at(-1)).toBe('root@cinder:~#');
    expect(screen(2)).toEqual([]);
    c.consoles.switchTo(2);
    await settle();
    expect(screen(2).at(-1)).toBe('root@cinder:~#');
    c.consoles.type('echo on2\n', 2);
    await settle();
    expect(screen(2).slice(-2)).toEqual(['on2', 'root@cinder:~#']);
  });

  it('only reaps children on a headless computer', async () => {
    const world = newWorld();
    const c = world.addComputer({ id: 0, kernargs: { headless: 'true' } });
    await world.run({ forMs: 1000, until: () => false });
    expect([...c.processes.keys()].filter((p) => p > 0)).toEqual([1]);
    expect(c.consoles.get(1).visible.text().trim()).toBe('');
  });
});
