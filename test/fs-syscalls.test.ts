// The fs syscalls as Lua programs see them, through coroutine.yield("syscall", ...).
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runLua } from './helpers.js';

const PRELUDE = `
local function sys(name, ...)
  local r = table.pack(coroutine.yield("syscall", name, ...))
  if not r[1] then error(r[2], 0) end
  return table.unpack(r, 2, r.n)
end
local function try(name, ...)
  local r = table.pack(coroutine.yield("syscall", name, ...))
  return table.unpack(r, 1, r.n)
end
`;

async function lua(src: string, opts: Parameters<typeof runLua>[1] = {}) {
  const r = await runLua(PRELUDE + src, opts);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.completion?.error ?? ''}\n--- stdout:\n${r.stdout}`);
  return r;
}

afterAll(() => cleanupTempDirs());

describe('fs syscalls from Lua', () => {
  it('open: write and read handles (dot syntax), errors as nil, message', async () => {
    const r = await lua(`
      local f = sys("open", "/tmp/a.txt", "w")
      f.write("hello ")
      f.write(42)
      f.writeLine("")
      f.writeLine("second")
      f.flush()
      f.close()
      local ok, err = pcall(f.write, "x")
      print("closed", ok, err)
      local r = sys("open", "/tmp/a.txt", "r")
      print("line1", r.readLine())
      print("line2", r.readLine(true))
      print("eof", r.readLine())
      r.close()
      r = sys("open", "/tmp/a.txt")
      print("read", r.read(), r.read(4))
      print("all", r.readAll())
      print("seek?", r.seek)
      r.close()
      local b = sys("open", "/tmp/a.txt", "rb")
      print("byte", b.read(), b.seek("set", 6), b.read(2), b.seek("end"))
      print("badseek", pcall(b.seek, "nowhere"))
      b.close()
      local a = sys("open", "/tmp/a.txt", "a")
      a.write("tail")
      a.close()
      print("size", sys("stat", "/tmp/a.txt").size)
      print("missing", sys("open", "/tmp/none", "r"))
      print("badmode", sys("open", "/tmp/a.txt", "x"))
      print("dir", sys("open", "/tmp", "w"))
      print("badarg", try("open", 42))
    `);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^closed\tfalse\t.*attempt to use a closed file$/);
    expect(lines.slice(1).join('\n')).toBe([
      'line1\thello 42', 'line2\tsecond\n', 'eof\tnil',
      'read\th\tello', 'all\t 42\nsecond\n', 'seek?\tnil',
      'byte\t104\t6\t42\t16',
      "badseek\tfalse\tbad argument #1 to 'seek' (invalid option 'nowhere')",
      'size\t20',
      'missing\tnil\tNo such file or directory',
      'badmode\tnil\tInvalid mode',
      'dir\tnil\tIs a directory',
      "badarg\tfalse\tbad argument #1 to 'open' (string expected, got number)",
      '',
    ].join('\n'));
  });

  it('combine, list, stat, mkdir, remove, rename, link, mkfifo', async () => {
    const r = await lua(`
      print(sys("combine", "/a", "b/../c", "d"), sys("combine", "x", "..", "..", "y"))
      sys("mkdir", "/tmp/d/e")
      local f = sys("open", "/tmp/d/e/f", "w") f.write("12345") f.close()
      print(table.concat(sys("list", "/tmp/d"), ","), table.concat(sys("list", "/tmp/d/e"), ","))
      local st = sys("stat", "/tmp/d/e/f")
      print(st.size, st.type, st.owner, st.mountpoint, type(st.created), type(st.modified),
        st.capacity - st.freeSpace >= 5, st.permissions.root.write, st.worldPermissions.read, st.setuser)
      print("missing", sys("stat", "/tmp/nope"))
      sys("link", "/tmp/d/l", "e/f")
      print(sys("stat", "/tmp/d/l").type, sys("stat", "/tmp/d/l", true).type, sys("stat", "/tmp/d/l", true).link)
      sys("rename", "/tmp/d/e", "/tmp/d/g")
      print(table.concat(sys("list", "/tmp/d"), ","), sys("stat", "/tmp/d/l"))
      print("rename onto existing", try("rename", "/tmp/d/g", "/tmp/d/l"))
      sys("mkfifo", "/tmp/p")
      local w = sys("open", "/tmp/p", "w")
      local rd = sys("open", "/tmp/p", "r")
      w.write("ping\\n")
      print("fifo", sys("stat", "/tmp/p").type, rd.readLine(), rd.readLine())
      w.close() rd.close()
      sys("remove", "/tmp/d")
      sys("remove", "/tmp/d")
      print("gone", sys("stat", "/tmp/d"))
      print("list file", try("list", "/tmp/p"))
    `);
    expect(r.stdout.split('\n')).toEqual([
      '/a/c/d\t../y',
      'e\tf',
      '5\tfile\troot\t/tmp\tnumber\tnumber\ttrue\ttrue\ttrue\tfalse',
      'missing\tnil\tNo such file or directory',
      'file\tlink\te/f',
      'g,l\tnil\tNo such file or directory',
      'rename onto existing\tfalse\tFile exists',
      'fifo\tfifo\tping\tnil',
      'gone\tnil\tNo such file or directory',
      'list file\tfalse\tNot a directory',
      '',
    ]);
  });

  it('relative paths use the working directory', async () => {
    const r = await lua(`
      sys("mkdir", "/tmp/wd")
      print(sys("chdir", "/tmp/wd"))
      local f = sys("open", "rel.txt", "w") f.write("r") f.close()
      print(table.concat(sys("list", "/tmp/wd"), ","), sys("stat", "../wd/rel.txt").size)
    `);
    expect(r.stdout).toBe('true\nrel.txt\t1\n');
  });

  it('chmod and chown, and permissions for a non-root user', async () => {
    const r = await lua(`
      sys("mkdir", "/tmp/bob")
      local f = sys("open", "/tmp/bob/mine", "w") f.write("m") f.close()
      sys("chmod", "/tmp/bob/mine", nil, "r-s")
      local st = sys("stat", "/tmp/bob/mine")
      print(st.worldPermissions.read, st.worldPermissions.write, st.worldPermissions.execute, st.setuser)
      sys("chmod", "/tmp/bob/mine", "alice", { write = true })
      print(sys("stat", "/tmp/bob/mine").permissions.alice.write)
      sys("chmod", "/tmp/bob/mine", nil, 4)
      sys("chmod", "/tmp/bob/mine", nil, "+w")
      print(sys("stat", "/tmp/bob/mine").worldPermissions.write)
      print("bad", try("chmod", "/tmp/bob/mine", nil, "zz"))
      sys("chown", "/tmp/bob/mine", "bob")
      st = sys("stat", "/tmp/bob/mine")
      print(st.owner, st.setuser)
      sys("chown", "/tmp/bob", "bob")
      sys("chmod", "/tmp/bob", "bob", "rwx")
      sys("chmod", "/tmp/bob", nil, "r-x")
    `);
    expect(r.stdout.split('\n')).toEqual([
      'true\tfalse\ttrue\ttrue', 'true', 'true', 'bad\tfalse\tInvalid mode', 'bob\tfalse', '',
    ]);
    const r2 = await lua(`
      print(sys("getuser"))
      local f = sys("open", "/tmp/bob/new", "w") f.write("b") f.close()
      print(sys("stat", "/tmp/bob/new").owner)
      print(sys("open", "/etc-file", "w"))
      sys("chmod", "/tmp/bob/new", nil, "---")
      print(try("chown", "/tmp", "bob") == false)
      print(try("mount", "tmpfs", "", "/tmp/bob"))
      print(try("chroot", "/tmp/bob"))
      print(try("unmount", "/tmp"))
    `, { world: r.world, user: 'bob' });
    expect(r2.stdout.split('\n')).toEqual([
      'bob', 'bob', 'nil\tPermission denied', 'true',
      'false\tPermission denied', 'false\tPermission denied', 'false\tPermission denied', '',
    ]);
    const r3 = await lua(`
      print(sys("open", "/tmp/bob/new", "r"))
      print(try("remove", "/tmp/bob/new"))
    `, { world: r.world, user: 'alice' });
    expect(r3.stdout).toBe('nil\tPermission denied\nfalse\tPermission denied\n');
  });

  it('mount, mountlist, unmount, chroot', async () => {
    const r = await lua(`
      sys("mkdir", "/mnt/ram")
      sys("mount", "tmpfs", "", "/mnt/ram", { capacity = 100 })
      local found
      for _, m in ipairs(sys("mountlist")) do
        if m.path == "/mnt/ram" then found = m.type .. " " .. tostring(m.options.capacity) end
      end
      print(found)
      local f = sys("open", "/mnt/ram/x", "w") f.write(string.rep("x", 50)) f.close()
      print(sys("stat", "/mnt/ram/x").mountpoint, sys("stat", "/mnt/ram").freeSpace)
      local g = sys("open", "/mnt/ram/y", "w")
      print(pcall(g.write, string.rep("y", 60)))
      g.close()
      sys("unmount", "/mnt/ram")
      print(#sys("list", "/mnt/ram"), try("unmount", "/mnt/ram"))
      print(try("mount", "nosuch", "", "/mnt"))
      sys("mkdir", "/srv/share") sys("mkdir", "/mnt/h")
      local s = sys("open", "/srv/share/f", "w") s.write("shared") s.close()
      sys("mount", "craftos", "/srv/share", "/mnt/h", { ro = true })
      local sr = sys("open", "/mnt/h/f", "r") print(sr.readAll()) sr.close()
      print(sys("open", "/mnt/h/g", "w"))
      sys("unmount", "/mnt/h")
      sys("mkdir", "/jail/inner")
      local h = sys("open", "/jail/hello", "w") h.write("in jail") h.close()
      sys("link", "/jail/inner/up", "/hello")
      sys("chroot", "/jail")
      print(table.concat(sys("list", "/"), ","))
      local r = sys("open", "/inner/up", "r")
      print(r.readAll()) r.close()
      print(sys("stat", "/../../hello").size, sys("stat", "/").mountpoint)
      print(#sys("mountlist"))
    `);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('tmpfs 100');
    expect(lines[1]).toBe('/mnt/ram\t50');
    expect(lines[2]).toMatch(/^false\t.*Out of space$/);
    expect(lines.slice(3)).toEqual([
      '0\tfalse\tNot a mount point',
      'false\tUnknown filesystem type',
      'shared',
      'nil\tRead-only filesystem',
      'hello,inner',
      'in jail',
      '7\t/',
      '0',
      '',
    ]);
  });

  it('fsevent delivers change notifications', async () => {
    const r = await lua(`
      sys("mkdir", "/tmp/watched")
      sys("fsevent", "/tmp/watched")
      sys("fsevent", "/tmp/watched/f")
      local f = sys("open", "/tmp/watched/f", "w") f.close()
      sys("remove", "/tmp/watched/f")
      sys("fsevent", "/tmp/watched", false)
      sys("mkdir", "/tmp/watched/quiet")
      sys("fsevent", "/tmp/watched/f", false)
      local n = 0
      while n < 4 do
        local name, p = coroutine.yield()
        if name == "fsevent" then
          n = n + 1
          print(p.event, p.path, p.name, p.process == sys("getpid"))
        end
      end
    `);
    expect(r.stdout.split('\n')).toEqual([
      'open\t/tmp/watched/f\tnil\ttrue',
      'open_child\t/tmp/watched\tf\ttrue',
      'remove\t/tmp/watched/f\tnil\ttrue',
      'remove_child\t/tmp/watched\tf\ttrue',
      '',
    ]);
  });

  it('files left open are committed when the process exits', async () => {
    const r = await lua(`
      local f = sys("open", "/tmp/unclosed", "w")
      f.write("kept")
    `);
    expect(Buffer.from(r.computer.vfs.readFile({ user: 'root' }, '/tmp/unclosed')).toString()).toBe('kept');
  });
});
