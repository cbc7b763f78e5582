// The file programs of /rom/bin: basic use and the bad-argument path of
// each (usage on stderr, non-zero status).
import { describe, it, expect, afterAll } from 'vitest';
import { cleanupTempDirs } from './helpers.js';
import { sh, shOk } from './shell-helpers.js';

afterAll(() => cleanupTempDirs());

/** Every program prints its usage and exits 2 on an unknown option. */
async function badOption(cmd: string, usage: RegExp = /usage: /) {
  const r = await sh(cmd);
  expect(r.code, cmd).toBe(2);
  expect(r.stderr, cmd).toMatch(usage);
  expect(r.stdout, cmd).toBe('');
}

describe('echo', () => {
  it('prints its arguments; -n and -e', async () => {
    expect(await shOk('echo a  b; echo -n x; echo; echo -e "t\\tn\\\\n"; echo -e "a\\cb"; echo -E "x\\ty"; echo -z')).toBe('a b\nx\nt\tn\n\nax\\ty\n-z\n');
  });
  it('--help prints the usage', async () => {
    expect(await shOk('echo --help')).toMatch(/^usage: echo/);
  });
});

describe('cat', () => {
  it('prints files and stdin; -n numbers lines', async () => {
    const out = await shOk('echo one > /tmp/a; echo two > /tmp/b; cat /tmp/a /tmp/b; echo in | cat /tmp/a - /tmp/b; cat -n /tmp/a /tmp/b');
    expect(out).toBe('one\ntwo\none\nin\ntwo\n     1\tone\n     2\ttwo\n');
  });
  it('a missing file or a directory is an error (status 1); bad options give usage', async () => {
    const r = await sh('echo ok > /tmp/a; cat /tmp/nope /tmp/a /tmp');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('ok\n');
    expect(r.stderr).toBe('cat: /tmp/nope: No such file or directory\ncat: /tmp: Is a directory\n');
    await badOption('cat -x');
  });
});

describe('ls', () => {
  it('lists names one per line when not on a terminal; -a adds dot files', async () => {
    const out = await shOk('mkdir /tmp/d; touch /tmp/d/b /tmp/d/a /tmp/d/.h; ls /tmp/d; ls -a /tmp/d; ls /tmp/d/a');
    expect(out).toBe('a\nb\n.\n..\n.h\na\nb\n/tmp/d/a\n');
  });
  it('-l shows type, permissions, owner and size', async () => {
    const out = await shOk('mkdir /tmp/d; echo hello > /tmp/d/f; ls -l /tmp/d');
    expect(out).toMatch(/^-rw.... root 6 \w{3} \d\d \d\d:\d\d f\n$/);
    const dir = await shOk('ls -l / | grep tmp');
    expect(dir).toMatch(/^d[rwx-]{6} \S+ +\d+ .* tmp\n$/);
  });
  it('several directories get headers', async () => {
    expect(await shOk('mkdir -p /tmp/x /tmp/y; touch /tmp/x/1 /tmp/y/2; ls /tmp/x /tmp/y')).toBe('/tmp/x:\n1\n\n/tmp/y:\n2\n');
  });
  it('missing paths give status 2; bad options give usage', async () => {
    const r = await sh('ls /nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("ls: cannot access '/nope': No such file or directory\n");
    await badOption('ls -Z');
  });
});

describe('cp', () => {
  it('copies files, into directories, and trees with -r', async () => {
    const out = await shOk(`
      echo data > /tmp/f; cp /tmp/f /tmp/g; cat /tmp/g
      mkdir /tmp/d; cp /tmp/f /tmp/g /tmp/d; ls /tmp/d
      echo new > /tmp/h; cp /tmp/h /tmp/g; cat /tmp/g
      mkdir -p /tmp/t/sub; echo deep > /tmp/t/sub/x; cp -r /tmp/t /tmp/t2; cat /tmp/t2/sub/x
    `);
    expect(out).toBe('data\nf\ng\nnew\ndeep\n');
  });
  it('refuses directories without -r and copies into themselves; usage on bad arguments', async () => {
    const r = await sh('mkdir /tmp/d; cp /tmp/d /tmp/e; echo $?; cp -r /tmp/d /tmp/d/in; echo $?; cp /tmp/nope /tmp/x; echo $?');
    expect(r.stdout).toBe('1\n1\n1\n');
    expect(r.stderr).toBe("cp: -r not specified; omitting directory '/tmp/d'\ncp: cannot copy a directory, '/tmp/d', into itself, '/tmp/d/in'\ncp: cannot stat '/tmp/nope': No such file or directory\n");
    await badOption('cp /tmp/only');
    await badOption('cp -q a b');
    const t = await sh('echo a > /tmp/a; echo b > /tmp/b; cp /tmp/a /tmp/b /tmp/c; echo $?');
    expect(t.stdout).toBe('1\n');
    expect(t.stderr).toBe("cp: target '/tmp/c' is not a directory\n");
  });
});

describe('mv', () => {
  it('renames, replaces files and moves into directories', async () => {
    const out = await shOk('echo 1 > /tmp/a; mv /tmp/a /tmp/b; cat /tmp/b; ls /tmp | grep -c "^a$"; echo 2 > /tmp/c; mv /tmp/c /tmp/b; cat /tmp/b; mkdir /tmp/d; mv /tmp/b /tmp/d; ls /tmp/d');
    expect(out).toBe('1\n0\n2\nb\n');
  });
  it('moves between mounts by copying', async () => {
    expect(await shOk('echo x > /tmp/a; mv /tmp/a /moved; cat /moved; ls /tmp | grep -c "^a$"; true')).toBe('x\n0\n');
  });
  it('errors and usage', async () => {
    const r = await sh('mv /tmp/nope /tmp/x; echo $?; mkdir /tmp/d; mv /tmp/d /tmp/d/sub; echo $?');
    expect(r.stdout).toBe('1\n1\n');
    expect(r.stderr).toBe("mv: cannot stat '/tmp/nope': No such file or directory\nmv: cannot move '/tmp/d' to a subdirectory of itself, '/tmp/d/sub'\n");
    await badOption('mv one');
    const t = await sh('echo a > /tmp/a; echo b > /tmp/b; mv /tmp/a /tmp/b /tmp/c; echo $?; cat /tmp/a');
    expect(t.stdout).toBe('1\na\n');
    expect(t.stderr).toBe("mv: target '/tmp/c' is not a directory\n");
  });
});

describe('rm', () => {
  it('removes files; -r removes directories; -f ignores missing files', async () => {
    const out = await shOk('touch /tmp/a; mkdir -p /tmp/d/e; rm /tmp/a; rm -r /tmp/d; rm -f /tmp/nope; rm -rf /tmp/nope2; ls /tmp | grep -v "^test-"; true');
    expect(out).toBe('');
  });
  it('errors: missing file, directory without -r, / and ..; usage', async () => {
    const r = await sh('mkdir /tmp/d; rm /tmp/nope; echo $?; rm /tmp/d; echo $?; rm -rf /; echo $?; rm -r /tmp/d/..; echo $?; ls /tmp | grep -v "^test-"');
    expect(r.stdout).toBe('1\n1\n1\n1\nd\n');
    expect(r.stderr).toBe("rm: cannot remove '/tmp/nope': No such file or directory\nrm: cannot remove '/tmp/d': Is a directory\nrm: refusing to remove '/'\nrm: refusing to remove '/tmp/d/..'\n");
    await badOption('rm');
    await badOption('rm -y x');
  });
});

describe('mkdir, touch, pwd', () => {
  it('mkdir makes directories; -p makes parents and accepts existing ones', async () => {
    expect(await shOk('mkdir /tmp/a; mkdir -p /tmp/b/c/d; mkdir -p /tmp/a; ls /tmp /tmp/b/c | grep -v "^test-"')).toBe('/tmp:\na\nb\n\n/tmp/b/c:\nd\n');
  });
  it('mkdir errors: existing, missing parent; usage', async () => {
    const r = await sh('mkdir /tmp/a; mkdir /tmp/a; echo $?; mkdir /tmp/x/y; echo $?');
    expect(r.stdout).toBe('1\n1\n');
    expect(r.stderr).toBe("mkdir: cannot create directory '/tmp/a': File exists\nmkdir: cannot create directory '/tmp/x/y': No such file or directory\n");
    await badOption('mkdir');
  });
  it('touch creates empty files and keeps existing content', async () => {
    expect(await shOk('echo keep > /tmp/k; touch /tmp/k /tmp/new; cat /tmp/k; wc -c /tmp/new')).toBe('keep\n      0 /tmp/new\n');
    const r = await sh('touch /nodir/x');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('touch: /nodir/x: No such file or directory\n');
    await badOption('touch');
  });
  it('pwd prints the working directory', async () => {
    expect(await shOk('pwd; cd /rom/bin; pwd')).toBe('/\n/rom/bin\n');
    await badOption('/rom/bin/pwd extra');
  });
});

describe('chmod, chown', () => {
  it('chmod with octal and symbolic modes', async () => {
    const out = await shOk(`
      touch /tmp/f; chmod 750 /tmp/f; ls -l /tmp/f | cut_=1 lua -e 'print(io.read("l"):sub(1, 7))'
      chmod o+r /tmp/f; ls -l /tmp/f | lua -e 'print(io.read("l"):sub(1, 7))'
      chmod u-w /tmp/f; ls -l /tmp/f | lua -e 'print(io.read("l"):sub(1, 7))'
      chmod r-x /tmp/f; ls -l /tmp/f | lua -e 'print(io.read("l"):sub(1, 7))'
    `);
    expect(out).toBe('-rwx---\n-rwxr--\n-r-xr--\n-r-xr-x\n');
  });
  it('chmod errors and usage', async () => {
    const r = await sh('chmod 7 /tmp/nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("chmod: cannot access '/tmp/nope': No such file or directory\n");
    await badOption('chmod zz /tmp');
    await badOption('chmod 7');
  });
  it('chmod -R changes a whole tree; a missing operand does not stop the others', async () => {
    const r = await sh(`
      mkdir -p /tmp/t/a/b; touch /tmp/t/a/f /tmp/t/a/b/g
      chmod -R 700 /tmp/nope /tmp/t
      { ls -l /tmp | grep ' t$'; ls -l /tmp/t; ls -l /tmp/t/a; ls -l /tmp/t/a/b; } | lua -e 'for l in io.stdin:lines() do print(l:sub(1, 7)) end'
    `);
    expect(r.stderr).toBe("chmod: cannot access '/tmp/nope': No such file or directory\n");
    // /tmp/t; a; a/b and a/f; a/b/g
    expect(r.stdout).toBe('drwx---\ndrwx---\ndrwx---\n-rwx---\n-rwx---\n');
  });
  it('chown changes the owner (-R recursively)', async () => {
    const out = await shOk('mkdir -p /tmp/d; touch /tmp/d/f; chown -R alice /tmp/d; ls -l /tmp/d | lua -e "print(io.read(\'l\'):match(\'^%S+ (%S+)\'))"');
    expect(out).toBe('alice\n');
    const r = await sh('chown bob /tmp/nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("chown: cannot access '/tmp/nope': No such file or directory\n");
    const deep = await shOk('mkdir -p /tmp/e/x/y; touch /tmp/e/x/y/z; chown -R carol /tmp/e; ls -l /tmp/e/x/y | lua -e "print(io.read(\'l\'):match(\'^%S+ (%S+)\'))"');
    expect(deep).toBe('carol\n');
    await badOption('chown bob');
  });
});

describe('mount, umount', () => {
  it('lists mounts and mounts a tmpfs', async () => {
    const out = await shOk('mount | grep -c " on /rom type "; mkdir /mnt; mount tmpfs none /mnt; mount | grep " on /mnt "; touch /mnt/x; umount /mnt; ls /mnt');
    expect(out).toBe('1\nnone on /mnt type tmpfs\n');
    expect(await shOk('mkdir /m2; mount -t tmpfs -r x /m2; mount | grep /m2')).toBe('x on /m2 type tmpfs (ro)\n');
  });
  it('errors and usage', async () => {
    const r = await sh('mount tmpfs none /nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mount: /);
    await badOption('mount tmpfs only');
    await badOption('mount -q');
    await badOption('umount');
    const u = await sh('umount /tmp/nothing');
    expect(u.code).toBe(1);
  });
});

describe('grep, head, tail, wc', () => {
  it('filter text', async () => {
    const out = await shOk(`
      lua -e 'for i = 1, 12 do print("line " .. i) end' > /tmp/n
      grep "1$" /tmp/n; grep -c line /tmp/n; grep -v e /tmp/n; grep -n -i "LINE 2" /tmp/n
      head -n 2 /tmp/n; head -1 /tmp/n; tail -n 2 /tmp/n; cat /tmp/n | tail -1
      wc -l /tmp/n; echo "a b  c" | wc
    `);
    expect(out).toBe('line 1\nline 11\n12\n2:line 2\nline 1\nline 2\nline 1\nline 11\nline 12\nline 12\n     12 /tmp/n\n      1       3       7\n');
  });
  it('head and tail: several files with headers, "-" for standard input, missing files', async () => {
    const r = await sh(`
      lua -e 'for i = 1, 5 do print(i) end' > /tmp/n
      echo x | head -n 1 /tmp/n - /nope; echo $?
      echo -e "p\\nq\\nr" | tail -2 - /tmp/n; echo $?
    `);
    expect(r.stdout).toBe('==> /tmp/n <==\n1\n\n==> - <==\nx\n\n==> /nope <==\n1\n==> - <==\nq\nr\n\n==> /tmp/n <==\n4\n5\n0\n');
    expect(r.stderr).toBe('head: /nope: No such file or directory\n');
  });
  it('statuses and usage', async () => {
    const r = await sh('echo a | grep -q b; echo $?; echo a | grep -q a; echo $?; grep x /nope; echo $?');
    expect(r.stdout).toBe('1\n0\n2\n');
    await badOption('grep');
    await badOption('grep -Z x');
    await badOption('head -n x');
    await badOption('tail -q');
    await badOption('head -n 2.5', /^head: invalid number of lines\nusage: head/);
    await badOption('tail -n 1.5', /^tail: invalid number of lines\nusage: tail/);
    await badOption('wc -q');
  });
});
