// The device tree of one computer (reference/phoenix.md §1.13, §6.1–6.3):
// nodes addressed by path, deterministic UUID or bare ID/alias, carrying
// drivers (typed method and property sets), static metadata and mutable
// driver state; listeners receive the node's events; a lock makes one
// process the exclusive user of a node (its calls and its events).
//
// One tree per Computer, created on first use by `devicesOf` (devices/index.ts),
// so the kernel core needs no device hook.
import { createHash } from 'node:crypto';
import type { Computer } from '../kernel/computer.js';
import type { Process } from '../kernel/process.js';
import type { LuaValue } from '../kernel/vm/values.js';

/** A method of a driver: called with the node and the calling process first (null: the kernel). */
export type DriverMethod = (node: DeviceNode, proc: Process | null, ...args: LuaValue[]) => LuaValue[] | void;

export interface Driver {
  name: string;
  type: string;
  /** Property `foo` means the method `getFoo` exists (and `setFoo` when writable). */
  properties: string[];
  methods: Record<string, DriverMethod>;
  /** Methods only root may call. */
  rootOnly?: string[];
  init?(node: DeviceNode): void;
  deinit?(node: DeviceNode): void;
}

/** Thrown by drivers and the tree; the message reaches Lua as-is. */
export class DeviceError extends Error {}

/** Phoenix's root namespace UUID (§6.1); the root's UUID is v5(namespace bytes .. tostring(id)). */
const ROOT_NAMESPACE = 'a6f53b7d-50f3-4e51-adef-8728c83e3f3a';

/** A version-5 (SHA-1, name-based) UUID of `name` in namespace `ns`. */
export function uuidV5(ns: string, name: string): string {
  const nsBytes = Buffer.from(ns.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(nsBytes).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class DeviceNode {
  readonly children = new Map<string, DeviceNode>();
  readonly drivers: Driver[] = [];
  /** Processes that called devlisten, in subscription order. */
  readonly listeners = new Set<Process>();
  /** Kernel-side listeners (the rednet hook, the World's observers). */
  readonly hooks = new Set<(event: string, params: Record<string, LuaValue>) => void>();
  alias: string | undefined;
  displayName: string;
  /** Process holding the lock, if any. */
  lockedBy: Process | null = null;
  /** Mutable driver state, keyed by driver name. */
  readonly state = new Map<string, unknown>();
  removed = false;

  constructor(
    readonly tree: DeviceTree,
    readonly id: string,
    readonly uuid: string,
    readonly parent: DeviceNode | null,
    readonly metadata: Record<string, LuaValue>,
  ) {
    this.displayName = id;
  }

  get path(): string {
    if (!this.parent) return '/';
    const up = this.parent.path;
    return up === '/' ? `/${this.id}` : `${up}/${this.id}`;
  }

  get computer(): Computer { return this.tree.computer; }

  hasType(type: string): boolean { return this.drivers.some((d) => d.type === type); }

  driverOf(type: string): Driver | undefined { return this.drivers.find((d) => d.type === type); }

  /** Every method name, including the get/set methods of properties. */
  methodNames(): string[] {
    const out: string[] = [];
    for (const d of this.drivers) for (const m of Object.keys(d.methods)) if (!out.includes(m)) out.push(m);
    return out;
  }

  propertyNames(): string[] {
    const out: string[] = [];
    for (const d of this.drivers) for (const p of d.properties) if (!out.includes(p)) out.push(p);
    return out;
  }

  /** True when `proc` may use the node: not locked, or locked by itself. Kernel calls (null) always may. */
  usableBy(proc: Process | null): boolean {
    const l = this.lockedBy;
    return !l || !proc || l === proc || !l.alive;
  }

  /** Call a method as `proc`: the first driver that has it wins (§6.2). */
  call(proc: Process | null, method: string, args: LuaValue[]): LuaValue[] {
    if (this.removed) throw new DeviceError('No such device');
    if (!this.usableBy(proc)) throw new DeviceError('Device is locked');
    for (const d of this.drivers) {
      const fn = d.methods[method];
      if (!fn) continue;
      if (d.rootOnly?.includes(method) && proc && !proc.isRoot) throw new DeviceError('Permission denied');
      return fn(this, proc, ...args) ?? [];
    }
    throw new DeviceError('No such method');
  }

  /** Post an event to every listener, except when another process holds the lock (§6.3). */
  broadcast(event: string, params: Record<string, LuaValue>): void {
    for (const h of this.hooks) h(event, params);
    for (const p of this.listeners) {
      if (!p.alive) { this.listeners.delete(p); continue; }
      if (this.usableBy(p)) p.queueEvent(event, params);
    }
  }
}

export interface AddOptions {
  metadata?: Record<string, LuaValue>;
  displayName?: string;
  drivers?: Driver[];
}

export class DeviceTree {
  readonly root: DeviceNode;

  constructor(readonly computer: Computer) {
    this.root = new DeviceNode(this, String(computer.id), uuidV5(ROOT_NAMESPACE, String(computer.id)), null, { id: computer.id });
    this.root.displayName = computer.label ?? `computer_${computer.id}`;
  }

  /** Add a child node, register its drivers, tell the parent's listeners (`device_added`). */
  add(parent: DeviceNode, name: string, opts: AddOptions = {}): DeviceNode {
    if (!name || name.includes('/')) throw new DeviceError(`Invalid device name '${name}'`);
    if (parent.children.has(name)) throw new DeviceError(`Device ${parent.path === '/' ? '' : parent.path}/${name} already exists`);
    const node = new DeviceNode(this, name, uuidV5(parent.uuid, name), parent, Object.freeze({ ...(opts.metadata ?? {}) }));
    if (opts.displayName) node.displayName = opts.displayName;
    parent.children.set(name, node);
    this.order = null;
    for (const d of opts.drivers ?? []) this.register(node, d);
    parent.broadcast('device_added', { device: node.path });
    return node;
  }

  /** Remove a node and its children (drivers deinitialised, listeners told `device_removed`). */
  remove(node: DeviceNode): void {
    if (!node.parent) throw new DeviceError('Cannot remove the root device');
    for (const child of [...node.children.values()]) this.remove(child);
    const path = node.path;
    for (const d of [...node.drivers].reverse()) this.deregister(node, d);
    node.parent.children.delete(node.id);
    this.order = null;
    node.removed = true;
    node.parent.broadcast('device_removed', { device: path });
  }

  register(node: DeviceNode, driver: Driver): void {
    if (node.drivers.includes(driver)) return;
    node.drivers.push(driver);
    driver.init?.(node);
  }

  deregister(node: DeviceNode, driver: Driver): void {
    const i = node.drivers.indexOf(driver);
    if (i < 0) return;
    node.drivers.splice(i, 1);
    driver.deinit?.(node);
  }

  /** Every node, depth-first, children in name order (so ambiguous lookups are deterministic). */
  walk(from: DeviceNode = this.root): DeviceNode[] {
    if (from === this.root && this.order) return this.order;
    const out: DeviceNode[] = [];
    const visit = (n: DeviceNode) => {
      out.push(n);
      for (const name of [...n.children.keys()].sort()) visit(n.children.get(name)!);
    };
    visit(from);
    if (from === this.root) this.order = out;
    return out;
  }

  /** The whole tree in walk order, kept until the tree changes (lookups are frequent, changes rare). */
  private order: DeviceNode[] | null = null;

  byPath(path: string): DeviceNode | null {
    let node: DeviceNode | undefined = this.root;
    for (const part of path.split('/')) {
      if (part === '') continue;
      node = node.children.get(part);
      if (!node) return null;
    }
    return node;
  }

  /** Resolve a device argument: a path (contains '/'), a UUID, or every node whose ID or alias matches. */
  lookup(name: string): DeviceNode[] {
    if (name.includes('/')) { const n = this.byPath(name); return n ? [n] : []; }
    if (UUID_RE.test(name)) {
      const lower = name.toLowerCase();
      for (const n of this.walk()) if (n.uuid === lower) return [n];
      return [];
    }
    const out: DeviceNode[] = [];
    for (const n of this.walk()) if (n.id === name || n.alias === name) out.push(n);
    return out;
  }

  /** The first match of `lookup`, or an error ("No such device"). */
  get(name: string): DeviceNode {
    const n = this.lookup(name)[0];
    if (!n) throw new DeviceError('No such device');
    return n;
  }

  find(type: string): DeviceNode[] {
    const out: DeviceNode[] = [];
    for (const n of this.walk()) if (n.hasType(type)) out.push(n);
    return out;
  }
}
