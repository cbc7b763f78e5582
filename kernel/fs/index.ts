// The filesystem of a computer: VFS, filesystem types, and the standard layout.
//   /            craftos  <dataDir>/computers/<id>   (meta: <dataDir>/computers/<id>.meta.json)
//   /rom         craftos  romDir, read-only
//   /lib/system  craftos  libsystemDir, read-only
//   /tmp         tmpfs
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { FsError } from './errors.js';
import { HostFs, FsClock } from './hostfs.js';
import { components } from './path.js';
import type { ChangeListener, MountOptions } from './types.js';
import { Vfs } from './vfs.js';

export * from './errors.js';
export * from './types.js';
export * as fspath from './path.js';
export { Vfs, MAX_LINK_DEPTH, FIFO_LIMIT, MAX_OPEN_FILES } from './vfs.js';
export type { BackendFactory, VfsOptions } from './vfs.js';
export { HostFs, DEFAULT_CAPACITY } from './hostfs.js';
export type { FsClock, HostFsOptions } from './hostfs.js';
export { TmpFs } from './tmpfs.js';
import { TmpFs } from './tmpfs.js';
export { applyChmod, defaultMeta, newMeta, effective, allowed } from './meta.js';
export type { ChmodMode } from './meta.js';
export { watchersFor, FsWatchers } from './watch.js';

export interface ComputerVfsOptions {
  dataDir: string;
  computerId: number;
  romDir: string;
  libsystemDir: string;
  clock: FsClock;
  onChange?: ChangeListener;
  /** Capacity of the root filesystem in bytes (default 64 MiB). */
  capacity?: number;
}

function optNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** Build the VFS of computer `computerId` with the standard mounts. */
export function createComputerVfs(opts: ComputerVfsOptions): Vfs {
  const computers = nodePath.join(opts.dataDir, 'computers');
  const rootDir = nodePath.join(computers, String(opts.computerId));
  const vfs = new Vfs({ clock: opts.clock, onChange: opts.onChange });
  const root = new HostFs({
    root: rootDir, create: true, clock: opts.clock, capacity: opts.capacity,
    metaFile: nodePath.join(computers, `${opts.computerId}.meta.json`), source: rootDir,
  });
  vfs.attach('/', root);
  for (const dir of ['rom', 'lib/system', 'tmp']) {
    const host = nodePath.join(root.root, ...dir.split('/'));
    if (!fs.existsSync(host)) fs.mkdirSync(host, { recursive: true });
  }
  vfs.attach('/rom', new HostFs({ root: opts.romDir, readOnly: true, metaFile: null, clock: opts.clock, source: opts.romDir }));
  vfs.attach('/lib/system', new HostFs({ root: opts.libsystemDir, readOnly: true, metaFile: null, clock: opts.clock, source: opts.libsystemDir }));
  vfs.attach('/tmp', new TmpFs({ now: opts.clock.epoch(), source: 'tmpfs' }));

  // mount("craftos", source, ...) from Lua: `source` is a folder inside this
  // computer's own host folder, so no mount can reach the rest of the host.
  vfs.registerType('craftos', (source: string, options: MountOptions) => {
    const parts = components(source);
    const host = nodePath.join(root.root, ...parts);
    let real: string;
    try { real = fs.realpathSync(host); } catch { throw new FsError('EBADSOURCE'); }
    if (real !== root.root && !real.startsWith(root.root + nodePath.sep)) throw new FsError('EBADSOURCE');
    if (!fs.statSync(real).isDirectory()) throw new FsError('EBADSOURCE');
    const readOnly = options.ro === true || options.rw === false;
    const metaFile = readOnly ? null : nodePath.join(computers, `${opts.computerId}.mount-${parts.join('_') || 'root'}.meta.json`);
    return new HostFs({
      root: real, readOnly, metaFile, clock: opts.clock, capacity: optNumber(options.capacity),
      source: '/' + parts.join('/'), options,
    });
  });
  return vfs;
}
