// Shared shapes of the VFS: credentials, permission metadata, node info,
// the backend interface every filesystem type implements, stat results.

/** Who is asking. `root` is the chroot of the caller (absolute link targets
 * resolve under it); `pid` is reported in fsevents. */
export interface Cred {
  user: string;
  root?: string;
  pid?: number;
}

export interface Perm { read: boolean; write: boolean; execute: boolean }

export interface NodeMeta {
  owner: string;
  permissions: Record<string, Perm>;
  worldPermissions: Perm;
  setuser: boolean;
}

export type NodeType = 'file' | 'directory' | 'link' | 'fifo' | 'special';

/** What a backend knows about one node (without following links). */
export interface NodeInfo {
  type: NodeType;
  size: number;
  created: number;
  modified: number;
  meta: NodeMeta;
  /** Target of a link (a VFS path, relative to the link's directory when relative). */
  link?: string;
  special?: unknown;
}

export type MountOptions = Record<string, unknown>;

/**
 * A filesystem type. Paths are relative to the mount point: '' is the mount
 * root, otherwise 'a/b' (already normalised; never '.', '..' or empty parts).
 * Backends store data and metadata; the VFS does permission checks, link
 * resolution, recursion and events.
 */
export interface Backend {
  readonly type: string;
  readonly source: string;
  readonly options: MountOptions;
  readonly readOnly: boolean;
  capacity(): number;
  used(): number;
  lstat(rel: string): NodeInfo | null;
  list(rel: string): string[];
  read(rel: string): Uint8Array;
  /** Replace (or create, with `meta`) a file's contents atomically. */
  write(rel: string, data: Uint8Array, meta: NodeMeta, now: number): void;
  mkdir(rel: string, meta: NodeMeta, now: number): void;
  mklink(rel: string, target: string, meta: NodeMeta, now: number): void;
  mkfifo(rel: string, meta: NodeMeta, now: number): void;
  /** Remove one node; directories must already be empty. */
  remove(rel: string): void;
  rename(from: string, to: string, now: number): void;
  setMeta(rel: string, meta: NodeMeta): void;
  /** Write pending metadata now. */
  sync(): void;
  /** Called when unmounted (after sync). */
  close(): void;
}

/** A change notification (reference/phoenix.md §5.2). For `*_child` kinds,
 * `path` is the directory and `name` the child's name. */
export interface FsChange {
  path: string;
  event: string;
  name?: string;
  user: string;
  pid?: number;
}

export type ChangeListener = (ev: FsChange) => void;

/** stat() result, fields as in reference/phoenix.md §2.3. */
export interface FsStat {
  size: number;
  type: NodeType;
  created: number;
  modified: number;
  owner: string;
  mountpoint: string;
  link?: string;
  capacity: number;
  freeSpace: number;
  permissions: Record<string, Perm>;
  worldPermissions: Perm;
  setuser: boolean;
  special?: unknown;
}

export interface MountInfo {
  path: string;
  type: string;
  source: string;
  options: MountOptions;
}

export type SeekWhence = 'set' | 'cur' | 'end';

/** An open file. Reads return bytes (null at end of file). */
export interface VfsFile {
  readonly path: string;
  readonly mode: string;
  readonly binary: boolean;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly closed: boolean;
  read(n?: number): Uint8Array | null;
  readLine(keepNewline?: boolean): Uint8Array | null;
  readAll(): Uint8Array | null;
  write(data: Uint8Array): void;
  flush(): void;
  close(): void;
  seek(whence?: SeekWhence, offset?: number): number;
}
