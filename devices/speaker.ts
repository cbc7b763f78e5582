// The speaker driver (reference/phoenix.md §6.4). Nothing is heard: played
// notes and sounds are recorded for tests and sims, and audio buffers "play"
// for their length in virtual time (48 kHz), then `speaker_audio_empty`.
import { DeviceError, DeviceNode, Driver } from './tree.js';
import { LuaTable } from '../kernel/vm/values.js';

export interface SpeakerState { played: Array<{ kind: string; name: string; volume: number; pitch: number }>; audioTimer: number | null }

export function speakerState(node: DeviceNode): SpeakerState {
  let s = node.state.get('speaker') as SpeakerState | undefined;
  if (!s) { s = { played: [], audioTimer: null }; node.state.set('speaker', s); }
  return s;
}

const num = (v: unknown, dflt: number, lo: number, hi: number, what: string): number => {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || v < lo || v > hi) throw new DeviceError(`${what} out of range`);
  return v;
};

export const speakerDriver: Driver = {
  name: 'peripheral_speaker', type: 'speaker',
  properties: [],
  methods: {
    playNote: (n, _p, instr, vol, pitch) => {
      if (typeof instr !== 'string') throw new DeviceError('bad argument #1 (string expected)');
      speakerState(n).played.push({ kind: 'note', name: instr, volume: num(vol, 1, 0, 3, 'Volume'), pitch: num(pitch, 12, 0, 24, 'Pitch') });
      return [true];
    },
    playSound: (n, _p, name, vol, speed) => {
      if (typeof name !== 'string') throw new DeviceError('bad argument #1 (string expected)');
      speakerState(n).played.push({ kind: 'sound', name, volume: num(vol, 1, 0, 3, 'Volume'), pitch: num(speed, 1, 0.5, 2, 'Speed') });
      return [true];
    },
    playAudio: (n, _p, samples, vol) => {
      if (!(samples instanceof LuaTable)) throw new DeviceError('bad argument #1 (table expected)');
      const s = speakerState(n);
      if (s.audioTimer !== null) return [false];
      const count = samples.list().length;
      s.played.push({ kind: 'audio', name: `${count} samples`, volume: num(vol, 1, 0, 3, 'Volume'), pitch: 1 });
      const c = n.computer;
      s.audioTimer = c.clock.setTimer(count / 48, () => { s.audioTimer = null; n.broadcast('speaker_audio_empty', { device: n.path }); });
      return [true];
    },
    stop: (n) => {
      const s = speakerState(n);
      if (s.audioTimer !== null) { n.computer.clock.cancelTimer(s.audioTimer); s.audioTimer = null; }
    },
  },
};
