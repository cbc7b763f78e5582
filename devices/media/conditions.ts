// Link conditions of a medium: latency, jitter, loss, duplication and
// reordering, plus partitions. Every random draw comes from the medium's own
// generator (forked from the World's seeded RNG), so a run replays exactly.
import type { Rng } from '../../kernel/rng.js';

export interface LinkConditions {
  /** Base one-way delay (ms). 0 with no jitter delivers inside the transmit call, as CC: Tweaked does. */
  latency: number;
  /** Extra delay drawn uniformly from [0, jitter] ms for each copy. */
  jitter: number;
  /** Probability (0–1) that a copy is lost. */
  loss: number;
  /** Probability (0–1) that a frame arrives twice. */
  duplicate: number;
  /** Probability (0–1) that a copy is held back by up to `reorderWindow` ms, so later frames overtake it. */
  reorder: number;
  reorderWindow: number;
}

export const NO_CONDITIONS: LinkConditions = { latency: 0, jitter: 0, loss: 0, duplicate: 0, reorder: 0, reorderWindow: 0 };

/** What happens to one frame on its way to one receiver. */
export type LinkPlan = { drop: 'lost' } | { drop: null; delays: number[] };

/** Decide the fate of one frame towards one receiver. Draws happen only for conditions that are set. */
export function planDelivery(c: LinkConditions, rng: Rng): LinkPlan {
  if (c.loss > 0 && rng.next() < c.loss) return { drop: 'lost' };
  const one = (): number => {
    let d = c.latency;
    if (c.jitter > 0) d += rng.next() * c.jitter;
    if (c.reorder > 0 && rng.next() < c.reorder) d += rng.next() * (c.reorderWindow || Math.max(10, c.latency));
    return d;
  };
  const delays = [one()];
  if (c.duplicate > 0 && rng.next() < c.duplicate) delays.push(one());
  return { drop: null, delays };
}

/**
 * A partition splits computers into groups that cannot reach each other. Computers not named in any
 * group form one more group together ("the rest"), so `[[1, 2]]` cuts 1 and 2 off from everyone else.
 */
export class Partition {
  private readonly groupOf = new Map<number, number>();
  constructor(readonly groups: number[][]) {
    groups.forEach((g, i) => { for (const id of g) this.groupOf.set(id, i); });
  }
  connected(a: number, b: number): boolean {
    return (this.groupOf.get(a) ?? -1) === (this.groupOf.get(b) ?? -1);
  }
}
