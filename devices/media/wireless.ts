// Wireless space (reference/cc-reference.md §1.3–1.4): modems hear each other
// within range, measured in 3-D between the computers' positions; the range
// is 64 blocks, rising linearly above y = 96 towards 384 at the build limit,
// and the larger range of the two ends applies, so reach is symmetric.
// Different dimensions only meet through an ender modem (no distance then).
import type { Rng } from '../../kernel/rng.js';
import { distance, Endpoint, Medium, MediumContext, Place, Reach } from './medium.js';

export interface RangeConfig {
  /** Range at low altitude (CC: modem_range). */
  range: number;
  /** Range at the build limit (CC: modem_high_altitude_range). */
  highAltitudeRange: number;
  /** The world's build height: the highest block is buildHeight - 1. */
  buildHeight: number;
}

export const DEFAULT_RANGE: RangeConfig = { range: 64, highAltitudeRange: 384, buildHeight: 320 };

/** CC: Tweaked's WirelessModemPeripheral.getRange, for a modem at height y. */
export function rangeAt(y: number, c: RangeConfig = DEFAULT_RANGE): number {
  const top = c.buildHeight - 1;
  if (y > 96 && c.highAltitudeRange > c.range && top > 96) {
    return c.range + (Math.min(y, top) - 96) * (c.highAltitudeRange - c.range) / (top - 96);
  }
  return c.range;
}

export class WirelessMedium extends Medium {
  readonly kind = 'wireless';
  constructor(name: string, ctx: MediumContext, rng: Rng, readonly ranges: RangeConfig = DEFAULT_RANGE) {
    super(name, ctx, rng);
  }

  protected reach(from: Endpoint, to: Endpoint, a: Place, b: Place): Reach {
    const ender = from.ender || to.ender;
    if (a.dimension !== b.dimension) return ender ? { distance: undefined } : null;
    if (ender) return { distance: distance(a.position, b.position) };
    const range = Math.max(rangeAt(a.position[1], this.ranges), rangeAt(b.position[1], this.ranges));
    // Compare squares first: most pairs in a big world are out of range, and need no square root.
    const dx = a.position[0] - b.position[0], dy = a.position[1] - b.position[1], dz = a.position[2] - b.position[2];
    const d2 = dx * dx + dy * dy + dz * dz;
    return d2 <= range * range ? { distance: Math.sqrt(d2) } : null;
  }
}
