// VFS path arithmetic. VFS paths are absolute, '/'-separated, with no '.',
// '..' or empty components; '..' is clamped at the root so no path can climb
// above '/'. Host paths are only ever derived from such normalised paths.
import { FsError } from './errors.js';

/** Split a path into components, resolving '.' and '..' (clamped at the root). */
export function components(path: string): string[] {
  if (path.includes('\0')) throw new FsError('EBADPATH');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') { out.pop(); continue; }
    out.push(part);
  }
  return out;
}

/** Normalise to an absolute VFS path ('/a/b'). Relative input is taken from the root. */
export function normalize(path: string): string {
  return '/' + components(path).join('/');
}

/** Join paths: later absolute parts restart from the root; result is normalised. */
export function join(...parts: string[]): string {
  let acc = '/';
  for (const p of parts) acc = p.startsWith('/') ? p : acc + '/' + p;
  return normalize(acc);
}

/** Resolve `path` against a base directory (both VFS paths). */
export function resolve(base: string, path: string): string {
  return path.startsWith('/') ? normalize(path) : normalize(base + '/' + path);
}

export function dirname(path: string): string {
  const c = components(path);
  c.pop();
  return '/' + c.join('/');
}

export function basename(path: string): string {
  const c = components(path);
  return c.length ? c[c.length - 1] : '';
}

/** True when `path` equals `prefix` or lies below it (both normalised). */
export function isWithin(path: string, prefix: string): boolean {
  if (prefix === '/') return true;
  return path === prefix || path.startsWith(prefix + '/');
}

/** The part of `path` below `prefix` as a relative path ('' for the prefix itself). */
export function relativeTo(path: string, prefix: string): string {
  if (prefix === '/') return path.slice(1);
  return path === prefix ? '' : path.slice(prefix.length + 1);
}

/** Put a path (relative to a root) under that root: chroot('/jail', '/a') = '/jail/a'. */
export function underRoot(root: string, path: string): string {
  const p = normalize(path);
  if (root === '/') return p;
  return p === '/' ? root : root + p;
}

/** Strip a chroot prefix from a real VFS path; null when outside the root. */
export function stripRoot(root: string, path: string): string | null {
  if (root === '/') return path;
  if (!isWithin(path, root)) return null;
  const rel = relativeTo(path, root);
  return '/' + rel;
}

/**
 * CraftOS-style combine: join the parts and resolve '.'/'..'. The result is
 * absolute when the first part is, otherwise relative (unresolvable leading
 * '..' are kept for relative results, never for absolute ones).
 */
export function combine(...parts: string[]): string {
  const absolute = parts.length > 0 && parts[0].startsWith('/');
  const out: string[] = [];
  for (const part of parts.join('/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  return (absolute ? '/' : '') + out.join('/');
}

/** Alias of normalize() for callers outside kernel/fs. */
export const normalizePath = normalize;
