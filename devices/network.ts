// The network of a World: its named media, where each computer stands, the
// frame trace, World-wide partitions and the hardware each computer gets at
// every boot (so a rebooted computer comes back with its modems). One per
// World, created on first use.
import { World } from '../kernel/world.js';
import type { Computer } from '../kernel/computer.js';
import { Trace } from './media/trace.js';
import { Medium, MediumContext, Place, Vec3 } from './media/medium.js';
import { WirelessMedium, DEFAULT_RANGE, RangeConfig } from './media/wireless.js';
import { WiredMedium, Cable } from './media/wired.js';
import { EnderMedium } from './media/ender.js';
import { LinkConditions, Partition } from './media/conditions.js';

export interface MediumSpec {
  kind: 'wired' | 'wireless' | 'ender';
  conditions?: Partial<LinkConditions>;
  /** Wireless only. */
  ranges?: Partial<RangeConfig>;
  /** Wired only. */
  cables?: Cable[];
  length?: number;
}

/** A peripheral a computer gets at each boot: `attach(side, type, ...args)`. */
export interface HardwareSpec { side: string; type: string; args: unknown[] }

export class Network implements MediumContext {
  readonly media = new Map<string, Medium>();
  readonly trace = new Trace();
  partition: Partition | null = null;
  private readonly places = new Map<number, Place>();
  private readonly hardware = new Map<number, HardwareSpec[]>();
  private frames = 0;
  /** Set by devices/index.ts: attaches one peripheral (kept out of this file to avoid an import cycle). */
  static attach: (c: Computer, spec: HardwareSpec) => void = () => {};

  constructor(readonly world: World) {
    world.onBoot((c) => { for (const h of this.hardware.get(c.id) ?? []) Network.attach(c, h); });
  }

  get clock() { return this.world.clock; }
  nextFrameId(): number { return ++this.frames; }

  addMedium(name: string, spec: MediumSpec): Medium {
    if (this.media.has(name)) throw new Error(`medium '${name}' already exists`);
    // Each medium draws from its own generator, so adding traffic on one does not change another's luck.
    const rng = this.world.rng.fork();
    const m = spec.kind === 'wireless' ? new WirelessMedium(name, this, rng, { ...DEFAULT_RANGE, ...(spec.ranges ?? {}) })
      : spec.kind === 'wired' ? new WiredMedium(name, this, rng, { cables: spec.cables, length: spec.length })
        : new EnderMedium(name, this, rng);
    if (spec.conditions) m.conditions = { ...m.conditions, ...spec.conditions };
    this.media.set(name, m);
    return m;
  }

  medium(name: string): Medium {
    const m = this.media.get(name);
    if (!m) throw new Error(`No such medium '${name}'`);
    return m;
  }

  place(id: number): Place { return this.places.get(id) ?? { position: [0, 0, 0], dimension: 'overworld' }; }
  setPlace(id: number, position: Vec3, dimension = 'overworld'): void { this.places.set(id, { position, dimension }); }

  /** Give computer `id` a peripheral now (if it runs) and at every later boot. */
  addHardware(id: number, spec: HardwareSpec): void {
    const list = this.hardware.get(id) ?? [];
    list.push(spec);
    this.hardware.set(id, list);
    const c = this.world.computers.get(id);
    if (c && !c.halted) Network.attach(c, spec);
  }

  /** Partition every medium (null heals). */
  setPartition(groups: number[][] | null, medium?: string): void {
    const p = groups ? new Partition(groups) : null;
    if (medium) this.medium(medium).partition = p;
    else {
      this.partition = p;
      if (!p) for (const m of this.media.values()) m.partition = null;
    }
  }
}

const networks = new WeakMap<World, Network>();

export function networkOf(world: World): Network {
  let n = networks.get(world);
  if (!n) { n = new Network(world); networks.set(world, n); }
  return n;
}
