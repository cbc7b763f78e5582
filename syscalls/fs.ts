// Filesystem syscalls (reference/phoenix.md §2.3). Paths are resolved against
// the process root (chroot) and working directory, then handed to the VFS.
// File handles are CraftOS-style tables of functions, called with dot syntax.
import { declare, SyscallError } from './types.js';
import { lua, LuaState, bytesAt } from '../kernel/vm/lua.js';
import { ArgError, luaMethod, optNumber, typeName } from '../kernel/vm/methods.js';
import { LuaTable, LuaValue, JsFunction } from '../kernel/vm/values.js';
import type { Process } from '../kernel/process.js';
import { FsError } from '../kernel/fs/errors.js';
import { combine, stripRoot } from '../kernel/fs/path.js';
import type { ChmodMode } from '../kernel/fs/meta.js';
import type { Cred, FsStat, SeekWhence, VfsFile } from '../kernel/fs/types.js';
import type { Vfs } from '../kernel/fs/vfs.js';
import { watchersFor } from '../kernel/fs/watch.js';

/** The real VFS path of `path` as seen by `proc` (its chroot and working directory applied). */
export function resolvePath(proc: Process, path: string): string {
  return proc.computer.resolvePath(proc, path);
}

/** A real VFS path as `proc` sees it (chroot prefix removed); '/' when outside its root. */
export function viewPath(proc: Process, path: string): string {
  return stripRoot(proc.root || '/', path) ?? '/';
}

export function credOf(proc: Process): Cred {
  return { user: proc.user, root: proc.root || '/', pid: proc.id };
}

function vfsOf(proc: Process): Vfs {
  return (proc.computer as unknown as { vfs: Vfs }).vfs;
}

/** Run a VFS call, turning its errors into Lua-facing syscall errors. */
function fsCall<T>(fn: () => T): T {
  try { return fn(); } catch (e) {
    if (e instanceof FsError) throw new SyscallError(e.message);
    throw e;
  }
}

// ---- open files per process (closed, and so committed, when it dies) ------

const openByProc = new WeakMap<Process, Set<VfsFile>>();

function trackFile(proc: Process, f: VfsFile): void {
  let set = openByProc.get(proc);
  if (!set) {
    set = new Set();
    openByProc.set(proc, set);
    const files = set;
    proc.dependents.push(() => {
      for (const file of [...files]) { try { if (!file.closed) file.close(); } catch { /* best effort */ } }
      files.clear();
    });
  }
  set.add(f);
}

// ---- handle tables ----------------------------------------------------------

/** A method of a file handle: FsErrors and argument errors become Lua errors (kernel/vm/methods.ts). */
const method = luaMethod;

/** A value to write: strings as bytes, numbers as text (or, in binary mode, one byte). */
function writeArg(L: LuaState, idx: number, argn: number, binary: boolean): Uint8Array {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TNUMBER && binary) return Uint8Array.of(lua.lua_tonumber(L, idx) & 0xff);
  if (t === lua.LUA_TSTRING || t === lua.LUA_TNUMBER) return bytesAt(L, idx);
  throw new ArgError(argn, `string expected, got ${typeName(L, idx)}`);
}

const WHENCES: SeekWhence[] = ['set', 'cur', 'end'];

function seekMethod(f: VfsFile): JsFunction {
  return method('seek', (L, b) => {
    let whence: SeekWhence = 'cur';
    const t = lua.lua_type(L, b);
    if (t !== lua.LUA_TNONE && t !== lua.LUA_TNIL) {
      if (t !== lua.LUA_TSTRING) throw new ArgError(1, `string expected, got ${typeName(L, b)}`);
      const w = Buffer.from(bytesAt(L, b)).toString('latin1');
      if (!WHENCES.includes(w as SeekWhence)) throw new ArgError(1, `invalid option '${w}'`);
      whence = w as SeekWhence;
    }
    const offset = optNumber(L, b + 1, 2) ?? 0;
    if (f.closed) throw new FsError('ECLOSED');
    try { return [f.seek(whence, offset)]; } catch (e) {
      if (e instanceof FsError && e.code === 'EINVAL') return [undefined, e.message];
      throw e;
    }
  });
}

/** Build the CraftOS-style handle table of an open file. */
export function makeHandle(f: VfsFile): Record<string, JsFunction> {
  const h: Record<string, JsFunction> = {};
  const live = (): void => { if (f.closed) throw new FsError('ECLOSED'); };
  h.close = method('close', () => { live(); f.close(); return []; });
  if (f.readable) {
    h.readLine = method('readLine', (L, b) => { live(); return [f.readLine(lua.lua_toboolean(L, b)) ?? undefined]; });
    h.readAll = method('readAll', () => { live(); return [f.readAll() ?? undefined]; });
    h.read = method('read', (L, b) => {
      live();
      const n = optNumber(L, b, 1);
      if (n !== undefined && n < 0) throw new ArgError(1, 'count must be non-negative');
      const data = f.read(n);
      if (data === null) return [undefined];
      if (n === undefined && f.binary) return [data[0]];
      return [data];
    });
    if (f.binary) h.seek = seekMethod(f);
  } else {
    h.write = method('write', (L, b) => { live(); f.write(writeArg(L, b, 1, f.binary)); return []; });
    h.writeLine = method('writeLine', (L, b) => {
      live();
      const data = writeArg(L, b, 1, false);
      const line = new Uint8Array(data.length + 1);
      line.set(data);
      line[data.length] = 0x0a;
      f.write(line);
      return [];
    });
    h.flush = method('flush', () => { live(); f.flush(); return []; });
    h.seek = seekMethod(f);
  }
  return h;
}

// ---- stat and mount tables ---------------------------------------------------

function statTable(proc: Process, st: FsStat): Record<string, LuaValue> {
  const perms = new LuaTable();
  for (const [user, p] of Object.entries(st.permissions)) perms.set(user, { ...p });
  const out: Record<string, LuaValue> = {
    size: st.size,
    type: st.type,
    created: st.created,
    modified: st.modified,
    owner: st.owner,
    mountpoint: viewPath(proc, st.mountpoint),
    capacity: st.capacity,
    freeSpace: st.freeSpace,
    permissions: perms,
    worldPermissions: { ...st.worldPermissions },
    setuser: st.setuser,
  };
  if (st.link !== undefined) out.link = st.link;
  if (st.special !== undefined && (typeof st.special === 'string' || typeof st.special === 'number' || typeof st.special === 'boolean')) {
    out.special = st.special;
  }
  return out;
}

/** Lua option tables to plain records (scalar values only). */
function optionsOf(t: LuaValue): Record<string, unknown> {
  if (!(t instanceof LuaTable)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t.record())) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

function chmodMode(mode: LuaValue): ChmodMode {
  if (typeof mode === 'number' || typeof mode === 'string') return mode;
  if (mode instanceof LuaTable) return mode.record() as ChmodMode;
  throw new SyscallError('Invalid mode');
}

// ---- the syscalls ------------------------------------------------------------

export const fsSyscalls = declare('fs', [
  {
    name: 'open', args: ['path: string', 'mode: string?'], returns: 'table | nil, string',
    doc: 'Open a file; mode is r, w or a, plus optional b (default "r"). Returns a CraftOS-style handle table, or nil and a message.',
    handler: (p, _t, path: string, mode?: string) => {
      try {
        const f = vfsOf(p).open(credOf(p), resolvePath(p, path), mode ?? 'r');
        trackFile(p, f);
        return [makeHandle(f)];
      } catch (e) {
        if (e instanceof FsError) return [undefined, e.message];
        throw e;
      }
    },
  },
  {
    name: 'combine', args: ['...components: string'], returns: 'string',
    doc: 'Join path components and resolve "." and ".." (absolute when the first component is).',
    handler: (_p, _t, ...parts: string[]) => [combine(...parts.filter((x) => x !== undefined))],
  },
  {
    name: 'list', args: ['path: string'], returns: 'string[]',
    doc: 'The names in a directory, sorted. Fails on a missing path, a non-directory or no read permission.',
    handler: (p, _t, path: string) => [fsCall(() => vfsOf(p).list(credOf(p), resolvePath(p, path)))],
  },
  {
    name: 'stat', args: ['path: string', 'nolink: boolean?'], returns: 'table | nil, string',
    doc: 'Information about a file: size, type, created, modified, owner, mountpoint, link?, capacity, freeSpace, permissions, worldPermissions, setuser, special?. nolink does not follow a final link.',
    handler: (p, _t, path: string, nolink?: boolean) => {
      try {
        return [statTable(p, vfsOf(p).stat(credOf(p), resolvePath(p, path), !!nolink))];
      } catch (e) {
        if (e instanceof FsError) return [undefined, e.message];
        throw e;
      }
    },
  },
  {
    name: 'remove', args: ['path: string'],
    doc: 'Remove a file or directory recursively. A missing path is not an error; needs write permission on the node, its children and its parent.',
    handler: (p, _t, path: string) => { fsCall(() => vfsOf(p).remove(credOf(p), resolvePath(p, path))); },
  },
  {
    name: 'rename', args: ['from: string', 'to: string'],
    doc: 'Rename or move a node within one mount. Fails when the destination exists.',
    handler: (p, _t, from: string, to: string) => { fsCall(() => vfsOf(p).rename(credOf(p), resolvePath(p, from), resolvePath(p, to))); },
  },
  {
    name: 'mkdir', args: ['path: string'],
    doc: 'Create a directory and any missing parents; an existing directory is fine.',
    handler: (p, _t, path: string) => { fsCall(() => vfsOf(p).mkdir(credOf(p), resolvePath(p, path))); },
  },
  {
    name: 'link', args: ['path: string', 'location: string'],
    doc: 'Create a symbolic link at path pointing to location (relative locations are relative to the link\'s directory). Parents are created; fails if path exists.',
    handler: (p, _t, path: string, location: string) => { fsCall(() => vfsOf(p).link(credOf(p), resolvePath(p, path), location)); },
  },
  {
    name: 'mkfifo', args: ['path: string'],
    doc: 'Create a FIFO: writes append to its buffer, reads consume it.',
    handler: (p, _t, path: string) => { fsCall(() => vfsOf(p).mkfifo(credOf(p), resolvePath(p, path))); },
  },
  {
    name: 'chmod', args: ['path: string', 'user: string?', 'mode: number|string|table'],
    doc: 'Change permissions for user (nil: everyone else). mode: a number (4 read, 2 write, 1 execute, 8 setuser), "+rx"/"-w", "r-s", or {read?, write?, execute?, setuser?}. Owner or root only.',
    handler: (p, _t, path: string, user: string | undefined, mode: LuaValue) => {
      fsCall(() => vfsOf(p).chmod(credOf(p), resolvePath(p, path), user ?? null, chmodMode(mode)));
    },
  },
  {
    name: 'chown', args: ['path: string', 'user: string'],
    doc: 'Change the owner of a node and clear its setuser bit. Owner or root only.',
    handler: (p, _t, path: string, user: string) => { fsCall(() => vfsOf(p).chown(credOf(p), resolvePath(p, path), user)); },
  },
  {
    name: 'chroot', args: ['path: string'], root: true,
    doc: 'Change the root directory of the process and its future children (root only).',
    handler: (p, _t, path: string) => {
      if (!p.isRoot) throw new SyscallError('Permission denied');
      const vfs = vfsOf(p);
      const real = fsCall(() => vfs.realpath(credOf(p), resolvePath(p, path)));
      const st = fsCall(() => vfs.stat(credOf(p), real));
      if (st.type !== 'directory') throw new SyscallError('Not a directory');
      p.root = real;
      p.dir = '/';
    },
  },
  {
    name: 'mount', args: ['type: string', 'src: string', 'dest: string', 'options: table?'], root: true,
    doc: 'Mount a filesystem: craftos (src: a folder of this computer\'s host folder), tmpfs or bind (src: a VFS path). Option ro = true makes it read-only. Root only.',
    handler: (p, _t, type: string, src: string, dest: string, options?: LuaValue) => {
      const source = type === 'bind' ? resolvePath(p, src) : src;
      fsCall(() => vfsOf(p).mount(type, source, resolvePath(p, dest), optionsOf(options), credOf(p)));
    },
  },
  {
    name: 'unmount', args: ['path: string'], root: true,
    doc: 'Remove the newest mount at path (root only).',
    handler: (p, _t, path: string) => { fsCall(() => vfsOf(p).unmount(resolvePath(p, path), credOf(p))); },
  },
  {
    name: 'mountlist', args: [], returns: '{path, type, source, options}[]',
    doc: 'The mounts, oldest first.',
    handler: (p) => {
      const root = p.root || '/';
      const out: LuaValue[] = [];
      for (const m of vfsOf(p).mountlist()) {
        const shown = stripRoot(root, m.path);
        if (shown === null) continue;
        out.push({ path: shown, type: m.type, source: m.source, options: LuaTable.from(m.options as Record<string, LuaValue>) });
      }
      return [out];
    },
  },
  {
    name: 'fsevent', args: ['path: string', 'enabled: boolean?'],
    doc: 'Subscribe to (or, with false, unsubscribe from) fsevent events for a path: {path, event, name?, process}.',
    handler: (p, _t, path: string, enabled?: boolean) => {
      const vfs = vfsOf(p);
      const abs = resolvePath(p, path);
      let real = abs;
      try { real = vfs.realpath(credOf(p), abs); } catch { /* not there yet: watch the name */ }
      watchersFor(vfs).set(p, real, enabled !== false);
    },
  },
]);
