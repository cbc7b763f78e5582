// Unit tests of the VFS (kernel/fs) against temporary host folders.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { VirtualClock } from '../kernel/clock.js';
import { createComputerVfs, FsChange, FsError, Vfs, fspath, TmpFs } from '../kernel/fs/index.js';

const root = { user: 'root' };
const bob = { user: 'bob' };
const alice = { user: 'alice' };
const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('latin1'));

let tmp: string;
let clock: VirtualClock;
let events: FsChange[];

function dirs() {
  const data = nodePath.join(tmp, 'data');
  const rom = nodePath.join(tmp, 'rom');
  const lib = nodePath.join(tmp, 'lib');
  fs.mkdirSync(rom, { recursive: true });
  fs.mkdirSync(lib, { recursive: true });
  return { data, rom, lib, hostRoot: nodePath.join(data, 'computers', '0'), metaFile: nodePath.join(data, 'computers', '0.meta.json') };
}

function make(capacity?: number): Vfs {
  const d = dirs();
  return createComputerVfs({ dataDir: d.data, computerId: 0, romDir: d.rom, libsystemDir: d.lib, clock, onChange: (ev) => events.push(ev), capacity });
}

function errOf(fn: () => unknown): string {
  try { fn(); } catch (e) { if (e instanceof FsError) return e.message; throw e; }
  return 'no error';
}

function walkHost(dir: string): string[] {
  const out: string[] = [];
  for (const n of fs.readdirSync(dir)) {
    const p = nodePath.join(dir, n);
    out.push(p);
    if (fs.lstatSync(p).isDirectory()) out.push(...walkHost(p));
  }
  return out;
}

beforeEach(() => {
  tmp = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'cinder-fs-'));
  clock = new VirtualClock();
  events = [];
});
afterEach(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

describe('paths', () => {
  it('normalises and clamps at the root', () => {
    expect(fspath.normalize('/a/./b/../c')).toBe('/a/c');
    expect(fspath.normalize('../../etc/passwd')).toBe('/etc/passwd');
    expect(fspath.normalize('/../..//x/')).toBe('/x');
    expect(fspath.resolve('/home/bob', '../alice/f')).toBe('/home/alice/f');
    expect(fspath.underRoot('/jail', '/../../x')).toBe('/jail/x');
    expect(fspath.combine('a', 'b/../c')).toBe('a/c');
    expect(fspath.combine('/a', '..', '..', 'b')).toBe('/b');
    expect(fspath.combine('..', 'x')).toBe('../x');
    expect(() => fspath.normalize('/a\0b')).toThrow('Invalid path');
  });
});

describe('layout and basic files', () => {
  it('mounts /, /rom, /lib/system and /tmp', () => {
    const vfs = make();
    const list = vfs.mountlist().map((m) => `${m.path}:${m.type}`);
    expect(list).toEqual(['/:craftos', '/rom:craftos', '/lib/system:craftos', '/tmp:tmpfs']);
    expect(vfs.list(root, '/')).toEqual(expect.arrayContaining(['rom', 'lib', 'tmp']));
    expect(vfs.stat(root, '/tmp').mountpoint).toBe('/tmp');
    expect(vfs.mountlist()[1].options).toEqual({ ro: true });
  });

  it('writes, reads, appends, lines and seeks', () => {
    const vfs = make();
    vfs.writeFile(root, '/a.txt', 'one\r\ntwo\nthree');
    const f = vfs.open(root, '/a.txt', 'r');
    expect(text(f.readLine())).toBe('one');
    expect(text(f.readLine(true))).toBe('two\n');
    expect(text(f.readLine())).toBe('three');
    expect(f.readLine()).toBeNull();
    f.close();
    expect(() => f.readAll()).toThrow('attempt to use a closed file');
    const a1 = vfs.open(root, '/a.txt', 'a');
    const a2 = vfs.open(root, '/a.txt', 'a');
    a1.write(Buffer.from('<1>'));
    a2.write(Buffer.from('<2>'));
    expect(a1.seek('set', 0)).toBe(17);
    a1.close();
    a2.flush();
    a2.write(Buffer.from('<3>'));
    a2.close();
    expect(text(vfs.readFile(root, '/a.txt'))).toBe('one\r\ntwo\nthree<1><2><3>');
    vfs.writeFile(root, '/a.txt', 'one\r\ntwo\nthree');
    vfs.appendFile(root, '/a.txt', '!');
    expect(text(vfs.readFile(root, '/a.txt'))).toBe('one\r\ntwo\nthree!');
    const b = vfs.open(root, '/a.txt', 'rb');
    expect(b.seek('end', -1)).toBe(14);
    expect(text(b.read(5))).toBe('!');
    expect(b.read()).toBeNull();
    b.close();
    const w = vfs.open(root, '/a.txt', 'w'); // truncates at open
    expect(vfs.stat(root, '/a.txt').size).toBe(0);
    w.write(Buffer.from('abc'));
    w.seek('set', 1);
    w.write(Buffer.from('X'));
    w.close();
    expect(text(vfs.readFile(root, '/a.txt'))).toBe('aXc');
    expect(errOf(() => vfs.open(root, '/a.txt', 'rw'))).toBe('Invalid mode');
    expect(errOf(() => vfs.open(root, '/nope', 'r'))).toBe('No such file or directory');
    expect(errOf(() => vfs.open(root, '/nodir/x', 'w'))).toBe('No such file or directory');
    expect(errOf(() => vfs.open(root, '/tmp', 'w'))).toBe('Is a directory');
    expect(errOf(() => vfs.open(root, '/a.txt/x', 'w'))).toBe('Not a directory');
  });

  it('stat has the §2.3 fields and clock times', () => {
    const vfs = make();
    clock.sleep(5000);
    vfs.writeFile(root, '/f', 'hello');
    const st = vfs.stat(root, '/f');
    expect(st).toMatchObject({ size: 5, type: 'file', owner: 'root', mountpoint: '/', setuser: false });
    expect(st.created).toBe(clock.epoch());
    expect(st.modified).toBe(clock.epoch());
    expect(st.capacity).toBe(64 * 1024 * 1024);
    expect(st.freeSpace).toBe(st.capacity - 5);
    expect(st.permissions).toEqual({ root: { read: true, write: true, execute: false } });
    expect(st.worldPermissions).toEqual({ read: true, write: false, execute: false });
    expect(vfs.stat(root, '/tmp').type).toBe('directory');
    expect(errOf(() => vfs.stat(root, '/missing'))).toBe('No such file or directory');
    expect(vfs.exists(root, '/f')).toBe(true);
    expect(vfs.exists(root, '/g')).toBe(false);
  });

  it('mkdir creates parents, remove is recursive, rename checks', () => {
    const vfs = make();
    vfs.mkdir(root, '/a/b/c');
    vfs.mkdir(root, '/a/b/c');
    vfs.writeFile(root, '/a/b/c/f', 'x');
    expect(errOf(() => vfs.mkdir(root, '/a/b/c/f'))).toBe('File exists');
    expect(errOf(() => vfs.mkdir(root, '/a/b/c/f/g'))).toBe('Not a directory');
    vfs.rename(root, '/a/b', '/a/z');
    expect(vfs.list(root, '/a')).toEqual(['z']);
    vfs.writeFile(root, '/a/y', '');
    expect(errOf(() => vfs.rename(root, '/a/z', '/a/y'))).toBe('File exists');
    expect(errOf(() => vfs.rename(root, '/a/missing', '/a/q'))).toBe('No such file or directory');
    expect(errOf(() => vfs.rename(root, '/a/z', '/tmp/z'))).toBe('Cannot rename across mounts');
    expect(errOf(() => vfs.rename(root, '/a', '/a/z/c/inside'))).toMatch(/inside itself/);
    vfs.remove(root, '/a');
    vfs.remove(root, '/a');
    vfs.remove(root, '/not/even/parent');
    expect(vfs.exists(root, '/a')).toBe(false);
    expect(errOf(() => vfs.remove(root, '/tmp'))).toBe('Device or resource busy');
    expect(errOf(() => vfs.remove(root, '/'))).toBe('Device or resource busy');
    expect(errOf(() => vfs.remove(root, '/lib'))).toBe('Device or resource busy'); // holds /lib/system
    expect(errOf(() => vfs.rename(root, '/lib', '/lib2'))).toBe('Device or resource busy');
  });

  it('limits open files and odd user names stay data', () => {
    const vfs = make();
    vfs.maxOpenFiles = 3;
    vfs.writeFile(root, '/f', 'x');
    const fs3 = [vfs.open(root, '/f', 'r'), vfs.open(root, '/f', 'r'), vfs.open(root, '/f', 'r')];
    expect(errOf(() => vfs.open(root, '/f', 'r'))).toBe('Too many files already open');
    fs3[0].close();
    vfs.open(root, '/f', 'r').close();
    vfs.chmod(root, '/f', '__proto__', 'rw');
    expect(Object.keys(vfs.stat(root, '/f').permissions)).toEqual(['root', '__proto__']);
    expect(vfs.stat({ user: '__proto__' }, '/f').size).toBe(1);
    vfs.writeFile({ user: '__proto__' }, '/f', 'yy');
  });
});

describe('sandbox', () => {
  it('.. and absolute paths never leave the computer folder', () => {
    const vfs = make();
    const { hostRoot } = dirs();
    vfs.mkdir(root, '/etc');
    vfs.writeFile(root, '/../../../etc/passwd', 'mine');
    expect(fs.readFileSync(nodePath.join(hostRoot, 'etc', 'passwd'), 'utf8')).toBe('mine');
    expect(text(vfs.readFile(root, '../../etc/passwd'))).toBe('mine');
    vfs.writeFile(root, '/tmp/../../../x', 'y');
    expect(fs.existsSync(nodePath.join(hostRoot, 'x'))).toBe(true);
    expect(fs.existsSync(nodePath.join(tmp, 'x'))).toBe(false);
  });

  it('links pointing out stay inside the VFS', () => {
    const vfs = make();
    vfs.link(root, '/out', '../../../../..');
    expect(vfs.stat(root, '/out', true).type).toBe('link');
    expect(vfs.stat(root, '/out', true).link).toBe('../../../../..');
    expect(vfs.stat(root, '/out').mountpoint).toBe('/');
    expect(vfs.list(root, '/out')).toEqual(vfs.list(root, '/'));
    vfs.link(root, '/abs', '/../../tmp');
    vfs.writeFile(root, '/abs/f', 'z');
    expect(text(vfs.readFile(root, '/tmp/f'))).toBe('z');
    // the link is metadata: no host symlink exists
    const { hostRoot } = dirs();
    expect(fs.lstatSync(nodePath.join(hostRoot, 'out')).isSymbolicLink()).toBe(false);
  });

  it('host symlinks planted in the folder are never followed', () => {
    const vfs = make();
    const { hostRoot } = dirs();
    const outside = nodePath.join(tmp, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(nodePath.join(outside, 'secret'), 'top secret');
    fs.symlinkSync(outside, nodePath.join(hostRoot, 'evil'));
    fs.symlinkSync(nodePath.join(outside, 'secret'), nodePath.join(hostRoot, 'evilfile'));
    expect(vfs.stat(root, '/evil').type).toBe('special');
    expect(errOf(() => vfs.list(root, '/evil'))).toBe('Not a directory');
    expect(errOf(() => vfs.readFile(root, '/evil/secret'))).toBe('Not a directory');
    expect(errOf(() => vfs.writeFile(root, '/evil/new', 'x'))).toBe('Not a directory');
    expect(errOf(() => vfs.readFile(root, '/evilfile'))).toBe('Permission denied');
    expect(errOf(() => vfs.writeFile(root, '/evilfile', 'x'))).toBe('Permission denied');
    expect(errOf(() => vfs.mkdir(root, '/evil/d'))).toBe('Not a directory');
    vfs.remove(root, '/evil');
    vfs.remove(root, '/evilfile');
    expect(fs.readFileSync(nodePath.join(outside, 'secret'), 'utf8')).toBe('top secret');
    expect(fs.readdirSync(outside)).toEqual(['secret']);
  });

  it('craftos mounts from Lua are confined to the computer folder', () => {
    const vfs = make();
    vfs.mkdir(root, '/srv/share');
    vfs.mkdir(root, '/mnt/a');
    vfs.mount('craftos', '/../../../..', '/mnt/a', {}, root); // clamps to the computer root
    expect(vfs.list(root, '/mnt/a')).toEqual(vfs.list(root, '/'));
    vfs.unmount('/mnt/a', root);
    const { hostRoot } = dirs();
    fs.symlinkSync(tmp, nodePath.join(hostRoot, 'srv', 'up'));
    expect(errOf(() => vfs.mount('craftos', '/srv/up', '/mnt/a', {}, root))).toBe('Invalid mount source');
    vfs.mount('craftos', '/srv/share', '/mnt/a', { ro: true }, root);
    expect(errOf(() => vfs.writeFile(root, '/mnt/a/x', 'y'))).toBe('Read-only filesystem');
  });
});

describe('permissions', () => {
  function setup(): Vfs {
    const vfs = make();
    vfs.mkdir(root, '/home/bob');
    vfs.chown(root, '/home/bob', 'bob');
    vfs.chmod(root, '/home/bob', 'bob', 'rwx');
    return vfs;
  }
  it('follows own entry, else world; root bypasses', () => {
    const vfs = setup();
    vfs.writeFile(bob, '/home/bob/notes', 'hi');
    expect(vfs.stat(bob, '/home/bob/notes').owner).toBe('bob');
    expect(text(vfs.readFile(alice, '/home/bob/notes'))).toBe('hi'); // world r
    expect(errOf(() => vfs.writeFile(alice, '/home/bob/notes', 'x'))).toBe('Permission denied');
    expect(errOf(() => vfs.writeFile(alice, '/home/bob/new', 'x'))).toBe('Permission denied');
    expect(errOf(() => vfs.writeFile(bob, '/etc-file', 'x'))).toBe('Permission denied');
    vfs.chmod(bob, '/home/bob/notes', null, '---');
    expect(errOf(() => vfs.readFile(alice, '/home/bob/notes'))).toBe('Permission denied');
    vfs.chmod(bob, '/home/bob/notes', 'alice', 'r--');
    expect(text(vfs.readFile(alice, '/home/bob/notes'))).toBe('hi');
    expect(text(vfs.readFile(root, '/home/bob/notes'))).toBe('hi');
  });
  it('walking into a directory needs execute; list needs read', () => {
    const vfs = setup();
    vfs.writeFile(bob, '/home/bob/f', 'x');
    vfs.chmod(bob, '/home/bob', null, 'r--');
    expect(errOf(() => vfs.readFile(alice, '/home/bob/f'))).toBe('Permission denied');
    expect(vfs.list(alice, '/home/bob')).toEqual(['f']);
    vfs.chmod(bob, '/home/bob', null, '--x');
    expect(errOf(() => vfs.list(alice, '/home/bob'))).toBe('Permission denied');
    expect(text(vfs.readFile(alice, '/home/bob/f'))).toBe('x');
    expect(vfs.canExecute(alice, '/home/bob')).toBe(true);
    expect(vfs.canExecute(alice, '/home/bob/f')).toBe(false);
  });
  it('remove needs write on the node, its children and its parent', () => {
    const vfs = setup();
    vfs.mkdir(bob, '/home/bob/d');
    vfs.writeFile(bob, '/home/bob/d/keep', 'x');
    vfs.chmod(bob, '/home/bob/d/keep', 'bob', 'r--');
    expect(errOf(() => vfs.remove(bob, '/home/bob/d'))).toBe('Permission denied');
    expect(vfs.exists(bob, '/home/bob/d/keep')).toBe(true); // nothing removed
    vfs.chmod(bob, '/home/bob/d/keep', 'bob', 'rw-');
    vfs.remove(bob, '/home/bob/d');
    expect(vfs.exists(bob, '/home/bob/d')).toBe(false);
    expect(errOf(() => vfs.remove(alice, '/home/bob'))).toBe('Permission denied');
  });
  it('chmod forms', () => {
    const vfs = setup();
    vfs.writeFile(bob, '/home/bob/p', '');
    const world = () => vfs.stat(bob, '/home/bob/p').worldPermissions;
    vfs.chmod(bob, '/home/bob/p', null, 5);
    expect(world()).toEqual({ read: true, write: false, execute: true });
    expect(vfs.stat(bob, '/home/bob/p').setuser).toBe(false);
    vfs.chmod(bob, '/home/bob/p', null, 0o16);
    expect(world()).toEqual({ read: true, write: true, execute: false });
    expect(vfs.stat(bob, '/home/bob/p').setuser).toBe(true);
    vfs.chmod(bob, '/home/bob/p', null, '-xw');
    expect(world()).toEqual({ read: true, write: false, execute: false });
    vfs.chmod(bob, '/home/bob/p', null, '+wx');
    expect(world()).toEqual({ read: true, write: true, execute: true });
    vfs.chmod(bob, '/home/bob/p', null, 'r-s');
    expect(world()).toEqual({ read: true, write: false, execute: true });
    expect(vfs.stat(bob, '/home/bob/p').setuser).toBe(true);
    vfs.chmod(bob, '/home/bob/p', 'carol', { write: true });
    expect(vfs.stat(bob, '/home/bob/p').permissions.carol).toEqual({ read: true, write: true, execute: true });
    vfs.chmod(bob, '/home/bob/p', null, { read: false, setuser: false });
    expect(world().read).toBe(false);
    expect(vfs.stat(bob, '/home/bob/p').setuser).toBe(false);
    vfs.chmod(bob, '/home/bob/p', null, 'rx');
    expect(world()).toEqual({ read: true, write: false, execute: true });
    for (const bad of ['rw?', '', 'abc', '+q', 99, -1, 1.5]) {
      expect(errOf(() => vfs.chmod(bob, '/home/bob/p', null, bad as never))).toBe('Invalid mode');
    }
    expect(errOf(() => vfs.chmod(alice, '/home/bob/p', null, 7))).toBe('Permission denied');
  });
  it('chown: owner or root, clears setuser', () => {
    const vfs = setup();
    vfs.writeFile(bob, '/home/bob/s', '');
    vfs.chmod(bob, '/home/bob/s', null, '+s');
    expect(vfs.stat(bob, '/home/bob/s').setuser).toBe(true);
    expect(errOf(() => vfs.chown(alice, '/home/bob/s', 'alice'))).toBe('Permission denied');
    vfs.chown(bob, '/home/bob/s', 'alice');
    expect(vfs.stat(bob, '/home/bob/s')).toMatchObject({ owner: 'alice', setuser: false });
  });
  it('only root mounts and unmounts', () => {
    const vfs = setup();
    expect(errOf(() => vfs.mount('tmpfs', '', '/home/bob', {}, bob))).toBe('Permission denied');
    expect(errOf(() => vfs.unmount('/tmp', bob))).toBe('Permission denied');
    expect(errOf(() => vfs.unmount('/home', root))).toBe('Not a mount point');
    expect(errOf(() => vfs.mount('nosuchfs', '', '/home', {}, root))).toBe('Unknown filesystem type');
    expect(errOf(() => vfs.mount('tmpfs', '', '/nowhere', {}, root))).toBe('No such file or directory');
  });
});

describe('mounts', () => {
  it('read-only host mounts refuse writes', () => {
    const d = dirs();
    fs.writeFileSync(nodePath.join(d.rom, 'hello.lua'), 'print("hi")');
    const vfs = make();
    expect(text(vfs.readFile(bob, '/rom/hello.lua'))).toBe('print("hi")');
    expect(vfs.stat(bob, '/rom/hello.lua').worldPermissions).toEqual({ read: true, write: false, execute: true });
    expect(errOf(() => vfs.writeFile(root, '/rom/x', 'y'))).toBe('Read-only filesystem');
    expect(errOf(() => vfs.remove(root, '/rom/hello.lua'))).toBe('Read-only filesystem');
    expect(errOf(() => vfs.mkdir(root, '/lib/system/x'))).toBe('Read-only filesystem');
    expect(errOf(() => vfs.chmod(root, '/rom/hello.lua', null, 7))).toBe('Read-only filesystem');
    expect(vfs.stat(root, '/rom').freeSpace).toBe(0);
  });

  it('tmpfs holds files in memory', () => {
    const vfs = make();
    const { hostRoot } = dirs();
    vfs.mkdir(bob, '/tmp/bob');
    vfs.writeFile(bob, '/tmp/bob/x', 'mem');
    expect(text(vfs.readFile(bob, '/tmp/bob/x'))).toBe('mem');
    expect(fs.readdirSync(nodePath.join(hostRoot, 'tmp'))).toEqual([]);
    expect(errOf(() => vfs.writeFile(alice, '/tmp/bob/x', 'no'))).toBe('Permission denied');
    vfs.mkdir(root, '/mnt');
    vfs.mount('tmpfs', '', '/mnt', { capacity: 10 }, root);
    expect(errOf(() => vfs.writeFile(root, '/mnt/big', 'x'.repeat(11)))).toBe('Out of space');
  });

  it('overlay: stacked mounts, newest first, lists merged', () => {
    const vfs = make();
    vfs.mkdir(root, '/ov');
    vfs.mount('tmpfs', '', '/ov', {}, root);
    vfs.writeFile(root, '/ov/lower', 'L');
    vfs.mkdir(root, '/ov/sub');
    vfs.mount('tmpfs', '', '/ov', {}, root);
    vfs.writeFile(root, '/ov/upper', 'U');
    expect(text(vfs.readFile(root, '/ov/lower'))).toBe('L');
    expect(vfs.list(root, '/ov')).toEqual(['lower', 'sub', 'upper']);
    vfs.writeFile(root, '/ov/sub/deep', 'D'); // parent only exists below: goes there
    vfs.unmount('/ov', root);
    expect(vfs.list(root, '/ov')).toEqual(['lower', 'sub']);
    expect(text(vfs.readFile(root, '/ov/sub/deep'))).toBe('D');
    expect(vfs.exists(root, '/ov/upper')).toBe(false);
  });

  it('bind mounts show another VFS path', () => {
    const vfs = make();
    vfs.mkdir(root, '/src/d');
    vfs.writeFile(root, '/src/d/f', 'orig');
    vfs.mkdir(root, '/view');
    vfs.mount('bind', '/src', '/view', {}, root);
    expect(text(vfs.readFile(root, '/view/d/f'))).toBe('orig');
    vfs.writeFile(root, '/view/d/g', 'new');
    expect(text(vfs.readFile(root, '/src/d/g'))).toBe('new');
    expect(vfs.mountlist().at(-1)).toMatchObject({ path: '/view', type: 'bind', source: '/src' });
    vfs.mkdir(root, '/loop');
    vfs.mount('bind', '/loop', '/loop', {}, root);
    expect(errOf(() => vfs.list(root, '/loop'))).toBe('Too many levels of symbolic links');
  });

  it('capacity: writes beyond it fail with Out of space', () => {
    const vfs = make(100);
    vfs.writeFile(root, '/a', 'x'.repeat(60));
    expect(vfs.stat(root, '/a').freeSpace).toBe(40);
    expect(errOf(() => vfs.writeFile(root, '/b', 'x'.repeat(41)))).toBe('Out of space');
    vfs.writeFile(root, '/a', 'x'.repeat(100)); // replacing counts the old size
    vfs.remove(root, '/a');
    vfs.remove(root, '/b');
    expect(vfs.stat(root, '/').freeSpace).toBe(100);
  });
});

describe('links and fifos', () => {
  it('resolves relative links from the link directory, detects loops', () => {
    const vfs = make();
    vfs.mkdir(root, '/d/e');
    vfs.writeFile(root, '/d/e/target', 'T');
    vfs.link(root, '/d/l', 'e/target');
    expect(text(vfs.readFile(root, '/d/l'))).toBe('T');
    vfs.link(root, '/x/y/up', '../../d');
    expect(text(vfs.readFile(root, '/x/y/up/e/target'))).toBe('T');
    expect(errOf(() => vfs.link(root, '/d/l', 'z'))).toBe('File exists');
    vfs.link(root, '/loop1', '/loop2');
    vfs.link(root, '/loop2', '/loop1');
    expect(errOf(() => vfs.readFile(root, '/loop1'))).toBe('Too many levels of symbolic links');
    expect(vfs.stat(root, '/loop1', true).link).toBe('/loop2');
    vfs.remove(root, '/d/l');
    expect(vfs.exists(root, '/d/e/target')).toBe(true);
  });

  it('a link under a chroot resolves inside the chroot', () => {
    const vfs = make();
    vfs.mkdir(root, '/jail/etc');
    vfs.writeFile(root, '/jail/etc/motd', 'jailed');
    vfs.writeFile(root, '/etc-motd', 'free');
    vfs.link(root, '/jail/m', '/etc/motd');
    expect(text(vfs.readFile({ user: 'root', root: '/jail' }, '/jail/m'))).toBe('jailed');
  });

  it('fifos: writes append, reads consume', () => {
    const vfs = make();
    vfs.mkfifo(root, '/tmp/pipe');
    vfs.mkfifo(root, '/pipe');
    expect(vfs.stat(root, '/pipe').type).toBe('fifo');
    for (const p of ['/tmp/pipe', '/pipe']) {
      const w = vfs.open(root, p, 'w');
      const r = vfs.open(root, p, 'r');
      w.write(Buffer.from('ab\ncd'));
      expect(text(r.readLine())).toBe('ab');
      expect(text(r.read(1))).toBe('c');
      w.write(Buffer.from('e'));
      expect(text(r.readAll())).toBe('de');
      expect(r.read()).toBeNull();
      w.close(); r.close();
    }
    expect(errOf(() => vfs.mkfifo(root, '/pipe'))).toBe('File exists');
  });
});

describe('persistence', () => {
  it('metadata survives a new Vfs; written at most once a second and on sync', () => {
    const { metaFile, hostRoot } = dirs();
    let vfs = make();
    vfs.mkdir(root, '/home/bob');
    vfs.chown(root, '/home/bob', 'bob');
    vfs.chmod(bob, '/home/bob', 'bob', 7);
    expect(fs.existsSync(metaFile)).toBe(false);
    clock.sleep(999); clock.fireDue();
    expect(fs.existsSync(metaFile)).toBe(false);
    clock.sleep(1); clock.fireDue();
    expect(fs.existsSync(metaFile)).toBe(true);
    vfs.writeFile(bob, '/home/bob/f', 'data');
    vfs.chmod(bob, '/home/bob/f', 'alice', 'rw-');
    vfs.link(bob, '/home/bob/l', 'f');
    vfs.mkfifo(bob, '/home/bob/q');
    const created = vfs.stat(bob, '/home/bob/f').created;
    vfs.sync();
    vfs = make();
    const st = vfs.stat(bob, '/home/bob/f');
    expect(st.owner).toBe('bob');
    expect(st.permissions.alice).toEqual({ read: true, write: true, execute: false });
    expect(st.created).toBe(created);
    expect(vfs.stat(bob, '/home/bob/l', true)).toMatchObject({ type: 'link', link: 'f' });
    expect(text(vfs.readFile(bob, '/home/bob/l'))).toBe('data');
    expect(vfs.stat(bob, '/home/bob/q').type).toBe('fifo');
    expect(JSON.parse(fs.readFileSync(metaFile, 'utf8')).version).toBe(1);
    expect(metaFile.startsWith(hostRoot + nodePath.sep)).toBe(false); // beside, not inside
  });

  it('writes go through temp file + rename and leave no temp files', () => {
    const { hostRoot, data } = dirs();
    const vfs = make();
    vfs.mkdir(root, '/d');
    for (let i = 0; i < 5; i++) vfs.writeFile(root, `/d/f${i}`, 'x'.repeat(i));
    const f = vfs.open(root, '/d/f1', 'a');
    f.write(Buffer.from('y'));
    f.flush();
    expect(fs.readFileSync(nodePath.join(hostRoot, 'd', 'f1'), 'utf8')).toBe('xy');
    f.close();
    vfs.sync();
    const all = walkHost(data);
    expect(all.filter((p) => p.includes('.cinder-tmp-'))).toEqual([]);
    // a stale temp file (from a killed emulator) is hidden and swept at the next mount
    fs.writeFileSync(nodePath.join(hostRoot, 'd', 'f0.cinder-tmp-1-1'), 'torn');
    expect(vfs.list(root, '/d')).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    make();
    expect(fs.existsSync(nodePath.join(hostRoot, 'd', 'f0.cinder-tmp-1-1'))).toBe(false);
  });
});

describe('fsevent kinds', () => {
  it('emits the §5.2 kinds with the user', () => {
    const vfs = make();
    const seen = () => events.splice(0).map((e) => `${e.event} ${e.path}${e.name ? ' ' + e.name : ''}`);
    vfs.mkdir({ user: 'root', pid: 7 }, '/w');
    expect(events[0]).toMatchObject({ user: 'root', pid: 7 });
    expect(seen()).toEqual(['mkdir /w', 'mkdir_child / w']);
    vfs.writeFile(root, '/w/f', 'x');
    expect(seen()).toEqual(['open /w/f', 'open_child /w f']);
    vfs.open(root, '/w/f', 'r').close();
    expect(seen()).toEqual([]);
    vfs.rename(root, '/w/f', '/w/g');
    expect(seen()).toEqual(['rename_from /w/f', 'rename_from_child /w f', 'rename_to /w/g', 'rename_to_child /w g']);
    vfs.link(root, '/w/l', 'g');
    expect(seen()).toEqual(['link /w/l', 'link_child /w l']);
    vfs.mkfifo(root, '/w/p');
    expect(seen()).toEqual(['mkfifo /w/p', 'mkfifo_child /w p']);
    vfs.remove(root, '/w/g');
    expect(seen()).toEqual(['remove /w/g', 'remove_child /w g']);
  });
});

describe('TmpFs backend', () => {
  it('is usable on its own', () => {
    const t = new TmpFs({ now: 0 });
    t.mkdir('a', { owner: 'root', permissions: {}, worldPermissions: { read: true, write: false, execute: true }, setuser: false }, 1);
    expect(t.lstat('a')?.type).toBe('directory');
    expect(t.list('')).toEqual(['a']);
  });
});
