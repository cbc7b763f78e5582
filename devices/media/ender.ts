// Ender space: every modem hears every other, without range limits and across
// dimensions (reference/cc-reference.md §1.3). The distance is still reported
// within one dimension, and left out across dimensions.
import { distance, Endpoint, Medium, Place, Reach } from './medium.js';

export class EnderMedium extends Medium {
  readonly kind = 'ender';
  protected reach(_from: Endpoint, _to: Endpoint, a: Place, b: Place): Reach {
    if (a.dimension !== b.dimension) return { distance: undefined };
    return { distance: distance(a.position, b.position) };
  }
}
