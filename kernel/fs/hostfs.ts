// The `craftos` filesystem: a host folder, with permission metadata and the
// node types the host cannot hold (links, FIFOs) kept beside it in a JSON
// file. Host symlinks found inside the folder are never followed: they show
// up as `special` nodes and nothing can be reached through them.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { Clock } from '../clock.js';
import { FsError } from './errors.js';
import { atomicWrite, isTempName } from './atomic.js';
import { defaultMeta, sanitizeMeta } from './meta.js';
import type { Backend, MountOptions, NodeInfo, NodeMeta } from './types.js';

export const DEFAULT_CAPACITY = 64 * 1024 * 1024;
const META_DELAY_MS = 1000;

export type FsClock = Pick<Clock, 'epoch' | 'setTimer' | 'cancelTimer'>;

export interface HostFsOptions {
  /** The host folder. */
  root: string;
  /** Where metadata persists; null keeps it in memory only. */
  metaFile: string | null;
  readOnly?: boolean;
  /** Create the folder when missing. */
  create?: boolean;
  capacity?: number;
  clock: FsClock;
  type?: string;
  source?: string;
  options?: MountOptions;
}

/** One node's persisted record. */
interface MetaRecord extends NodeMeta {
  type?: 'link' | 'fifo';
  target?: string;
  created?: number;
  modified?: number;
}

/** Map a host error to the Lua-facing message. */
export function hostError(e: unknown): FsError {
  if (e instanceof FsError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return new FsError('ENOENT');
    case 'ENOTDIR': return new FsError('ENOTDIR');
    case 'EISDIR': return new FsError('EISDIR');
    case 'EEXIST': return new FsError('EEXIST');
    case 'ENOTEMPTY': return new FsError('ENOTEMPTY');
    case 'EACCES': case 'EPERM': return new FsError('EACCES');
    case 'EROFS': return new FsError('EROFS');
    case 'ENOSPC': return new FsError('ENOSPC');
    default: return new FsError('EIO');
  }
}

/** A VFS name the host can hold as one plain component (Windows treats '\\' and ':' specially). */
function hostSafe(name: string): boolean {
  if (name === '' || name === '.' || name === '..' || name.includes('\0')) return false;
  if (nodePath.sep !== '/' && /[\\:]/.test(name)) return false;
  return true;
}

/** lstat without throwing for a missing path (exceptions are slow); null on any failure. */
function lstat(host: string): fs.Stats | null {
  try { return fs.lstatSync(host, { throwIfNoEntry: false }) ?? null; } catch { return null; }
}

export class HostFs implements Backend {
  readonly type: string;
  readonly source: string;
  readonly options: MountOptions;
  readonly readOnly: boolean;
  /** The real host folder (symlinks in the configured path resolved once, here). */
  readonly root: string;
  private readonly metaFile: string | null;
  private readonly clock: FsClock;
  private readonly cap: number;
  private records = new Map<string, MetaRecord>();
  private usedBytes = 0;
  private dirty = false;
  private timer: number | null = null;

  constructor(o: HostFsOptions) {
    this.type = o.type ?? 'craftos';
    this.readOnly = !!o.readOnly;
    this.clock = o.clock;
    this.metaFile = o.metaFile;
    if (o.create && !this.readOnly) fs.mkdirSync(o.root, { recursive: true });
    this.root = fs.realpathSync(o.root);
    if (!fs.statSync(this.root).isDirectory()) throw new FsError('ENOTDIR');
    this.source = o.source ?? o.root;
    this.options = o.options ?? (this.readOnly ? { ro: true } : {});
    this.loadMeta();
    // Read-only mounts may be large host trees: they are never scanned and report no space.
    this.usedBytes = this.readOnly ? 0 : this.scan(this.root);
    this.cap = this.readOnly ? 0 : (o.capacity ?? DEFAULT_CAPACITY);
  }

  // ---- host paths -------------------------------------------------------

  /** Host path of `rel`, or null when a parent component is missing or a host symlink. */
  private probe(rel: string): { host: string; st: fs.Stats } | null {
    const parts = rel === '' ? [] : rel.split('/');
    // Skip the longest prefix already known to be a real directory (this JS job only).
    let start = parts.length - 1;
    while (start > 0 && !this.dirCache.has(parts.slice(0, start).join('/'))) start--;
    if (start < 0) start = 0;
    let host = start > 0 ? nodePath.join(this.root, ...parts.slice(0, start)) : this.root;
    let st: fs.Stats | null | undefined = null;
    if (start === 0) {
      st = lstat(host);
      if (!st) return null;
    }
    for (let i = start; i < parts.length; i++) {
      if ((st && !st.isDirectory()) || !hostSafe(parts[i])) return null;
      if (st && i > 0) this.rememberDir(parts.slice(0, i).join('/'));
      host = nodePath.join(host, parts[i]);
      st = lstat(host);
      if (!st) return null;
      if (st.isSymbolicLink() && i < parts.length - 1) return null;
    }
    if (!st) st = lstat(host);
    return st ? { host, st } : null;
  }

  /**
   * Directories verified (by lstat) to be real directories, so walking a deep
   * path does not lstat every prefix again for every component. Cleared by our
   * own removals and renames, and at the end of the current JS job.
   */
  private readonly dirCache = new Set<string>();
  private cacheArmed = false;

  private rememberDir(rel: string): void {
    this.dirCache.add(rel);
    if (!this.cacheArmed) {
      this.cacheArmed = true;
      queueMicrotask(() => { this.dirCache.clear(); this.cacheArmed = false; });
    }
  }

  /** Host path of an existing node that the VFS may touch (never through a symlink). */
  private hostOf(rel: string): string {
    const p = this.probe(rel);
    if (!p) throw new FsError('ENOENT');
    return p.host;
  }

  /** Host path for creating `rel`: the parent must be a real directory. */
  private hostForCreate(rel: string): string {
    const slash = rel.lastIndexOf('/');
    const parentRel = slash < 0 ? '' : rel.slice(0, slash);
    const parent = this.probe(parentRel);
    if (!parent) throw new FsError('ENOENT');
    if (!hostSafe(slash < 0 ? rel : rel.slice(slash + 1))) throw new FsError('EBADPATH');
    if (!parent.st.isDirectory()) throw new FsError('ENOTDIR');
    return nodePath.join(parent.host, slash < 0 ? rel : rel.slice(slash + 1));
  }

  private scan(dir: string): number {
    let total = 0;
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { return 0; }
    for (const name of names) {
      const p = nodePath.join(dir, name);
      let st: fs.Stats;
      try { st = fs.lstatSync(p); } catch { continue; }
      if (isTempName(name) && st.isFile()) { try { fs.unlinkSync(p); } catch { /* ignore */ } continue; }
      if (st.isDirectory()) total += this.scan(p);
      else if (st.isFile()) total += st.size;
    }
    return total;
  }

  // ---- metadata ---------------------------------------------------------

  private loadMeta(): void {
    if (!this.metaFile) return;
    let text: string;
    try { text = fs.readFileSync(this.metaFile, 'utf8'); } catch { return; }
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { return; }
    const nodes = (parsed as { nodes?: Record<string, unknown> })?.nodes;
    if (!nodes || typeof nodes !== 'object') return;
    for (const [rel, raw] of Object.entries(nodes)) {
      if (!this.probe(rel)) continue; // the node vanished from the host: forget it
      const r = raw as Record<string, unknown>;
      const rec: MetaRecord = sanitizeMeta(r);
      if (r.type === 'link' && typeof r.target === 'string') { rec.type = 'link'; rec.target = r.target; }
      else if (r.type === 'fifo') rec.type = 'fifo';
      if (typeof r.created === 'number') rec.created = r.created;
      if (typeof r.modified === 'number') rec.modified = r.modified;
      this.records.set(rel, rec);
    }
  }

  private markDirty(): void {
    if (!this.metaFile || this.readOnly) return;
    this.dirty = true;
    if (this.timer === null) {
      this.timer = this.clock.setTimer(META_DELAY_MS, () => { this.timer = null; this.writeMeta(); });
    }
  }

  private writeMeta(): void {
    if (!this.dirty || !this.metaFile) return;
    const nodes: Record<string, MetaRecord> = {};
    for (const k of [...this.records.keys()].sort()) nodes[k] = this.records.get(k)!;
    atomicWrite(this.metaFile, Buffer.from(JSON.stringify({ version: 1, nodes }, null, 1)));
    this.dirty = false;
  }

  sync(): void {
    if (this.timer !== null) { this.clock.cancelTimer(this.timer); this.timer = null; }
    this.writeMeta();
  }

  close(): void { this.sync(); }

  private record(rel: string): MetaRecord | undefined { return this.records.get(rel); }

  private setRecord(rel: string, meta: NodeMeta, extra: Partial<MetaRecord>): void {
    const prev = this.records.get(rel);
    const rec: MetaRecord = {
      owner: meta.owner, permissions: meta.permissions, worldPermissions: meta.worldPermissions, setuser: meta.setuser,
    };
    if (prev?.type) rec.type = prev.type;
    if (prev?.target !== undefined) rec.target = prev.target;
    if (prev?.created !== undefined) rec.created = prev.created;
    if (prev?.modified !== undefined) rec.modified = prev.modified;
    Object.assign(rec, extra);
    this.records.set(rel, rec);
    this.markDirty();
  }

  private dropRecords(rel: string): void {
    for (const k of [...this.records.keys()]) {
      if (k === rel || rel === '' || k.startsWith(rel + '/')) this.records.delete(k);
    }
    this.markDirty();
  }

  // ---- Backend ----------------------------------------------------------

  capacity(): number { return this.cap; }
  used(): number { return this.usedBytes; }

  lstat(rel: string): NodeInfo | null {
    const p = this.probe(rel);
    if (!p) return null;
    const rec = this.record(rel);
    const meta: NodeMeta = rec ? sanitizeMeta(rec) : defaultMeta();
    const created = rec?.created ?? Math.floor(p.st.birthtimeMs || p.st.ctimeMs);
    const modified = rec?.modified ?? Math.floor(p.st.mtimeMs);
    if (p.st.isSymbolicLink()) return { type: 'special', size: 0, created, modified, meta, special: 'host symlink' };
    if (p.st.isDirectory()) return { type: 'directory', size: 0, created, modified, meta };
    if (!p.st.isFile()) return { type: 'special', size: 0, created, modified, meta, special: 'host special file' };
    if (rec?.type === 'link') return { type: 'link', size: 0, created, modified, meta, link: rec.target };
    if (rec?.type === 'fifo') return { type: 'fifo', size: 0, created, modified, meta };
    return { type: 'file', size: p.st.size, created, modified, meta };
  }

  list(rel: string): string[] {
    const host = this.hostOf(rel);
    try {
      return fs.readdirSync(host).filter((n) => !isTempName(n));
    } catch (e) { throw hostError(e); }
  }

  read(rel: string): Uint8Array {
    const p = this.probe(rel);
    if (!p) throw new FsError('ENOENT');
    if (!p.st.isFile()) throw new FsError(p.st.isDirectory() ? 'EISDIR' : 'EACCES');
    try { return new Uint8Array(fs.readFileSync(p.host)); } catch (e) { throw hostError(e); }
  }

  private writable(): void { if (this.readOnly) throw new FsError('EROFS'); }

  write(rel: string, data: Uint8Array, meta: NodeMeta, now: number): void {
    this.writable();
    const existing = this.probe(rel);
    if (existing && !existing.st.isFile()) throw new FsError(existing.st.isDirectory() ? 'EISDIR' : 'EACCES');
    const host = existing ? existing.host : this.hostForCreate(rel);
    const oldSize = existing ? existing.st.size : 0;
    try { atomicWrite(host, data); } catch (e) { throw hostError(e); }
    this.usedBytes += data.length - oldSize;
    if (existing && this.records.has(rel)) this.setRecord(rel, this.records.get(rel)!, { modified: now });
    else if (existing) this.setRecord(rel, defaultMeta(), { modified: now });
    else { this.records.delete(rel); this.setRecord(rel, meta, { created: now, modified: now }); }
  }

  mkdir(rel: string, meta: NodeMeta, now: number): void {
    this.writable();
    const host = this.hostForCreate(rel);
    try { fs.mkdirSync(host); } catch (e) { throw hostError(e); }
    this.records.delete(rel);
    this.setRecord(rel, meta, { created: now, modified: now });
  }

  private placeholder(rel: string, meta: NodeMeta, now: number, extra: Partial<MetaRecord>): void {
    this.writable();
    const host = this.hostForCreate(rel);
    if (fs.existsSync(host)) throw new FsError('EEXIST');
    try { atomicWrite(host, new Uint8Array(0)); } catch (e) { throw hostError(e); }
    this.records.delete(rel);
    this.setRecord(rel, meta, { created: now, modified: now, ...extra });
  }

  mklink(rel: string, target: string, meta: NodeMeta, now: number): void {
    this.placeholder(rel, meta, now, { type: 'link', target });
  }

  mkfifo(rel: string, meta: NodeMeta, now: number): void {
    this.placeholder(rel, meta, now, { type: 'fifo' });
  }

  remove(rel: string): void {
    this.writable();
    if (rel === '') throw new FsError('EBUSY');
    this.dirCache.clear();
    const p = this.probe(rel);
    if (!p) throw new FsError('ENOENT');
    try {
      if (p.st.isDirectory()) fs.rmdirSync(p.host);
      else fs.unlinkSync(p.host); // unlinking a host symlink removes the link only
    } catch (e) { throw hostError(e); }
    if (p.st.isFile()) this.usedBytes -= p.st.size;
    this.dropRecords(rel);
  }

  rename(from: string, to: string, now: number): void {
    this.writable();
    this.dirCache.clear();
    const src = this.hostOf(from);
    const dst = this.hostForCreate(to);
    if (fs.existsSync(dst)) throw new FsError('EEXIST');
    try { fs.renameSync(src, dst); } catch (e) { throw hostError(e); }
    const moved: Array<[string, MetaRecord]> = [];
    for (const [k, v] of this.records) {
      if (k === from || k.startsWith(from + '/')) moved.push([k, v]);
    }
    for (const [k] of moved) this.records.delete(k);
    for (const [k, v] of moved) this.records.set(to + k.slice(from.length), v);
    const top = this.records.get(to);
    if (top) top.modified = now;
    this.markDirty();
  }

  setMeta(rel: string, meta: NodeMeta): void {
    this.writable();
    if (!this.probe(rel)) throw new FsError('ENOENT');
    this.setRecord(rel, meta, {});
  }
}
