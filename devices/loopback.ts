// The loopback modem /lo (reference/phoenix.md §3.10): what it transmits comes
// back to the same modem at distance 0, if the channel is open there. It
// joins no medium, so loopback traffic never appears in the trace.
import type { LuaValue } from '../kernel/vm/values.js';
import type { DeviceNode, DeviceTree } from './tree.js';
import { loopbackDriver, modemState, Transport } from './modem.js';
import type { Endpoint, Frame } from './media/medium.js';

let frameIds = 0;

class Loopback implements Transport {
  readonly wireless = true;
  private readonly self: Endpoint;
  constructor(private readonly node: DeviceNode) {
    this.self = { node, computerId: node.computer.id, ender: false, receive: () => null, live: () => true };
  }
  transmit(channel: number, replyChannel: number, payload: LuaValue): void {
    const frame: Frame = { id: --frameIds, channel, replyChannel, payload, from: this.self };
    modemState(this.node).receive(frame, 0);
  }
}

export function installLoopback(tree: DeviceTree): DeviceNode {
  const node = tree.add(tree.root, 'lo', { metadata: { wireless: true }, displayName: 'Loopback' });
  tree.register(node, loopbackDriver);
  modemState(node).transport = new Loopback(node);
  return node;
}
