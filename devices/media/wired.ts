// Wired networks: a named cable network where every modem on it hears every
// other (wired modems have unlimited range, cc-reference.md §1.3). The
// distance is the cable length: the shortest path over the declared cable
// segments when there are any (computers are joined only if a path exists),
// otherwise a fixed `length`, otherwise the straight line between positions.
import type { Rng } from '../../kernel/rng.js';
import { distance, Endpoint, Medium, MediumContext, Place, Reach } from './medium.js';

/** A cable segment between two computers (by ID) or named junctions, with its length in blocks. */
export type Cable = [number | string, number | string, number];

export interface WiredOptions {
  cables?: Cable[];
  /** Cable length between any two modems when no segments are declared. */
  length?: number;
}

export class WiredMedium extends Medium {
  readonly kind = 'wired';
  private readonly adj = new Map<string, Array<[string, number]>>();
  private readonly paths = new Map<string, Map<string, number>>();

  constructor(name: string, ctx: MediumContext, rng: Rng, readonly opts: WiredOptions = {}) {
    super(name, ctx, rng);
    for (const [a, b, len] of opts.cables ?? []) {
      const ka = String(a), kb = String(b);
      if (!this.adj.has(ka)) this.adj.set(ka, []);
      if (!this.adj.has(kb)) this.adj.set(kb, []);
      this.adj.get(ka)!.push([kb, len]);
      this.adj.get(kb)!.push([ka, len]);
    }
  }

  protected reach(from: Endpoint, to: Endpoint, a: Place, b: Place): Reach {
    if (from.computerId === to.computerId) return { distance: 0 };
    if (this.adj.size) {
      const d = this.shortest(String(from.computerId)).get(String(to.computerId));
      return d === undefined ? null : { distance: d };
    }
    if (this.opts.length !== undefined) return { distance: this.opts.length };
    return { distance: distance(a.position, b.position) };
  }

  /** Dijkstra from one node (memoised: the cable plan never changes). */
  private shortest(src: string): Map<string, number> {
    const memo = this.paths.get(src);
    if (memo) return memo;
    const dist = new Map<string, number>([[src, 0]]);
    const done = new Set<string>();
    for (;;) {
      let best: string | null = null;
      for (const [k, d] of dist) if (!done.has(k) && (best === null || d < dist.get(best)!)) best = k;
      if (best === null) break;
      done.add(best);
      for (const [n, len] of this.adj.get(best) ?? []) {
        const nd = dist.get(best)! + len;
        if (nd < (dist.get(n) ?? Infinity)) dist.set(n, nd);
      }
    }
    this.paths.set(src, dist);
    return dist;
  }
}
