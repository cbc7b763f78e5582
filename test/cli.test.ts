// The `cinder` command as users run it: the built dist/bin/cinder.js in a
// child process (`npm test` runs `npm run build` first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/bin/cinder.js', import.meta.url));

interface Result { code: number | null; stdout: string; stderr: string }

function cinder(args: string[], opts: { input?: string; cwd?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, CINDER_DATA: join(work, 'default-data-should-not-be-used') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`cinder ${args.join(' ')} timed out\n${stderr}`)); }, 30_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.on('error', () => { /* the program may exit before reading */ });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

let work: string;
let n = 0;
/** A fresh data folder for every run. */
function data(): string { return join(work, `data-${n++}`); }
function program(name: string, source: string): string {
  const p = join(work, name);
  writeFileSync(p, source);
  return p;
}

beforeAll(() => { work = mkdtempSync(join(tmpdir(), 'cinder-cli-')); });
afterAll(() => { rmSync(work, { recursive: true, force: true }); });

describe('cinder CLI', () => {
  it('the build output exists', () => {
    expect(existsSync(CLI)).toBe(true);
  });

  it('--version and -V print the version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await cinder([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('cinder 0.1.0 (Phoenix 0.0.9 compatible)\n');
    }
  });

  it('--help prints usage and exits 0; no command prints usage and exits 2', async () => {
    const r = await cinder(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cinder 0\.1\.0/);
    expect(r.stdout).toContain('cinder run FILE.lua [ARGS...]');
    const none = await cinder([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage:');
    const bad = await cinder(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^cinder: unknown command 'frobnicate'/);
  });

  it('run --help describes the options', async () => {
    const r = await cinder(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cinder run \[options\] FILE\.lua/);
    for (const opt of ['--data', '--id', '--seed']) expect(r.stdout).toContain(opt);
  });

  it('run prints the program\'s output and arguments and exits 0', async () => {
    const file = program('hello.lua', `
      print("hello", select("#", ...), ...)
      io.write("arg0 ", arg[0], "\\n")
      io.stderr:write("to stderr\\n")
    `);
    const d = data();
    const r = await cinder(['run', '--data', d, file, 'one', '--two', '3']);
    expect(r.stderr).toBe('to stderr\n');
    expect(r.stdout).toBe('hello\t3\tone\t--two\t3\narg0 /mnt/host/hello.lua\n');
    expect(r.code).toBe(0);
    expect(existsSync(join(d, 'computers', '0'))).toBe(true);
  });

  it('the exit code of os.exit(3) is the exit code of cinder', async () => {
    const r = await cinder(['run', '--data', data(), program('exit3.lua', 'print("before") os.exit(3) print("after")')]);
    expect(r.stdout).toBe('before\n');
    expect(r.code).toBe(3);
  });

  it('an uncaught error exits 1 with the message and a traceback on stderr', async () => {
    const file = program('fail.lua', 'local function inner()\n  error("kaboom")\nend\ninner()\n');
    const r = await cinder(['run', '--data', data(), file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^\/mnt\/host\/fail\.lua:2: kaboom\nstack traceback:\n/);
    expect(r.stderr).toContain("/mnt/host/fail.lua:2: in local 'inner'");
    expect(r.stderr).toContain('/mnt/host/fail.lua:4: in main chunk');
  });

  it('a syntax error exits 1 with the message', async () => {
    const r = await cinder(['run', '--data', data(), program('syntax.lua', 'this is not lua\n')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("syntax.lua:1: syntax error near 'is'");
  });

  it('a missing file exits 2', async () => {
    const r = await cinder(['run', '--data', data(), join(work, 'does-not-exist.lua')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does-not-exist\.lua: No such file/);
    const none = await cinder(['run', '--data', data()]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing FILE\.lua/);
  });

  it('stdin is piped into the program', async () => {
    const file = program('cat.lua', `
      local n = 0
      for line in io.lines() do n = n + 1 print(n, line) end
      print("eof", io.read())
    `);
    const r = await cinder(['run', '--data', data(), file], { input: 'alpha\nbeta\n\ngamma' });
    expect(r.stdout).toBe('1\talpha\n2\tbeta\n3\t\n4\tgamma\neof\tnil\n');
    expect(r.code).toBe(0);
  });

  it('a program that does not read stdin exits without waiting for it', async () => {
    const file = program('noread.lua', 'print("done")');
    const r = await cinder(['run', '--data', data(), file]);
    expect(r.stdout).toBe('done\n');
    expect(r.code).toBe(0);
  });

  it('--id sets the computer ID; a bad --id exits 2', async () => {
    const file = program('id.lua', 'print(coroutine.yield("syscall", "getcomputerid"))');
    const d = data();
    const r = await cinder(['run', '--data', d, '--id', '7', file]);
    expect(r.stdout).toBe('true\t7\n');
    expect(r.code).toBe(0);
    expect(readdirSync(join(d, 'computers'))).toContain('7');
    for (const bad of ['abc', '1.5', '70000', '-1']) {
      const b = await cinder(['run', '--data', data(), '--id', bad, file]);
      expect(b.code).toBe(2);
      expect(b.stdout).toBe('');
      // ('-1' looks like an option to the parser, which says so instead)
      expect(b.stderr).toMatch(bad === '-1' ? /^cinder run: .*'--id'/ : /^cinder run: --id must be an integer/);
    }
  });

  it('unknown options exit 2', async () => {
    const r = await cinder(['run', '--bogus', program('x.lua', 'print(1)')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cinder run: /);
  });

  it('--seed makes math.random reproducible', async () => {
    const file = program('rand.lua', 'local t = {} for i = 1, 5 do t[i] = math.random(1000000) end print(table.concat(t, ","))');
    const a = await cinder(['run', '--data', data(), '--seed', '5', file]);
    const b = await cinder(['run', '--data', data(), '--seed', '5', file]);
    const c = await cinder(['run', '--data', data(), '--seed', '6', file]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
  });

  it('modules next to the program can be required', async () => {
    program('helper.lua', 'return { greet = function(n) return "hi " .. n end }');
    const file = program('main.lua', 'print(require("helper").greet("there"))');
    const r = await cinder(['run', '--data', data(), file]);
    expect(r.stdout).toBe('hi there\n');
    expect(r.code).toBe(0);
  });

  it('large output arrives complete before cinder exits', async () => {
    const file = program('big.lua', 'for i = 1, 50000 do print("line", i) end');
    const r = await cinder(['run', '--data', data(), file]);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.length).toBe(50001);
    expect(out[49999]).toBe('line\t50000');
  });

  it('cinder exits when the program ends, even if a child process still runs', async () => {
    const file = program('child.lua', 'coroutine.yield("syscall", "fork", function() while true do coroutine.yield() end end)\nprint("main done")');
    const r = await cinder(['run', '--data', data(), file]);
    expect(r.stdout).toBe('main done\n');
    expect(r.code).toBe(0);
  });

  it('a program ended by a signal exits with 128 + the signal', async () => {
    const file = program('term.lua', 'local _, me = coroutine.yield("syscall", "getpid") coroutine.yield("syscall", "kill", me, 15) print("not reached")');
    const r = await cinder(['run', '--data', data(), file]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(143);
  });

  it('an error value with __tostring is shown through it', async () => {
    const file = program('tostr.lua', 'error(setmetatable({}, {__tostring = function() return "custom err" end}))');
    const r = await cinder(['run', '--data', data(), file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^custom err\nstack traceback:\n/);
  });

  it('a program waiting for an event that never comes is reported, not hung', async () => {
    const file = program('wait.lua', 'coroutine.yield()');
    const r = await cinder(['run', '--data', data(), file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('waiting for an event that can never arrive');
  });
});
