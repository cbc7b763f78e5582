// The virtual filesystem of one computer: the mount table (with overlays and
// bind mounts), path walking with symbolic links, permission checks
// (reference/phoenix.md §1.9) and change notifications (§5.2).
import { FsError } from './errors.js';
import { BufferFile, FifoBuffer, FifoFile } from './file.js';
import type { FsClock } from './hostfs.js';
import { applyChmod, check, ChmodMode, cloneMeta, effective, isOwnerOrRoot, newMeta, ROOT } from './meta.js';
import { basename, components, dirname, isWithin, normalize, relativeTo, resolve, stripRoot, underRoot } from './path.js';
import { TmpFs } from './tmpfs.js';
import type {
  Backend, ChangeListener, Cred, FsChange, FsStat, MountInfo, MountOptions, NodeInfo, NodeType, VfsFile,
} from './types.js';

export const MAX_LINK_DEPTH = 40;
/** Bytes a FIFO may hold before writes fail. */
export const FIFO_LIMIT = 1024 * 1024;
export const MAX_OPEN_FILES = 128;

interface Mount {
  id: number;
  path: string;
  type: string;
  source: string;
  options: MountOptions;
  /** Null for bind mounts. */
  backend: Backend | null;
  /** Bind mounts: the VFS path they show. */
  bind: string | null;
}

/** A node found (or a name that could be created) on one backend. */
interface Located {
  path: string;
  mount: Mount;
  backend: Backend;
  rel: string;
  info: NodeInfo | null;
}

interface Walked { node: Located; parent: Located | null }

/** Makes a backend for `mount(type, source, dest, options)`. */
export type BackendFactory = (source: string, options: MountOptions, cred: Cred) => Backend;

export interface VfsOptions {
  clock: FsClock;
  onChange?: ChangeListener;
}

const EMPTY = new Uint8Array(0);

export class Vfs {
  readonly clock: FsClock;
  private mounts: Mount[] = [];
  private nextMountId = 1;
  private readonly listeners = new Set<ChangeListener>();
  private readonly factories = new Map<string, BackendFactory>();
  private readonly fifos = new WeakMap<Backend, Map<string, FifoBuffer>>();
  private readonly openFiles = new Set<VfsFile>();
  /** Open files allowed at once on this computer (CraftOS allows 128). */
  maxOpenFiles = MAX_OPEN_FILES;

  constructor(opts: VfsOptions) {
    this.clock = opts.clock;
    if (opts.onChange) this.listeners.add(opts.onChange);
    this.factories.set('tmpfs', (source, options) => new TmpFs({ now: this.clock.epoch(), source: source || 'tmpfs', options }));
  }

  // ---- mount table ------------------------------------------------------

  /** Register a filesystem type for mount(). */
  registerType(type: string, factory: BackendFactory): void { this.factories.set(type, factory); }

  /** Attach a backend at `path` without checks (kernel use: the root, /rom, ...). */
  attach(path: string, backend: Backend): void {
    this.mounts.push({
      id: this.nextMountId++, path: normalize(path), type: backend.type, source: backend.source,
      options: backend.options, backend, bind: null,
    });
  }

  mount(type: string, source: string, dest: string, options: MountOptions | undefined, cred: Cred): void {
    if (cred.user !== ROOT) throw new FsError('EACCES');
    const opts = options ?? {};
    const d = this.walk(cred, dest, true).node;
    if (!d.info) throw new FsError('ENOENT');
    if (d.info.type !== 'directory') throw new FsError('ENOTDIR');
    if (type === 'bind') {
      const s = this.walk(cred, source, true).node;
      if (!s.info) throw new FsError('ENOENT');
      if (s.info.type !== 'directory') throw new FsError('ENOTDIR');
      this.mounts.push({ id: this.nextMountId++, path: d.path, type, source: s.path, options: opts, backend: null, bind: s.path });
      return;
    }
    const factory = this.factories.get(type);
    if (!factory) throw new FsError('EBADTYPE');
    const backend = factory(source, opts, cred);
    this.mounts.push({ id: this.nextMountId++, path: d.path, type, source: backend.source, options: opts, backend, bind: null });
  }

  unmount(path: string, cred: Cred): void {
    if (cred.user !== ROOT) throw new FsError('EACCES');
    const p = normalize(path);
    let idx = -1;
    for (let i = this.mounts.length - 1; i >= 0; i--) if (this.mounts[i].path === p) { idx = i; break; }
    if (idx < 0) throw new FsError('ENOTMOUNT');
    if (p === '/' && this.mounts.filter((m) => m.path === '/').length === 1) throw new FsError('EBUSY');
    const [m] = this.mounts.splice(idx, 1);
    if (m.backend) { m.backend.sync(); m.backend.close(); }
  }

  mountlist(): MountInfo[] {
    return this.mounts.map((m) => ({ path: m.path, type: m.type, source: m.source, options: { ...m.options } }));
  }

  /** Write pending metadata of every mount. */
  sync(): void {
    for (const m of this.mounts) m.backend?.sync();
  }

  /** Flush open files and metadata (shutdown). */
  shutdown(): void {
    for (const f of [...this.openFiles]) { try { f.close(); } catch { /* best effort */ } }
    this.sync();
  }

  // ---- events -----------------------------------------------------------

  addListener(cb: ChangeListener): void { this.listeners.add(cb); }
  removeListener(cb: ChangeListener): void { this.listeners.delete(cb); }

  private emit(cred: Cred, path: string, event: string): void {
    const base: Omit<FsChange, 'path' | 'event'> = { user: cred.user, ...(cred.pid !== undefined ? { pid: cred.pid } : {}) };
    const evs: FsChange[] = [{ path, event, ...base }];
    if (path !== '/') evs.push({ path: dirname(path), event: event + '_child', name: basename(path), ...base });
    for (const ev of evs) for (const l of this.listeners) l(ev);
  }

  // ---- lookup -----------------------------------------------------------

  /** The mounts stacked at the deepest mount point above `path`, newest first. */
  private stackFor(path: string): { stack: Mount[]; rel: string } {
    let best: string | null = null;
    for (const m of this.mounts) {
      if (isWithin(path, m.path) && (best === null || m.path.length > best.length)) best = m.path;
    }
    if (best === null) throw new FsError('ENOENT');
    const stack = this.mounts.filter((m) => m.path === best).reverse();
    return { stack, rel: relativeTo(path, best) };
  }

  /** Find `path` (no link following). Bind mounts answer with a redirect. */
  private lookup(path: string): Located | { redirect: string } {
    const { stack, rel } = this.stackFor(path);
    for (const m of stack) {
      if (m.bind !== null) return { redirect: rel === '' ? m.bind : m.bind + '/' + rel };
      const info = m.backend!.lstat(rel);
      if (info) return { path, mount: m, backend: m.backend!, rel, info };
    }
    // Not found anywhere: creation goes to the newest mount whose parent directory exists.
    const parentRel = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    const m = stack.find((s) => rel === '' || s.backend!.lstat(parentRel)?.type === 'directory') ?? stack[0];
    return { path, mount: m, backend: m.backend!, rel, info: null };
  }

  /**
   * Walk `path` from the root, checking execute permission on every directory
   * passed through and following links (the last one only when `followLast`).
   * The final node may be missing (info null); a missing parent throws.
   */
  private walk(cred: Cred, path: string, followLast: boolean): Walked {
    const chroot = cred.root ?? '/';
    let comps = components(path);
    let depth = 0;
    restart: for (;;) {
      const top = this.lookup('/');
      if ('redirect' in top || !top.info) throw new FsError('ENOENT');
      let cur: Located = top;
      let parent: Located | null = null;
      for (let i = 0; i < comps.length; i++) {
        const info = cur.info!;
        if (info.type !== 'directory') throw new FsError('ENOTDIR');
        check(cred, info.meta, 'execute');
        const next = (cur.path === '/' ? '' : cur.path) + '/' + comps[i];
        const rest = comps.slice(i + 1);
        const found = this.lookup(next);
        if ('redirect' in found) {
          if (++depth > MAX_LINK_DEPTH) throw new FsError('ELOOP');
          comps = components(found.redirect + '/' + rest.join('/'));
          continue restart;
        }
        if (found.info?.type === 'link' && (rest.length > 0 || followLast)) {
          if (++depth > MAX_LINK_DEPTH) throw new FsError('ELOOP');
          const target = found.info.link ?? '';
          const here = stripRoot(chroot, cur.path) ?? '/';
          const viewed = resolve(here, target);
          comps = components(underRoot(chroot, viewed) + '/' + rest.join('/'));
          continue restart;
        }
        if (!found.info && rest.length > 0) throw new FsError('ENOENT');
        parent = cur;
        cur = found;
      }
      return { node: cur, parent };
    }
  }

  private now(): number { return this.clock.epoch(); }

  private writableMount(loc: Located): void {
    if (loc.backend.readOnly || loc.mount.options.ro === true) throw new FsError('EROFS');
  }

  private reserve(loc: Located, oldSize: number, newSize: number): void {
    const free = loc.backend.capacity() - loc.backend.used();
    if (newSize - oldSize > free) throw new FsError('ENOSPC');
  }

  /** True when `path` is a mount point or has one below it. */
  private holdsMount(path: string): boolean {
    return path === '/' || this.mounts.some((m) => isWithin(m.path, path));
  }

  private fifoOf(loc: Located): FifoBuffer {
    let map = this.fifos.get(loc.backend);
    if (!map) { map = new Map(); this.fifos.set(loc.backend, map); }
    let f = map.get(loc.rel);
    if (!f) { f = new FifoBuffer(); map.set(loc.rel, f); }
    return f;
  }

  // ---- operations ---------------------------------------------------------

  stat(cred: Cred, path: string, nolink = false): FsStat {
    const st = this.statMaybe(cred, path, nolink);
    if (!st) throw new FsError('ENOENT');
    return st;
  }

  private statMaybe(cred: Cred, path: string, nolink: boolean): FsStat | null {
    const { node } = this.walk(cred, path, !nolink);
    const info = node.info;
    if (!info) return null;
    const capacity = node.backend.capacity();
    const st: FsStat = {
      size: info.size,
      type: info.type,
      created: info.created,
      modified: info.modified,
      owner: info.meta.owner,
      mountpoint: node.mount.path,
      capacity,
      freeSpace: Math.max(0, capacity - node.backend.used()),
      permissions: cloneMeta(info.meta).permissions,
      worldPermissions: { ...info.meta.worldPermissions },
      setuser: info.meta.setuser,
    };
    if (info.link !== undefined) st.link = info.link;
    if (info.special !== undefined) st.special = info.special;
    return st;
  }

  /** stat(), or null when the node is missing or cannot be reached. */
  statOrNull(cred: Cred, path: string, nolink = false): FsStat | null {
    try { return this.statMaybe(cred, path, nolink); } catch (e) {
      if (e instanceof FsError) return null;
      throw e;
    }
  }

  /** True when `cred` may execute (or, for a directory, enter) the node at `path`. */
  canExecute(cred: Cred, path: string): boolean {
    try {
      const { node } = this.walk(cred, path, true);
      if (!node.info) return false;
      return cred.user === ROOT || effective(node.info.meta, cred.user).execute;
    } catch (e) {
      if (e instanceof FsError) return false;
      throw e;
    }
  }

  exists(cred: Cred, path: string): boolean {
    try { this.stat(cred, path, true); return true; } catch { return false; }
  }

  list(cred: Cred, path: string): string[] {
    const { node } = this.walk(cred, path, true);
    if (!node.info) throw new FsError('ENOENT');
    if (node.info.type !== 'directory') throw new FsError('ENOTDIR');
    check(cred, node.info.meta, 'read');
    const names = new Set(node.backend.list(node.rel));
    // Overlays: the other mounts stacked here contribute their entries too.
    const { stack, rel } = this.stackFor(node.path);
    for (const m of stack) {
      if (!m.backend || m.backend === node.backend) continue;
      if (m.backend.lstat(rel)?.type === 'directory') for (const n of m.backend.list(rel)) names.add(n);
    }
    // Mount points directly below show up even when the directory underneath lacks them.
    for (const m of this.mounts) {
      if (m.path !== '/' && m.path !== node.path && dirname(m.path) === node.path) names.add(basename(m.path));
    }
    return [...names].sort();
  }

  open(cred: Cred, path: string, mode: string): VfsFile {
    if (!/^[rwa]b?$/.test(mode)) throw new FsError('EINVALMODE');
    const { node, parent } = this.walk(cred, path, true);
    const info = node.info;
    if (this.openFiles.size >= this.maxOpenFiles) throw new FsError('EMFILE');
    const track = (f: VfsFile): VfsFile => { this.openFiles.add(f); return f; };
    const hooksBase = { closed: () => { this.openFiles.delete(file); } };
    let file: VfsFile;
    if (mode[0] === 'r') {
      if (!info) throw new FsError('ENOENT');
      if (info.type === 'directory') throw new FsError('EISDIR');
      if (info.type === 'special' || info.type === 'link') throw new FsError('EACCES');
      check(cred, info.meta, 'read');
      file = info.type === 'fifo'
        ? new FifoFile(node.path, mode, this.fifoOf(node), hooksBase)
        : new BufferFile(node.path, mode, node.backend.read(node.rel), hooksBase);
      return track(file);
    }
    this.writableMount(node);
    if (info) {
      if (info.type === 'directory') throw new FsError('EISDIR');
      if (info.type === 'special' || info.type === 'link') throw new FsError('EACCES');
      check(cred, info.meta, 'write');
    } else {
      if (!parent?.info) throw new FsError('ENOENT');
      if (parent.info.type !== 'directory') throw new FsError('ENOTDIR');
      check(cred, parent.info.meta, 'write');
    }
    if (info?.type === 'fifo') {
      file = new FifoFile(node.path, mode, this.fifoOf(node), {
        ...hooksBase,
        reserve: (size) => { if (size > FIFO_LIMIT) throw new FsError('ENOSPC'); },
      });
      this.emit(cred, node.path, 'open');
      return track(file);
    }
    const meta = newMeta(cred.user, 'file');
    let committed = info?.size ?? 0;
    const store = (data: Uint8Array): void => {
      const cur = node.backend.lstat(node.rel);
      const old = cur?.type === 'file' ? cur.size : 0;
      this.reserve(node, old, data.length);
      node.backend.write(node.rel, data, meta, this.now());
      committed = data.length;
    };
    if (mode[0] === 'w' || !info) store(EMPTY); // create or truncate now, as CraftOS does
    if (mode[0] === 'a') {
      // Appends go to the end of the file as it is when they are stored, so
      // several append handles (log writers) never overwrite each other.
      const current = (): Uint8Array => {
        const cur = node.backend.lstat(node.rel);
        return cur?.type === 'file' ? node.backend.read(node.rel) : EMPTY;
      };
      const size = (): number => { const cur = node.backend.lstat(node.rel); return cur?.type === 'file' ? cur.size : 0; };
      file = new BufferFile(node.path, mode, EMPTY, {
        ...hooksBase,
        reserve: (pending) => this.reserve(node, 0, pending),
        commit: (pending) => {
          const old = current();
          const all = new Uint8Array(old.length + pending.length);
          all.set(old);
          all.set(pending, old.length);
          store(all);
        },
        baseSize: size,
      });
    } else {
      file = new BufferFile(node.path, mode, EMPTY, {
        ...hooksBase,
        reserve: (size) => this.reserve(node, committed, size),
        commit: store,
      });
    }
    this.emit(cred, node.path, 'open');
    return track(file);
  }

  readFile(cred: Cred, path: string): Uint8Array {
    const f = this.open(cred, path, 'rb');
    try { return f.readAll() ?? EMPTY; } finally { f.close(); }
  }

  writeFile(cred: Cred, path: string, data: Uint8Array | string): void {
    const f = this.open(cred, path, 'wb');
    try { f.write(typeof data === 'string' ? Buffer.from(data) : data); } finally { f.close(); }
  }

  appendFile(cred: Cred, path: string, data: Uint8Array | string): void {
    const f = this.open(cred, path, 'ab');
    try { f.write(typeof data === 'string' ? Buffer.from(data) : data); } finally { f.close(); }
  }

  remove(cred: Cred, path: string): void {
    let w: Walked;
    try { w = this.walk(cred, path, false); } catch (e) {
      if (e instanceof FsError && e.code === 'ENOENT') return;
      throw e;
    }
    const { node, parent } = w;
    if (!node.info) return;
    if (this.holdsMount(node.path)) throw new FsError('EBUSY');
    this.writableMount(node);
    if (parent?.info) check(cred, parent.info.meta, 'write');
    // Check the whole tree before touching anything.
    const order: Array<{ rel: string; path: string }> = [];
    const visit = (rel: string, p: string, info: NodeInfo): void => {
      check(cred, info.meta, 'write');
      if (info.type === 'directory') {
        for (const name of node.backend.list(rel)) {
          const childRel = rel === '' ? name : rel + '/' + name;
          const childInfo = node.backend.lstat(childRel);
          if (childInfo) visit(childRel, p + '/' + name, childInfo);
        }
      }
      order.push({ rel, path: p });
    };
    visit(node.rel, node.path, node.info);
    const fifos = this.fifos.get(node.backend);
    for (const { rel, path: p } of order) {
      node.backend.remove(rel);
      fifos?.delete(rel);
      this.emit(cred, p, 'remove');
    }
  }

  rename(cred: Cred, from: string, to: string): void {
    const src = this.walk(cred, from, false);
    if (!src.node.info) throw new FsError('ENOENT');
    const dst = this.walk(cred, to, false);
    if (dst.node.info) throw new FsError('EEXIST');
    if (!dst.parent?.info) throw new FsError('ENOENT');
    if (this.holdsMount(src.node.path)) throw new FsError('EBUSY');
    if (src.node.backend !== dst.node.backend) throw new FsError('EXDEV');
    if (isWithin(dst.node.path, src.node.path)) throw new FsError('EINVAL', 'Cannot move a directory inside itself');
    this.writableMount(src.node);
    if (src.parent?.info) check(cred, src.parent.info.meta, 'write');
    check(cred, dst.parent.info.meta, 'write');
    this.emit(cred, src.node.path, 'rename_from');
    src.node.backend.rename(src.node.rel, dst.node.rel, this.now());
    const fifos = this.fifos.get(src.node.backend);
    if (fifos) {
      for (const [k, v] of [...fifos]) {
        if (k === src.node.rel || k.startsWith(src.node.rel + '/')) {
          fifos.delete(k);
          fifos.set(dst.node.rel + k.slice(src.node.rel.length), v);
        }
      }
    }
    this.emit(cred, dst.node.path, 'rename_to');
  }

  mkdir(cred: Cred, path: string): void {
    const comps = components(path);
    for (let i = 1; i <= comps.length; i++) {
      const { node, parent } = this.walk(cred, '/' + comps.slice(0, i).join('/'), true);
      if (node.info) {
        if (node.info.type === 'directory') continue;
        throw new FsError(i === comps.length ? 'EEXIST' : 'ENOTDIR');
      }
      this.create(cred, node, parent, 'directory', () => node.backend.mkdir(node.rel, newMeta(cred.user, 'directory'), this.now()));
    }
  }

  private create(cred: Cred, node: Located, parent: Located | null, type: NodeType, make: () => void): void {
    if (!parent?.info) throw new FsError('ENOENT');
    if (parent.info.type !== 'directory') throw new FsError('ENOTDIR');
    this.writableMount(node);
    check(cred, parent.info.meta, 'write');
    make();
    this.emit(cred, node.path, type === 'directory' ? 'mkdir' : type === 'fifo' ? 'mkfifo' : 'link');
  }

  link(cred: Cred, path: string, target: string): void {
    const p = normalize(path);
    if (p !== '/') this.mkdir(cred, dirname(p));
    const { node, parent } = this.walk(cred, p, false);
    if (node.info) throw new FsError('EEXIST');
    this.create(cred, node, parent, 'link', () => node.backend.mklink(node.rel, target, newMeta(cred.user, 'link'), this.now()));
  }

  mkfifo(cred: Cred, path: string): void {
    const { node, parent } = this.walk(cred, path, false);
    if (node.info) throw new FsError('EEXIST');
    this.create(cred, node, parent, 'fifo', () => node.backend.mkfifo(node.rel, newMeta(cred.user, 'fifo'), this.now()));
  }

  chmod(cred: Cred, path: string, user: string | null, mode: ChmodMode): void {
    const { node } = this.walk(cred, path, true);
    if (!node.info) throw new FsError('ENOENT');
    if (!isOwnerOrRoot(cred, node.info.meta)) throw new FsError('EACCES');
    this.writableMount(node);
    node.backend.setMeta(node.rel, applyChmod(node.info.meta, user, mode));
  }

  chown(cred: Cred, path: string, user: string): void {
    const { node } = this.walk(cred, path, true);
    if (!node.info) throw new FsError('ENOENT');
    if (!isOwnerOrRoot(cred, node.info.meta)) throw new FsError('EACCES');
    this.writableMount(node);
    const meta = cloneMeta(node.info.meta);
    meta.owner = user;
    meta.setuser = false;
    node.backend.setMeta(node.rel, meta);
  }

  /** The canonical path of `path` with every link followed (for chroot, exec). */
  realpath(cred: Cred, path: string): string {
    const { node } = this.walk(cred, path, true);
    if (!node.info) throw new FsError('ENOENT');
    return node.path;
  }
}
