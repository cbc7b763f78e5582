// Permission metadata: defaults, checks (reference/phoenix.md §1.9) and the
// chmod mode forms.
import { FsError } from './errors.js';
import type { Cred, NodeMeta, NodeType, Perm } from './types.js';

export const ROOT = 'root';

export function perm(read: boolean, write: boolean, execute: boolean): Perm {
  return { read, write, execute };
}

/** Metadata for nodes nobody has described (host files dropped in, rom): root's, world r-x. */
export function defaultMeta(): NodeMeta {
  return { owner: ROOT, permissions: {}, worldPermissions: perm(true, false, true), setuser: false };
}

/** Metadata for a node created by `user`: owner rw (rwx for directories), world r (r-x). */
export function newMeta(user: string, type: NodeType): NodeMeta {
  const dir = type === 'directory';
  const permissions: Record<string, Perm> = {};
  setEntry(permissions, user, perm(true, true, dir));
  return {
    owner: user,
    permissions,
    worldPermissions: perm(true, false, dir),
    setuser: false,
  };
}

/** Set a per-user entry as an own property, whatever the name (even '__proto__'). */
export function setEntry(rec: Record<string, Perm>, user: string, p: Perm): void {
  Object.defineProperty(rec, user, { value: p, enumerable: true, writable: true, configurable: true });
}

export function cloneMeta(m: NodeMeta): NodeMeta {
  const permissions: Record<string, Perm> = {};
  for (const [k, v] of Object.entries(m.permissions)) setEntry(permissions, k, { ...v });
  return { owner: m.owner, permissions, worldPermissions: { ...m.worldPermissions }, setuser: m.setuser };
}

/** The permissions that apply to `user`: their own entry if present, else the world's. */
export function effective(meta: NodeMeta, user: string): Perm {
  return Object.prototype.hasOwnProperty.call(meta.permissions, user) ? meta.permissions[user] : meta.worldPermissions;
}

export function allowed(cred: Cred, meta: NodeMeta, what: keyof Perm): boolean {
  if (cred.user === ROOT) return true;
  return effective(meta, cred.user)[what];
}

export function check(cred: Cred, meta: NodeMeta, what: keyof Perm): void {
  if (!allowed(cred, meta, what)) throw new FsError('EACCES');
}

export function isOwnerOrRoot(cred: Cred, meta: NodeMeta): boolean {
  return cred.user === ROOT || cred.user === meta.owner;
}

/** A chmod mode as the Lua side may give it. */
export type ChmodMode = number | string | { read?: unknown; write?: unknown; execute?: unknown; setuser?: unknown };

/**
 * Apply a chmod mode to `meta` (a copy is returned) for `user` (null = world).
 *  - number: bits 4 read, 2 write, 1 execute, 8 (octal 010) setuser;
 *  - "+rx" / "-w" / "+s": add or remove from the current permissions;
 *  - "r-s": three characters, 's' meaning execute plus setuser;
 *  - "rx": exactly the permissions named;
 *  - table {read?, write?, execute?, setuser?}: set the given fields.
 */
export function applyChmod(meta: NodeMeta, user: string | null, mode: ChmodMode): NodeMeta {
  const out = cloneMeta(meta);
  const current: Perm = { ...(user === null ? out.worldPermissions : effective(out, user)) };
  let next = current;
  let setuser: boolean | undefined;
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o17) throw new FsError('EINVALMODE');
    next = perm((mode & 4) !== 0, (mode & 2) !== 0, (mode & 1) !== 0);
    setuser = (mode & 8) !== 0;
  } else if (typeof mode === 'string') {
    if (/^[+-][rwxs]+$/.test(mode)) {
      const on = mode[0] === '+';
      for (const ch of mode.slice(1)) {
        if (ch === 'r') next.read = on;
        else if (ch === 'w') next.write = on;
        else if (ch === 'x') next.execute = on;
        else if (ch === 's') { setuser = on; if (on) next.execute = true; }
      }
    } else if (/^[r-][w-][xs-]$/.test(mode)) {
      next = perm(mode[0] === 'r', mode[1] === 'w', mode[2] !== '-');
      setuser = mode[2] === 's';
    } else if (/^[rwxs]+$/.test(mode)) {
      // "rx": exactly these permissions
      next = perm(mode.includes('r'), mode.includes('w'), mode.includes('x') || mode.includes('s'));
      setuser = mode.includes('s');
    } else {
      throw new FsError('EINVALMODE');
    }
  } else if (mode && typeof mode === 'object') {
    const t = mode as Record<string, unknown>;
    for (const k of ['read', 'write', 'execute', 'setuser']) {
      if (t[k] !== undefined && typeof t[k] !== 'boolean') throw new FsError('EINVALMODE');
    }
    if (typeof t.read === 'boolean') next.read = t.read;
    if (typeof t.write === 'boolean') next.write = t.write;
    if (typeof t.execute === 'boolean') next.execute = t.execute;
    if (typeof t.setuser === 'boolean') setuser = t.setuser;
  } else {
    throw new FsError('EINVALMODE');
  }
  if (user === null) out.worldPermissions = next;
  else setEntry(out.permissions, user, next);
  if (setuser !== undefined) out.setuser = setuser;
  return out;
}

/** Parse metadata read from a meta file, tolerating missing or odd fields. */
export function sanitizeMeta(raw: unknown): NodeMeta {
  const d = defaultMeta();
  if (!raw || typeof raw !== 'object') return d;
  const r = raw as Record<string, unknown>;
  const p = (v: unknown, fallback: Perm): Perm => {
    if (!v || typeof v !== 'object') return fallback;
    const o = v as Record<string, unknown>;
    return perm(o.read === true, o.write === true, o.execute === true);
  };
  const permissions: Record<string, Perm> = {};
  if (r.permissions && typeof r.permissions === 'object') {
    for (const [k, v] of Object.entries(r.permissions as Record<string, unknown>)) setEntry(permissions, k, p(v, perm(false, false, false)));
  }
  return {
    owner: typeof r.owner === 'string' ? r.owner : d.owner,
    permissions,
    worldPermissions: p(r.worldPermissions, d.worldPermissions),
    setuser: r.setuser === true,
  };
}
