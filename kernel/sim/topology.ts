// The topology file of `cinder sim` (docs/sim.md): parsed and checked into
// typed records, with messages that name the bad field by its path
// ("computers[1].modems[0].medium: unknown medium 'lan2' (known: air, lan)").
// A hand-written checker rather than a JSON-Schema library: the rules that
// matter (IDs unique, media referenced exist, fault targets exist) are
// cross-field rules a schema cannot state, and no dependency is needed.
import type { LinkConditions } from '../../devices/media/conditions.js';
import type { Cable } from '../../devices/media/wired.js';
import type { RangeConfig } from '../../devices/media/wireless.js';

export class TopologyError extends Error {
  constructor(readonly errors: string[]) { super(errors.join('\n')); }
}

export interface MediumTopo {
  name: string;
  kind: 'wired' | 'wireless' | 'ender';
  conditions: Partial<LinkConditions>;
  ranges: Partial<RangeConfig>;
  cables?: Cable[];
  length?: number;
}

export interface ModemTopo { side: string; medium: string; ender: boolean }
export interface PeripheralTopo { side: string; type: 'monitor' | 'printer' | 'speaker' | 'drive' | 'computer'; id?: number }

export interface ComputerTopo {
  id: number;
  label?: string;
  position: [number, number, number];
  dimension: string;
  modems: ModemTopo[];
  peripherals: PeripheralTopo[];
  /** destination path inside the computer → source path on the host (already resolved). */
  files: Array<[string, string]>;
  startup?: { path: string; args: string[] };
  user: string;
  eventQueue?: number;
  /** Kernel arguments (reference/phoenix.md §1.2); computers boot headless unless `headless` is "false". */
  kernargs: Record<string, string>;
}

export type FaultTopo = { at: number; index: number } & (
  | { kind: 'partition'; groups: number[][]; medium?: string }
  | { kind: 'heal'; medium?: string }
  | { kind: 'kill'; id: number }
  | { kind: 'reboot'; id: number }
  | { kind: 'turnOn'; id: number }
  | { kind: 'conditions'; medium: string; conditions: Partial<LinkConditions> }
);

export interface Topology {
  seed: number;
  forMs: number;
  realtime: boolean;
  media: MediumTopo[];
  computers: ComputerTopo[];
  faults: FaultTopo[];
}

export const DEFAULT_FOR_MS = 60_000;

/** "60s", "1.5s", "250ms", "2m", "1h", or a number of seconds → milliseconds; null if malformed. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1000 : null;
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

const CONDITION_KEYS = ['latency', 'jitter', 'loss', 'duplicate', 'reorder', 'reorderWindow'] as const;
const SIDE_RE = /^[A-Za-z0-9_:.\-]+$/;

class Checker {
  readonly errors: string[] = [];
  err(path: string, msg: string): void { this.errors.push(`${path}: ${msg}`); }

  /** Report keys not in `known` (typos), suggesting a close one. */
  keys(o: Obj, path: string, known: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (known.includes(k)) continue;
      const close = known.find((x) => x.toLowerCase() === k.toLowerCase());
      this.err(`${path}${path ? '.' : ''}${k}`, `unknown field${close ? ` (did you mean '${close}'?)` : ` (expected one of: ${known.join(', ')})`}`);
    }
  }

  int(v: unknown, path: string, min = -Infinity, max = Infinity): number | undefined {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.err(path, `expected an integer${min > -Infinity ? ` from ${min}` : ''}${max < Infinity ? ` to ${max}` : ''}, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  }

  prob(v: unknown, path: string): number | undefined {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) { this.err(path, `expected a probability from 0 to 1, got ${JSON.stringify(v)}`); return undefined; }
    return v;
  }

  duration(v: unknown, path: string): number | undefined {
    const d = parseDuration(v);
    if (d === null) { this.err(path, `expected a duration such as "5ms", "2s", "1m" or a number of seconds, got ${JSON.stringify(v)}`); return undefined; }
    return d;
  }

  str(v: unknown, path: string): string | undefined {
    if (typeof v !== 'string' || v === '') { this.err(path, `expected a non-empty string, got ${JSON.stringify(v)}`); return undefined; }
    return v;
  }

  conditions(o: Obj, path: string): Partial<LinkConditions> {
    const c: Partial<LinkConditions> = {};
    for (const k of CONDITION_KEYS) {
      if (o[k] === undefined) continue;
      const p = `${path}.${k}`;
      const v = k === 'latency' || k === 'jitter' || k === 'reorderWindow' ? this.duration(o[k], p) : this.prob(o[k], p);
      if (v !== undefined) c[k] = v;
    }
    return c;
  }
}

/** Check a parsed JSON topology. `resolve` turns a file path from the topology into a host path. */
export function checkTopology(raw: unknown, resolve: (p: string) => string = (p) => p): Topology {
  const ck = new Checker();
  if (!isObj(raw)) throw new TopologyError([`topology: expected a JSON object, got ${kindOf(raw)}`]);
  ck.keys(raw, '', ['seed', 'for', 'realtime', 'media', 'computers', 'faults', 'description']);
  const topo: Topology = { seed: 0, forMs: DEFAULT_FOR_MS, realtime: false, media: [], computers: [], faults: [] };
  if (raw.seed !== undefined) topo.seed = ck.int(raw.seed, 'seed', 0, 0xffffffff) ?? 0;
  if (raw.for !== undefined) topo.forMs = ck.duration(raw.for, 'for') ?? DEFAULT_FOR_MS;
  if (raw.realtime !== undefined) {
    if (typeof raw.realtime !== 'boolean') ck.err('realtime', `expected true or false, got ${JSON.stringify(raw.realtime)}`);
    else topo.realtime = raw.realtime;
  }

  // media
  const mediaNames = new Set<string>();
  if (raw.media !== undefined && !isObj(raw.media)) ck.err('media', `expected an object of named media, got ${kindOf(raw.media)}`);
  for (const [name, m] of Object.entries(isObj(raw.media) ? raw.media : {})) {
    const path = `media.${name}`;
    mediaNames.add(name);
    if (!isObj(m)) { ck.err(path, `expected an object, got ${kindOf(m)}`); continue; }
    const kind = m.kind;
    if (kind !== 'wired' && kind !== 'wireless' && kind !== 'ender') {
      ck.err(`${path}.kind`, `expected "wired", "wireless" or "ender", got ${JSON.stringify(kind)}`);
      continue;
    }
    const known: string[] = ['kind', ...CONDITION_KEYS];
    if (kind === 'wireless') known.push('range', 'highAltitudeRange', 'buildHeight');
    if (kind === 'wired') known.push('cables', 'length');
    ck.keys(m, path, known);
    const medium: MediumTopo = { name, kind, conditions: ck.conditions(m, path), ranges: {} };
    for (const k of ['range', 'highAltitudeRange', 'buildHeight'] as const) {
      if (m[k] === undefined) continue;
      if (typeof m[k] !== 'number' || !((m[k] as number) >= 0)) ck.err(`${path}.${k}`, `expected a number of blocks ≥ 0, got ${JSON.stringify(m[k])}`);
      else medium.ranges[k] = m[k] as number;
    }
    if (m.length !== undefined) {
      if (typeof m.length !== 'number' || !(m.length >= 0)) ck.err(`${path}.length`, `expected a cable length in blocks ≥ 0, got ${JSON.stringify(m.length)}`);
      else medium.length = m.length;
    }
    if (m.cables !== undefined) {
      if (!Array.isArray(m.cables)) ck.err(`${path}.cables`, `expected a list of [from, to, length], got ${kindOf(m.cables)}`);
      else {
        medium.cables = [];
        m.cables.forEach((c, i) => {
          const ok = Array.isArray(c) && c.length === 3 && (typeof c[0] === 'number' || typeof c[0] === 'string')
            && (typeof c[1] === 'number' || typeof c[1] === 'string') && typeof c[2] === 'number' && c[2] >= 0;
          if (!ok) ck.err(`${path}.cables[${i}]`, `expected [from, to, length] (computer IDs or junction names, length ≥ 0), got ${JSON.stringify(c)}`);
          else medium.cables!.push(c as Cable);
        });
      }
    }
    topo.media.push(medium);
  }
  const knownMedia = () => [...mediaNames].join(', ') || 'none declared';

  // computers
  const ids = new Map<number, number>();
  if (!Array.isArray(raw.computers)) ck.err('computers', `expected a list of computers, got ${kindOf(raw.computers)}`);
  (Array.isArray(raw.computers) ? raw.computers : []).forEach((c, i) => {
    const path = `computers[${i}]`;
    if (!isObj(c)) { ck.err(path, `expected an object, got ${kindOf(c)}`); return; }
    ck.keys(c, path, ['id', 'label', 'position', 'dimension', 'modems', 'peripherals', 'files', 'startup', 'user', 'eventQueue', 'kernargs']);
    const id = ck.int(c.id, `${path}.id`, 0, 65535);
    if (id !== undefined) {
      if (ids.has(id)) ck.err(`${path}.id`, `duplicate ID ${id} (also computers[${ids.get(id)}])`);
      else ids.set(id, i);
    }
    const comp: ComputerTopo = { id: id ?? -1, position: [0, 0, 0], dimension: 'overworld', modems: [], peripherals: [], files: [], user: 'root', kernargs: {} };
    if (c.label !== undefined) comp.label = ck.str(c.label, `${path}.label`);
    if (c.position !== undefined) {
      const p = c.position;
      if (!Array.isArray(p) || p.length !== 3 || !p.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        ck.err(`${path}.position`, `expected [x, y, z] (three numbers), got ${JSON.stringify(p)}`);
      } else comp.position = p as [number, number, number];
    }
    if (c.dimension !== undefined) comp.dimension = ck.str(c.dimension, `${path}.dimension`) ?? 'overworld';
    if (c.user !== undefined) comp.user = ck.str(c.user, `${path}.user`) ?? 'root';
    if (c.eventQueue !== undefined) comp.eventQueue = ck.int(c.eventQueue, `${path}.eventQueue`, 1, 1_000_000);
    if (c.kernargs !== undefined) {
      if (!isObj(c.kernargs) || !Object.values(c.kernargs).every((v) => typeof v === 'string')) ck.err(`${path}.kernargs`, `expected {"name": "value"} with string values, got ${JSON.stringify(c.kernargs)}`);
      else comp.kernargs = c.kernargs as Record<string, string>;
    }
    const sides = new Set<string>();
    const side = (v: unknown, p: string): string | undefined => {
      const s = ck.str(v, p);
      if (s === undefined) return undefined;
      if (!SIDE_RE.test(s) || s === 'lo' || s === 'redstone') { ck.err(p, `invalid side '${s}' (letters, digits, _ : . -; not lo or redstone)`); return undefined; }
      if (sides.has(s)) { ck.err(p, `side '${s}' is used twice`); return undefined; }
      sides.add(s);
      return s;
    };
    if (c.modems !== undefined && !Array.isArray(c.modems)) ck.err(`${path}.modems`, `expected a list, got ${kindOf(c.modems)}`);
    (Array.isArray(c.modems) ? c.modems : []).forEach((m, j) => {
      const mp = `${path}.modems[${j}]`;
      if (!isObj(m)) { ck.err(mp, `expected {"side": ..., "medium": ...}, got ${kindOf(m)}`); return; }
      ck.keys(m, mp, ['side', 'medium', 'ender']);
      const s = side(m.side, `${mp}.side`);
      const med = ck.str(m.medium, `${mp}.medium`);
      if (med !== undefined && !mediaNames.has(med)) ck.err(`${mp}.medium`, `unknown medium '${med}' (known: ${knownMedia()})`);
      if (m.ender !== undefined && typeof m.ender !== 'boolean') ck.err(`${mp}.ender`, `expected true or false, got ${JSON.stringify(m.ender)}`);
      if (s && med) comp.modems.push({ side: s, medium: med, ender: m.ender === true });
    });
    if (c.peripherals !== undefined && !Array.isArray(c.peripherals)) ck.err(`${path}.peripherals`, `expected a list, got ${kindOf(c.peripherals)}`);
    (Array.isArray(c.peripherals) ? c.peripherals : []).forEach((m, j) => {
      const pp = `${path}.peripherals[${j}]`;
      if (!isObj(m)) { ck.err(pp, `expected {"side": ..., "type": ...}, got ${kindOf(m)}`); return; }
      ck.keys(m, pp, ['side', 'type', 'id']);
      const s = side(m.side, `${pp}.side`);
      const types = ['monitor', 'printer', 'speaker', 'drive', 'computer'];
      if (!types.includes(m.type as string)) { ck.err(`${pp}.type`, `expected one of ${types.join(', ')} (modems go in "modems"), got ${JSON.stringify(m.type)}`); return; }
      const per: PeripheralTopo = { side: s ?? '', type: m.type as PeripheralTopo['type'] };
      if (m.type === 'computer') per.id = ck.int(m.id, `${pp}.id`, 0, 65535);
      if (s) comp.peripherals.push(per);
    });
    if (c.files !== undefined) {
      if (!isObj(c.files)) ck.err(`${path}.files`, `expected {"/path/in/computer": "host/path"}, got ${kindOf(c.files)}`);
      else for (const [dest, src] of Object.entries(c.files)) {
        if (!dest.startsWith('/')) ck.err(`${path}.files`, `destination '${dest}' must be an absolute path inside the computer`);
        else if (typeof src !== 'string' || src === '') ck.err(`${path}.files["${dest}"]`, `expected a host path (relative to the topology file), got ${JSON.stringify(src)}`);
        else comp.files.push([dest, resolve(src)]);
      }
    }
    if (c.startup !== undefined) {
      const s = c.startup;
      if (typeof s === 'string' && s !== '') comp.startup = { path: s, args: [] };
      else if (Array.isArray(s) && s.length > 0 && s.every((x) => typeof x === 'string' || typeof x === 'number')) {
        comp.startup = { path: String(s[0]), args: s.slice(1).map(String) };
      } else ck.err(`${path}.startup`, `expected a program path or ["path", "arg", ...], got ${JSON.stringify(s)}`);
    }
    topo.computers.push(comp);
  });
  // Peripheral computers must exist.
  topo.computers.forEach((c, i) => c.peripherals.forEach((p, j) => {
    if (p.type === 'computer' && p.id !== undefined && !ids.has(p.id)) ck.err(`computers[${i}].peripherals[${j}].id`, `no computer with ID ${p.id}`);
  }));

  // faults
  if (raw.faults !== undefined && !Array.isArray(raw.faults)) ck.err('faults', `expected a list, got ${kindOf(raw.faults)}`);
  const computerRef = (v: unknown, p: string): number | undefined => {
    const id = ck.int(v, p, 0, 65535);
    if (id !== undefined && !ids.has(id)) { ck.err(p, `no computer with ID ${id}`); return undefined; }
    return id;
  };
  (Array.isArray(raw.faults) ? raw.faults : []).forEach((f, i) => {
    const path = `faults[${i}]`;
    if (!isObj(f)) { ck.err(path, `expected an object, got ${kindOf(f)}`); return; }
    const at = f.at === undefined ? (ck.err(`${path}.at`, 'missing (when the fault happens, e.g. "10s")'), undefined) : ck.duration(f.at, `${path}.at`);
    let medium: string | undefined;
    if (f.medium !== undefined) {
      medium = ck.str(f.medium, `${path}.medium`);
      if (medium !== undefined && !mediaNames.has(medium)) { ck.err(`${path}.medium`, `unknown medium '${medium}' (known: ${knownMedia()})`); medium = undefined; }
    }
    const actions = ['partition', 'heal', 'kill', 'reboot', 'turnOn', 'conditions'].filter((k) => f[k] !== undefined || (k === 'conditions' && CONDITION_KEYS.some((c) => f[c] !== undefined)));
    if (actions.length !== 1) {
      ck.err(path, actions.length ? `one action per fault, got ${actions.join(' and ')}` : 'expected one of: partition, heal, kill, reboot, turnOn, or link conditions (loss, latency, ...) with a medium');
      return;
    }
    const base = { at: at ?? 0, index: i };
    switch (actions[0]) {
      case 'partition': {
        ck.keys(f, path, ['at', 'partition', 'medium']);
        const g = f.partition;
        if (!Array.isArray(g) || !g.every((grp) => Array.isArray(grp))) { ck.err(`${path}.partition`, `expected groups of computer IDs such as [[1, 2], [3]], got ${JSON.stringify(g)}`); return; }
        const groups = (g as unknown[][]).map((grp, j) => grp.map((id, k) => computerRef(id, `${path}.partition[${j}][${k}]`) ?? -1));
        topo.faults.push({ ...base, kind: 'partition', groups, medium });
        return;
      }
      case 'heal':
        ck.keys(f, path, ['at', 'heal', 'medium']);
        if (f.heal !== true) ck.err(`${path}.heal`, `expected true, got ${JSON.stringify(f.heal)}`);
        topo.faults.push({ ...base, kind: 'heal', medium });
        return;
      case 'kill': case 'reboot': case 'turnOn': {
        const k = actions[0] as 'kill' | 'reboot' | 'turnOn';
        ck.keys(f, path, ['at', k]);
        const id = computerRef(f[k], `${path}.${k}`);
        if (id !== undefined) topo.faults.push({ ...base, kind: k, id });
        return;
      }
      default: {
        ck.keys(f, path, ['at', 'medium', ...CONDITION_KEYS]);
        if (!medium) { if (f.medium === undefined) ck.err(`${path}.medium`, 'missing (which medium the new link conditions apply to)'); return; }
        topo.faults.push({ ...base, kind: 'conditions', medium, conditions: ck.conditions(f, path) });
      }
    }
  });
  if (ck.errors.length) throw new TopologyError(ck.errors);
  return topo;
}
