// `tmpfs`: a filesystem held in memory, lost at shutdown.
import { FsError } from './errors.js';
import { cloneMeta, perm } from './meta.js';
import type { Backend, MountOptions, NodeInfo, NodeMeta, NodeType } from './types.js';

export const TMPFS_DEFAULT_CAPACITY = 16 * 1024 * 1024;

interface TNode {
  type: NodeType;
  meta: NodeMeta;
  created: number;
  modified: number;
  data?: Uint8Array;
  children?: Map<string, TNode>;
  link?: string;
}

export interface TmpFsOptions {
  now: number;
  capacity?: number;
  source?: string;
  options?: MountOptions;
  /** Metadata of the root directory; default owner root, world rwx (like /tmp). */
  rootMeta?: NodeMeta;
}

export class TmpFs implements Backend {
  readonly type = 'tmpfs';
  readonly source: string;
  readonly options: MountOptions;
  readonly readOnly: boolean;
  private readonly root: TNode;
  private readonly cap: number;
  private usedBytes = 0;

  constructor(o: TmpFsOptions) {
    this.source = o.source ?? 'tmpfs';
    this.options = o.options ?? {};
    this.readOnly = this.options.ro === true;
    const cap = Number(this.options.capacity ?? o.capacity ?? TMPFS_DEFAULT_CAPACITY);
    this.cap = Number.isFinite(cap) && cap >= 0 ? cap : TMPFS_DEFAULT_CAPACITY;
    this.root = {
      type: 'directory', created: o.now, modified: o.now, children: new Map(),
      meta: o.rootMeta ?? { owner: 'root', permissions: {}, worldPermissions: perm(true, true, true), setuser: false },
    };
  }

  private find(rel: string): TNode | null {
    let node = this.root;
    if (rel === '') return node;
    for (const part of rel.split('/')) {
      const next = node.children?.get(part);
      if (!next) return null;
      node = next;
    }
    return node;
  }

  private parentOf(rel: string): { dir: TNode; name: string } {
    const slash = rel.lastIndexOf('/');
    const dir = this.find(slash < 0 ? '' : rel.slice(0, slash));
    if (!dir) throw new FsError('ENOENT');
    if (dir.type !== 'directory') throw new FsError('ENOTDIR');
    return { dir, name: slash < 0 ? rel : rel.slice(slash + 1) };
  }

  private writable(): void { if (this.readOnly) throw new FsError('EROFS'); }

  capacity(): number { return this.cap; }
  used(): number { return this.usedBytes; }

  lstat(rel: string): NodeInfo | null {
    const n = this.find(rel);
    if (!n) return null;
    return {
      type: n.type, size: n.data?.length ?? 0, created: n.created, modified: n.modified,
      meta: cloneMeta(n.meta), ...(n.link !== undefined ? { link: n.link } : {}),
    };
  }

  list(rel: string): string[] {
    const n = this.find(rel);
    if (!n) throw new FsError('ENOENT');
    if (!n.children) throw new FsError('ENOTDIR');
    return [...n.children.keys()];
  }

  read(rel: string): Uint8Array {
    const n = this.find(rel);
    if (!n) throw new FsError('ENOENT');
    if (n.type === 'directory') throw new FsError('EISDIR');
    return Uint8Array.from(n.data ?? []);
  }

  write(rel: string, data: Uint8Array, meta: NodeMeta, now: number): void {
    this.writable();
    const n = this.find(rel);
    if (n) {
      if (n.type !== 'file') throw new FsError(n.type === 'directory' ? 'EISDIR' : 'EACCES');
      this.usedBytes += data.length - (n.data?.length ?? 0);
      n.data = Uint8Array.from(data);
      n.modified = now;
      return;
    }
    const { dir, name } = this.parentOf(rel);
    dir.children!.set(name, { type: 'file', meta: cloneMeta(meta), created: now, modified: now, data: Uint8Array.from(data) });
    this.usedBytes += data.length;
  }

  private create(rel: string, node: TNode): void {
    this.writable();
    const { dir, name } = this.parentOf(rel);
    if (dir.children!.has(name)) throw new FsError('EEXIST');
    dir.children!.set(name, node);
  }

  mkdir(rel: string, meta: NodeMeta, now: number): void {
    this.create(rel, { type: 'directory', meta: cloneMeta(meta), created: now, modified: now, children: new Map() });
  }

  mklink(rel: string, target: string, meta: NodeMeta, now: number): void {
    this.create(rel, { type: 'link', meta: cloneMeta(meta), created: now, modified: now, link: target });
  }

  mkfifo(rel: string, meta: NodeMeta, now: number): void {
    this.create(rel, { type: 'fifo', meta: cloneMeta(meta), created: now, modified: now });
  }

  remove(rel: string): void {
    this.writable();
    if (rel === '') throw new FsError('EBUSY');
    const { dir, name } = this.parentOf(rel);
    const n = dir.children!.get(name);
    if (!n) throw new FsError('ENOENT');
    if (n.children && n.children.size) throw new FsError('ENOTEMPTY');
    this.usedBytes -= n.data?.length ?? 0;
    dir.children!.delete(name);
  }

  rename(from: string, to: string, now: number): void {
    this.writable();
    const src = this.parentOf(from);
    const node = src.dir.children!.get(src.name);
    if (!node) throw new FsError('ENOENT');
    const dst = this.parentOf(to);
    if (dst.dir.children!.has(dst.name)) throw new FsError('EEXIST');
    src.dir.children!.delete(src.name);
    dst.dir.children!.set(dst.name, node);
    node.modified = now;
  }

  setMeta(rel: string, meta: NodeMeta): void {
    this.writable();
    const n = this.find(rel);
    if (!n) throw new FsError('ENOENT');
    n.meta = cloneMeta(meta);
  }

  sync(): void {}
  close(): void {}
}
