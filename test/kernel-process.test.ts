// Processes and threads (reference/phoenix.md §1.3, §2.1): identity, users,
// environment, fork/newthread, isolation of globals, completion, exec.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runLua } from './helpers.js';
import { lines, luaRunner } from './lua-prelude.js';

const lua = luaRunner();


afterAll(() => cleanupTempDirs());

describe('process identity', () => {
  it('getpid, getppid, getname, getcwd, chdir', async () => {
    const r = await lua(`
      print(sys("getpid"), sys("getppid"), sys("getname"), sys("getcwd"))
      print(try("chdir", "/tmp"))
      print(sys("getcwd"))
      print(try("chdir", "/nonexistent"))
      writeFile("/tmp/file", "x")
      print(try("chdir", "/tmp/file"))
      print(try("chdir", ".."))
      print(sys("getcwd"))
    `, { path: '/tmp/ident.lua' });
    expect(r.stdout).toBe(lines(
      '2\t1\tident\t/', 'true\ttrue', '/tmp', 'true\tfalse\tNo such file or directory', 'true\tfalse\tNot a directory', 'true\ttrue', '/',
    ));
  });

  it('getuser and setuser (root only)', async () => {
    const r = await lua(`
      print(sys("getuser"))
      local pid = sys("fork", function()
        print("setuser", try("setuser", "bob"))
        print("now", sys("getuser"))
        print("back to root", try("setuser", "root"))
        print("still", sys("getuser"))
      end)
      waitfor(pid)
      print("parent", sys("getuser"))
    `);
    expect(r.stdout).toBe(lines(
      'root', 'setuser\ttrue', 'now\tbob', 'back to root\tfalse\tPermission denied', 'still\tbob', 'parent\troot',
    ));
  });

  it('a program started as another user is not root', async () => {
    const r = await lua(`
      print(sys("getuser"))
      print(try("setuser", "root"))
    `, { user: 'alice' });
    expect(r.stdout).toBe(lines('alice', 'false\tPermission denied'));
  });

  it('getenv is the live table; a child gets a copy; getfenv is _G', async () => {
    const r = await lua(`
      local env = sys("getenv")
      print(env.PATH, env.HOME)
      env.FOO = "bar"
      print(sys("getenv").FOO, os.getenv("FOO"), sys("getenv") == env)
      print(sys("getfenv") == _G)
      local pid = sys("fork", function()
        local e = sys("getenv")
        print("child sees", e.FOO, e == env)
        e.FOO = "child"
        e.NEW = "x"
        print("child now", sys("getenv").FOO)
      end)
      waitfor(pid)
      print("parent keeps", env.FOO, env.NEW)
    `);
    expect(r.stdout).toBe(lines(
      '/bin:/usr/bin:/rom/bin\t/', 'bar\tbar\ttrue', 'true', 'child sees\tbar\tfalse', 'child now\tchild', 'parent keeps\tbar\tnil',
    ));
  });
});

describe('fork and threads', () => {
  it('fork passes arguments and a name; the child runs with a fresh environment', async () => {
    const r = await lua(`
      myglobal = 42
      local pid = sys("fork", function(a, b)
        print("child", a, b, sys("getname"), sys("getppid"), sys("getpid"), myglobal, sys("getfenv") == _G)
        return "r1", 2
      end, "kid", "A", "B")
      print("forked", pid)
      local p = waitfor(pid)
      print(dump(p))
      local pid2 = sys("fork", function() print("default name", sys("getname")) end)
      waitfor(pid2)
    `, { path: '/tmp/forker.lua' });
    expect(r.stdout).toBe(lines(
      'forked\t3',
      'child\tA\tB\tkid\t2\t3\tnil\ttrue',
      '1=r1,2=2,id=3,n=2,pid=3,result=0,thread=0,value=r1',
      'default name\tforker',
    ));
  });

  it('globals and type metatables are per process', async () => {
    const r = await lua(`
      shared = "parent"
      string.x = 1
      print("parent", ("").x, string.x)
      local pid = sys("fork", function()
        print("child sees", shared, string.x, ("").x)
        string.y = 2
        shared = "child"
        print("child own", string.y, ("abc").y)
      end)
      waitfor(pid)
      print("parent after", shared, string.y, ("").y, ("").x)
      print("upper still works", ("abc"):upper())
    `);
    expect(r.stdout).toBe(lines(
      'parent\t1\t1', 'child sees\tnil\tnil\tnil', 'child own\t2\t2', 'parent after\tparent\tnil\tnil\t1', 'upper still works\tABC',
    ));
  });

  it('replacing the string library in one process does not break another', async () => {
    const r = await lua(`
      local pid = sys("fork", function()
        string.upper = function() return "hacked" end
        getmetatable("").__index = { len = function() return -1 end }
        print("child", ("x"):len())
      end)
      waitfor(pid)
      print("parent", ("abc"):upper(), ("abc"):len())
    `);
    expect(r.stdout).toBe(lines('child\t-1', 'parent\tABC\t3'));
  });

  it('newthread shares globals and the process; the process lives while any thread does', async () => {
    const r = await lua(`
      shared = 0
      local tid = sys("newthread", function(x)
        shared = x
        print("in thread", x, sys("getpid"))
      end, 5)
      print("tid", tid)
      while shared == 0 do coroutine.yield("preempt") end
      print("shared", shared)
      local tid2 = sys("newthread", function() coroutine.yield("preempt") print("last thread") return "late" end)
      print("tid2", tid2)
    `);
    expect(r.stdout).toBe(lines('tid\t1', 'in thread\t5\t2', 'shared\t5', 'tid2\t2', 'last thread'));
    expect(r.completion).toMatchObject({ code: 0, values: ['late'], thread: 2 });
  });

  it('table arguments of newthread and fork keep their identity', async () => {
    const r = await lua(`
      local t = {}
      local f = function() end
      sys("newthread", function(a, b) print("thread", a == t, b == f) end, t, f)
      coroutine.yield("preempt") coroutine.yield("preempt")
      waitfor(sys("fork", function(a, b) print("fork", a == t, b == f) end, "x", t, f))
    `);
    expect(r.stdout).toBe(lines('thread\ttrue\ttrue', 'fork\ttrue\ttrue'));
  });

  it('threads share the event queue: every waiting thread gets the same event', async () => {
    const r = await lua(`
      local got = {}
      for i = 1, 2 do
        sys("newthread", function()
          local e, p = coroutine.yield()
          got[#got + 1] = i .. ":" .. e .. ":" .. p.n
          p.n = 99
        end)
      end
      coroutine.yield("preempt") coroutine.yield("preempt")
      sys("queueEvent", "ev", {n = 1})
      while #got < 2 do coroutine.yield("preempt") end
      table.sort(got)
      print(table.concat(got, ","))
    `);
    expect(r.stdout).toBe(lines('1:ev:1,2:ev:1'));
  });
});

describe('completion', () => {
  it('exit codes: exit(n), os.exit, return, uncaught error', async () => {
    const r = await lua(`
      local p = waitfor(sys("fork", function() sys("exit", 7) print("not reached") end))
      print("exit", dump(p))
      p = waitfor(sys("fork", function() os.exit(3) end))
      print("os.exit", p.result, p.value)
      p = waitfor(sys("fork", function() sys("exit") end))
      print("exit()", p.result)
      p = waitfor(sys("fork", function() return nil, "x", nil end))
      print("return", p.result, p.n, p[1], p[2], p[3], p.value)
    `);
    expect(r.stdout).toBe(lines(
      'exit\t1=7,id=3,n=1,pid=3,result=7,thread=0,value=7',
      'os.exit\t3\t3',
      'exit()\t0',
      'return\t0\t3\tnil\tx\tnil\tnil',
    ));
  });

  it('exit from any thread ends the whole process', async () => {
    const r = await lua(`
      local pid = sys("fork", function()
        sys("newthread", function() sys("exit", 9) end)
        while true do coroutine.yield() end
      end)
      print(dump(waitfor(pid)))
    `);
    expect(r.stdout).toBe(lines('1=9,id=3,n=1,pid=3,result=9,thread=1,value=9'));
  });

  it('an orphan is adopted by init', async () => {
    const r = await lua(`
      local me = sys("getpid")
      local parent = sys("fork", function()
        sys("fork", function()
          for i = 1, 3 do coroutine.yield("preempt") end
          sys("sendEvent", me, "orphan", sys("getppid"))
        end)
      end)
      waitfor(parent)
      local e, p = coroutine.yield()
      print(e, p.data)
    `);
    expect(r.stdout).toBe(lines('remote_event\t1'));
  });

  it('an uncaught error completes with error and traceback, and is written to stderr', async () => {
    const r = await lua(`
      local pid = sys("fork", function() local function inner() error("boom") end inner() end)
      local p = waitfor(pid)
      print(p.result, p.n, p.thread, p.value)
      print(p.error)
      print(p.traceback)
      local p2 = waitfor(sys("fork", function() error({code = 1}) end))
      print(p2.result, type(p2.error))
      local p3 = waitfor(sys("fork", function() error("no position", 0) end))
      print(p3.error)
    `, { path: '/tmp/err.lua' });
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('1\t0\t0\tnil');
    expect(out[1]).toMatch(/^\/tmp\/err\.lua:\d+: boom$/);
    expect(out[2]).toBe('stack traceback:');
    expect(r.stdout).toMatch(/\/tmp\/err\.lua:\d+: in (local|function) 'inner'/);
    expect(r.stdout).toContain('\nno position\n');
    expect(r.stdout).toMatch(/\n1\tstring\n/);
    expect(r.stderr).toMatch(/^\/tmp\/err\.lua:\d+: boom\nstack traceback:\n/);
  });

  it('the top-level program\'s completion carries its exit code and error', async () => {
    const ok = await runLua('return 1, "two"');
    expect(ok.completion).toMatchObject({ code: 0, values: [1, 'two'], thread: 0 });
    const exited = await runLua('coroutine.yield("syscall", "exit", 42)');
    expect(exited.code).toBe(42);
    const failed = await runLua('error("bad thing")', { path: '/tmp/fail.lua' });
    expect(failed.code).toBe(1);
    expect(failed.completion?.error).toBe('/tmp/fail.lua:1: bad thing');
    expect(failed.completion?.traceback).toMatch(/^stack traceback:\n/);
    expect(failed.stderr).toMatch(/^\/tmp\/fail\.lua:1: bad thing\nstack traceback:\n/);
  });

  it('getplist and getpinfo', async () => {
    const r = await lua(`
      local child = sys("fork", function() while true do coroutine.yield() end end, "sleeper")
      coroutine.yield("preempt") coroutine.yield("preempt")
      print(table.concat(sys("getplist"), ","))
      print(try("getpinfo", 999))
      local i = sys("getpinfo", sys("getpid"))
      print(i.id, i.name, i.user, i.parent, i.dir, i.stdin, i.stdout, i.stderr, type(i.cputime), type(i.systime), i.nice, i.paused)
      print(i.threads[1].id, i.threads[1].name, i.threads[1].status)
      local c = sys("getpinfo", child)
      print(c.id, c.name, c.parent, c.threads[1].status)
      sys("kill", child, 9)
      waitfor(child)
      print(table.concat(sys("getplist"), ","))
      print(try("getpinfo", child))
    `, { path: '/tmp/plist.lua' });
    expect(r.stdout).toBe(lines(
      '1,2,3',
      'true\tnil\tNo such process',
      '2\tplist\troot\t1\t/\tstdin\tstdout\tstderr\tnumber\tnumber\t0\tfalse',
      '0\tmain\trunning',
      '3\tsleeper\t2\twaiting',
      '1,2',
      'true\tnil\tNo such process',
    ));
  });

  it('nice: range, root checks, unknown pid', async () => {
    const r = await lua(`
      print(try("nice", 21))
      print(try("nice", -21))
      print(try("nice", 5))
      print(sys("getpinfo", sys("getpid")).nice)
      print(try("nice", -5))
      print(try("nice", 0, 999))
      local me = sys("getpid")
      local pid = sys("fork", function()
        sys("setuser", "bob")
        print("user negative", try("nice", -1))
        print("user positive", try("nice", 3))
        print("user other's process", try("nice", 1, me))
        print(sys("getpinfo", sys("getpid")).nice)
      end)
      waitfor(pid)
    `);
    expect(r.stdout).toBe(lines(
      "false\tbad argument #1 to 'nice' (level out of range)",
      "false\tbad argument #1 to 'nice' (level out of range)",
      'true',
      '5',
      'true',
      'false\tNo such process',
      'user negative\tfalse\tPermission denied',
      'user positive\ttrue',
      "user other's process\tfalse\tPermission denied",
      '3',
    ));
  });

  it('a failing or endless atexit function does not stop the process from ending', async () => {
    const r = await lua(`
      print(waitfor(sys("fork", function() sys("atexit", function() error("atexit err") end) end)).result)
      print(waitfor(sys("fork", function() sys("atexit", function() while true do end end) end)).result)
      print("alive")
    `);
    expect(r.stdout).toBe(lines('0', '0', 'alive'));
  });

  it('atexit functions run when the process ends (exit, return or error)', async () => {
    const r = await lua(`
      local p = waitfor(sys("fork", function()
        sys("atexit", function() print("atexit 1", sys("getpid")) end)
        sys("atexit", function() print("atexit 2") end)
        sys("exit", 4)
      end))
      print("complete", p.result)
      waitfor(sys("fork", function() sys("atexit", function() print("after return") end) return 1 end))
      waitfor(sys("fork", function() sys("atexit", function() print("after error") end) error("x", 0) end))
      print(try("atexit", 5))
    `);
    expect(r.stdout).toBe(lines(
      'atexit 1\t3', 'atexit 2', 'complete\t4', 'after return', 'after error',
      "false\tbad argument #1 to 'atexit' (function expected, got number)",
    ));
  });
});

describe('exec', () => {
  const RUN = `
    local function run(path, ...)
      local args = table.pack(...)
      local pid = sys("fork", function()
        local ok, err = coroutine.yield("syscall", "exec", path, table.unpack(args, 1, args.n))
        print("exec returned", ok, err)
      end, "execer")
      return waitfor(pid)
    end
  `;

  it('runs a file with a fresh environment, args in ... and arg, keeping the PID', async () => {
    const r = await lua(RUN + `
      writeFile("/tmp/prog.lua", "print('prog', sys, ...) print('arg', arg[0], arg[1], #arg) print('pid', coroutine.yield('syscall', 'getpid')) return 'done'")
      local p = run("/tmp/prog", "a", "b")
      print("complete", p.id, p.result, p.value, p.n)
      local pid = sys("fork", function() sys("exec", "/tmp/prog.lua") end)
      print(pid, waitfor(pid).value)
    `);
    expect(r.stdout).toBe(lines(
      'prog\tnil\ta\tb', 'arg\t/tmp/prog.lua\ta\t2', 'pid\ttrue\t3', 'complete\t3\t0\tdone\t1',
      'prog\tnil', 'arg\t/tmp/prog.lua\tnil\t0', 'pid\ttrue\t4', '4\tdone',
    ));
  });

  it('the process name becomes the program name', async () => {
    const r = await lua(RUN + `
      writeFile("/tmp/named.lua", "print(coroutine.yield('syscall', 'getname'))")
      run("/tmp/named.lua")
    `);
    expect(r.stdout).toBe(lines('true\tnamed'));
  });

  it('Lua shebangs are stripped; other shebangs run the interpreter with the script path', async () => {
    const r = await lua(RUN + `
      writeFile("/tmp/s1", "#!/usr/bin/env lua\\nprint('env lua', ...)")
      writeFile("/tmp/s2", "#!/bin/lua\\nprint('bin lua', ...)")
      writeFile("/tmp/s3", "#!/usr/bin/lua\\nprint('usr bin lua', ...)")
      writeFile("/tmp/interp.lua", "print('interp', select('#', ...), ...)")
      writeFile("/tmp/script.txt", "#!/tmp/interp.lua -x\\nthis is not lua")
      run("/tmp/s1", "x")
      run("/tmp/s2", "y")
      run("/tmp/s3")
      run("/tmp/script.txt", "z")
    `);
    expect(r.stdout).toBe(lines('env lua\tx', 'bin lua\ty', 'usr bin lua', 'interp\t3\t-x\t/tmp/script.txt\tz'));
  });

  it('failures: missing file, directory, binary chunk, syntax error, recursive shebang', async () => {
    const r = await lua(RUN + `
      writeFile("/tmp/binary.lua", string.char(27) .. "Lua garbage")
      writeFile("/tmp/syntax.lua", "this is not lua")
      writeFile("/tmp/loop", "#!/tmp/loop\\n")
      run("/tmp/missing")
      run("/tmp")
      run("/tmp/binary.lua")
      run("/tmp/syntax.lua")
      run("/tmp/loop")
    `);
    expect(r.stdout).toBe(lines(
      'exec returned\tfalse\t/tmp/missing: No such file or directory',
      'exec returned\tfalse\t/tmp: Is a directory',
      'exec returned\tfalse\t/tmp/binary.lua: attempt to load a binary chunk',
      "exec returned\tfalse\t/tmp/syntax.lua:1: syntax error near 'is'",
      'exec returned\tfalse\t/tmp/loop: Recursive shebang',
    ));
  });

  it('execute permission is needed (root bypasses it); chdir needs it on directories', async () => {
    const r = await lua(RUN + `
      writeFile("/tmp/noexec.lua", "print('ran noexec')")
      sys("chmod", "/tmp/noexec.lua", nil, 4)
      sys("mkdir", "/tmp/private")
      sys("chmod", "/tmp/private", nil, 0)
      waitfor(sys("fork", function()
        sys("setuser", "alice")
        print("alice exec", try("exec", "/tmp/noexec.lua"))
        print("alice chdir", try("chdir", "/tmp/private"))
      end))
      run("/tmp/noexec.lua")
    `);
    expect(r.stdout).toBe(lines(
      'alice exec\tfalse\t/tmp/noexec.lua: Permission denied', 'alice chdir\ttrue\tfalse\tPermission denied', 'ran noexec',
    ));
  });

  it('a setuser program runs as its owner and getuser reports the real user', async () => {
    const r = await lua(RUN + `
      writeFile("/tmp/suid.lua", "print('suid', coroutine.yield('syscall', 'getuser')) print('global', myglobal)")
      sys("chmod", "/tmp/suid.lua", nil, {read = true, execute = true, setuser = true})
      writeFile("/tmp/plain.lua", "print('plain', coroutine.yield('syscall', 'getuser'))")
      sys("chmod", "/tmp/plain.lua", nil, "+rx")
      waitfor(sys("fork", function() sys("setuser", "alice") myglobal = 1 sys("exec", "/tmp/suid.lua") end))
      waitfor(sys("fork", function() sys("setuser", "alice") sys("exec", "/tmp/plain.lua") end))
    `);
    expect(r.stdout).toBe(lines('suid\ttrue\troot\talice', 'global\tnil', 'plain\ttrue\talice'));
  });

  it('exec resets signal handlers and atexit functions', async () => {
    const r = await lua(`
      local me = sys("getpid")
      writeFile("/tmp/waiter.lua", "coroutine.yield('syscall', 'sendEvent', " .. me .. ", 'ready') while true do coroutine.yield() end")
      local pid = sys("fork", function()
        sys("signal", 15, function() print("old handler ran") end)
        sys("atexit", function() print("old atexit ran") end)
        sys("exec", "/tmp/waiter.lua")
      end)
      repeat local e = coroutine.yield() until e == "remote_event"
      sys("kill", pid, 15)
      for i = 1, 4 do coroutine.yield("preempt") end
      local alive = sys("getpinfo", pid) ~= nil
      if alive then sys("kill", pid, 9) end
      print("result", waitfor(pid).result)
    `);
    expect(r.stdout).toBe(lines('result\t143'));
  });

  it('a binary chunk made by string.dump is refused', async () => {
    const r = await lua(RUN + `
      writeFile("/tmp/dumped.lua", string.dump(function() print("should not run") end))
      run("/tmp/dumped.lua")
    `);
    expect(r.stdout).toBe(lines('exec returned\tfalse\t/tmp/dumped.lua: attempt to load a binary chunk'));
  });
});
