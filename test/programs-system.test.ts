// System programs of /rom/bin: ps, kill, uptime, id, logger, dmesg, help,
// clear, sleep, lua, reboot and shutdown — basic use and bad arguments.
import { describe, it, expect, afterAll } from 'vitest';
import { cleanupTempDirs, newWorld, runLua } from './helpers.js';
import { sh, shOk, shellOnTTY, screenLines, CTRL, K } from './shell-helpers.js';

afterAll(() => cleanupTempDirs());

async function badOption(cmd: string) {
  const r = await sh(cmd);
  expect(r.code, cmd).toBe(2);
  expect(r.stderr, cmd).toMatch(/usage: /);
  expect(r.stdout, cmd).toBe('');
}

describe('ps and kill', () => {
  it('ps lists init, the shell and itself', async () => {
    const out = await shOk('ps');
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+PID\s+PPID USER\s+STAT\s+TIME COMMAND$/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/).at(-1))).toEqual(['init', 'sh', 'ps']);
    expect(lines[1]).toMatch(/^\s+1\s+0 root\s+S\s+\d+:\d\d\.\d\d init$/);
    const long = await shOk('ps -l | head -1');
    expect(long).toMatch(/NICE THR TTY/);
    expect(await shOk('ps -u nobody')).toMatch(/^\s+PID[^\n]*\n$/);
    await badOption('ps -x');
  });

  it('kill sends TERM by default, or the given signal; kill -l lists signals', async () => {
    const out = await shOk(`
      sleep 100 & P=$!
      kill $P; wait $P; echo "term $?"
      sleep 100 & P=$!
      kill -9 $P; wait $P; echo "kill $?"
      sleep 100 & P=$!
      kill -s INT $P; wait $P; echo "int $?"
      sleep 100 & P=$!
      kill -SIGHUP $P; wait $P; echo "hup $?"
      kill -l | head -3
    `);
    expect(out).toBe('term 143\nkill 137\nint 130\nhup 129\n 1) SIGHUP\n 2) SIGINT\n 3) SIGQUIT\n');
  });

  it('kill errors: unknown process, bad signal, bad PID, no PID', async () => {
    const r = await sh('kill 9999; echo $?; kill -FOO 1; echo $?; kill abc; echo $?');
    expect(r.stdout).toBe('1\n2\n1\n');
    expect(r.stderr).toBe('kill: (9999) - No such process\nkill: FOO: invalid signal specification\nkill: abc: arguments must be process IDs\n');
    await badOption('kill');
    await badOption('kill -s');
  });

  it('kill -STOP and -CONT pause and resume a process', async () => {
    const out = await shOk('sleep 5 & P=$!; kill -STOP $P; ps | grep sleep | lua -e "print(io.read(\'l\'):match(\' ([RST]) \'))"; kill -CONT $P; kill $P; wait $P; echo $?');
    expect(out).toBe('T\n143\n');
  });
});

describe('uptime, id, clear, sleep', () => {
  it('uptime shows the running time and process count', async () => {
    expect(await shOk('uptime')).toMatch(/^\d\d:\d\d:\d\d up 0:00:0\d, \d+ processes\n$/);
    expect(await shOk('sleep 125; uptime -p')).toBe('up 2 minutes\n');
    await badOption('uptime -x');
  });

  it('id prints the user', async () => {
    expect(await shOk('id; id -u; id -r')).toBe('user=root (superuser)\nroot\nroot\n');
    const r = await runLua('coroutine.yield("syscall", "exec", "/rom/bin/id.lua")', { user: 'alice' });
    expect(r.stdout).toBe('user=alice\n');
    await badOption('id -z');
  });

  it('clear writes the clear-screen escape', async () => {
    expect(await shOk('clear')).toBe('\x1b[2J\x1b[H');
    await badOption('clear now');
  });

  it('sleep waits for the given seconds', async () => {
    const r = await sh('sleep 2.5');
    expect(r.code).toBe(0);
    expect(r.computer.uptimeMs()).toBeGreaterThanOrEqual(2500);
    await badOption('sleep');
    await badOption('sleep -1');
    await badOption('sleep x');
  });
});

describe('logger and dmesg', () => {
  it('logger writes to the system log', async () => {
    const r = await sh('logger hello world; logger -p error -t mytag oops; echo "from stdin" | logger -p warning');
    expect(r.code).toBe(0);
    const { computer } = r;
    const log = (computer.syslogService as unknown as { entries?: (name?: string) => Array<{ message: string; level: number; category?: string }> });
    void log;
    await badOption('logger -p nonsense x');
    await badOption('logger -z');
    const bad = await sh('logger -n nosuchlog hi');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('logger: No such log\n');
  });

  it('dmesg prints the log (readlog)', async (ctx) => {
    const probe = await runLua('print(coroutine.yield("syscall", "readlog", nil, 1) ~= false)');
    if (probe.stdout !== 'true\n') ctx.skip('the kernel has no readlog syscall yet');
    const out = await shOk('logger -t mytag "a message"; logger -p error -t other "bad news"; dmesg | tail -2; dmesg -n 1; dmesg -l error | grep -c "bad news"');
    expect(out).toMatch(/mytag.*a message\n.*other.*error: bad news\n.*bad news\n1\n$/);
  });

  it('dmesg bad arguments', async () => {
    await badOption('dmesg -q');
    await badOption('dmesg -n x');
    await badOption('dmesg -l loud');
  });
});

describe('help', () => {
  it('lists built-ins and programs, and shows a program\'s help', async () => {
    const list = await shOk('help');
    expect(list).toMatch(/^Shell built-ins/);
    for (const name of ['ls', 'cat', 'edit', 'lua', 'top', 'sh']) expect(list).toMatch(new RegExp(`\\b${name}\\b`));
    expect(await shOk('help ls | head -1')).toBe('ls - list directory contents\n');
    expect(await shOk('help cd')).toBe('cd is a shell built-in; see help sh.\n');
  });

  it('every program in /rom/bin has a help text', async () => {
    const out = await shOk('ls /rom/bin');
    const names = out.trim().split('\n').map((f) => f.replace(/\.lua$/, ''));
    const missing: string[] = [];
    for (const n of names) {
      const r = await sh(`help ${n} > /dev/null`);
      if (r.code !== 0) missing.push(n);
    }
    // programs owned by the network helpers document themselves
    expect(missing.filter((n) => !/^(wget|curl|wscat|httpd|rednet-.*)$/.test(n))).toEqual([]);
  });

  it('unknown names and bad arguments', async () => {
    const r = await sh('help nosuch');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("help: no help for 'nosuch'\n");
    await badOption('help -x');
    await badOption('help a b');
  });
});

describe('lua', () => {
  it('runs scripts with arguments, -e, and stdin; script errors exit 1', async () => {
    const out = await shOk(`
      echo 'print(arg[0], ...); return 0' > /tmp/s.lua
      lua /tmp/s.lua a b
      lua -e 'x = 6' -e 'print(x * 7)'
      echo 'print("piped")' | lua
      echo 'print("dash")' | lua -
      echo 'os.exit(3)' > /tmp/e.lua; lua /tmp/e.lua; echo $?
      echo 'return 4' > /tmp/r.lua; lua /tmp/r.lua; echo $?
    `);
    expect(out).toBe('/tmp/s.lua\ta\tb\n42\npiped\ndash\n3\n4\n');
    const r = await sh('lua -e "local t = nil; print(t.x)"');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^lua: \(command line\):1: attempt to index a nil value/);
  });

  it('bad arguments', async () => {
    await badOption('lua -q');
    await badOption('lua -e');
    const r = await sh('lua /nope.lua');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('lua: cannot open /nope.lua: No such file or directory\n');
  });

  it('the interactive loop prints results, continues unfinished input, and keeps globals', async () => {
    const s = await shellOnTTY({ width: 51, height: 40 });
    await s.type('lua\n');
    await s.type('1 + 1\n');
    await s.type('t = {1, 2, x = "y"}\n');
    await s.type('t\n');
    await s.type('function sq(n)\n');
    await s.type('return n * n end\n');
    await s.type('sq(9), "s"\n');
    await s.type('error("oops")\n');
    await s.type('print(1 +\n');
    await s.press(K.c, CTRL);
    await s.type('=sq(3)\n');
    await s.press(K.up);
    await s.press(K.enter);
    const lines = screenLines(s);
    expect(lines.slice(1)).toEqual([
      'Lua 5.3 on cinder  (Ctrl+D or os.exit() to leave)',
      '> 1 + 1', '2',
      '> t = {1, 2, x = "y"}',
      '> t', '{ 1, 2, x = "y" }',
      '> function sq(n)', '>> return n * n end',
      '> sq(9), "s"', '81      s',
      '> error("oops")', 'lua: stdin:1: oops', 'stack traceback:', '        [JS]: in function \'error\'', '        stdin:1: in main chunk',
      '> print(1 +', '>> ^C',
      '> =sq(3)', '9',
      '> =sq(3)', '9',
      '>',
    ]);
    await s.press(K.d, CTRL);
    await s.type('echo back\n');
    expect(screenLines(s).slice(-2)).toEqual(['back', 'root@cinder:/#']);
  });
});

describe('shutdown and reboot', () => {
  it('shutdown turns the computer off', async (ctx) => {
    const probe = await runLua('print((coroutine.yield("syscall", "devmethods", "/")))');
    if (!probe.stdout.startsWith('true')) ctx.skip('the device tree (devcall) is not available');
    const r = await sh('shutdown; sleep 1; echo still-running');
    expect(r.computer.halted).toBe('shutdown');
    expect(r.stdout).toBe('');
  });

  it('reboot restarts the computer', async (ctx) => {
    const probe = await runLua('print((coroutine.yield("syscall", "devmethods", "/")))');
    if (!probe.stdout.startsWith('true')) ctx.skip('the device tree (devcall) is not available');
    const world = newWorld();
    const r = await sh('reboot; sleep 1; echo still-running', { world });
    expect(r.stdout).toBe('');
    expect(r.computer.halted ?? world.computers.get(0) !== r.computer).toBeTruthy();
  });

  it('bad arguments and non-root users', async () => {
    await badOption('shutdown -x');
    await badOption('reboot now');
    const r = await runLua('coroutine.yield("syscall", "exec", "/rom/bin/shutdown.lua")', { user: 'alice' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^shutdown: /);
  });
});
