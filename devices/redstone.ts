// Redstone sides /redstone/<side> (reference/phoenix.md §6.1, §6.4): analogue
// input 0–15 and output, bundled 16-bit input and output. Inputs are set from
// the host (`setRedstoneInput`, a sim or a test); a change posts `redstone`
// to the node's listeners.
import { DeviceError, DeviceNode, Driver, DeviceTree } from './tree.js';

export const SIDES = ['top', 'bottom', 'left', 'right', 'front', 'back'] as const;

interface RedstoneState { input: number; output: number; bundledInput: number; bundledOutput: number }

function st(node: DeviceNode): RedstoneState {
  let s = node.state.get('redstone') as RedstoneState | undefined;
  if (!s) { s = { input: 0, output: 0, bundledInput: 0, bundledOutput: 0 }; node.state.set('redstone', s); }
  return s;
}

function level(v: unknown): number {
  if (typeof v === 'boolean') return v ? 15 : 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DeviceError('bad argument #1 (number expected)');
  if (v < 0 || v > 15) throw new DeviceError('Expected number in range 0-15');
  return Math.floor(v);
}

function mask(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) throw new DeviceError('Expected number in range 0-65535');
  return v;
}

export const redstoneDriver: Driver = {
  name: 'root_redstone', type: 'redstone',
  properties: ['input', 'output', 'bundledInput', 'bundledOutput'],
  methods: {
    getInput: (n) => { const v = st(n).input; return [v === 0 ? undefined : v]; },
    getOutput: (n) => [st(n).output],
    setOutput: (n, _p, v) => { st(n).output = level(v); },
    getBundledInput: (n) => [st(n).bundledInput],
    getBundledOutput: (n) => [st(n).bundledOutput],
    setBundledOutput: (n, _p, v) => { st(n).bundledOutput = mask(v); },
  },
};

export function installRedstone(tree: DeviceTree): void {
  const parent = tree.add(tree.root, 'redstone', { displayName: 'Redstone' });
  for (const side of SIDES) tree.add(parent, side, { drivers: [redstoneDriver] });
}

/** Host side: set the analogue (and optionally bundled) input of one side. */
export function setRedstoneInput(tree: DeviceTree, side: string, input: number, bundled?: number): void {
  const node = tree.byPath(`/redstone/${side}`);
  if (!node) throw new DeviceError(`No redstone side ${side}`);
  const s = st(node);
  const before = [s.input, s.bundledInput];
  s.input = level(input);
  if (bundled !== undefined) s.bundledInput = mask(bundled);
  if (before[0] !== s.input || before[1] !== s.bundledInput) node.broadcast('redstone', { device: node.path });
}
