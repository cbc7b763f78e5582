// Topology files: the checker accepts the documented fields and names the bad
// field in every error.
import { describe, it, expect } from 'vitest';
import { checkTopology, parseDuration, TopologyError } from '../kernel/sim/topology.js';

function errors(raw: unknown): string[] {
  try { checkTopology(raw); } catch (e) { if (e instanceof TopologyError) return e.errors; throw e; }
  return [];
}

const ok = {
  seed: 1, for: '60s',
  media: { air: { kind: 'wireless' }, lan: { kind: 'wired', latency: '5ms', jitter: '2ms', loss: 0.1 } },
  computers: [{
    id: 1, label: 'server', position: [0, 64, 0],
    modems: [{ side: 'top', medium: 'air' }, { side: 'back', medium: 'lan' }],
    files: { '/home/server.lua': 'server.lua' }, startup: ['/home/server.lua', 'some-arg'],
  }, { id: 2 }, { id: 3 }],
  faults: [{ at: '10s', partition: [[1, 2], [3]] }, { at: '20s', heal: true }],
};

describe('topology files', () => {
  it('accepts the example from the issue and converts units', () => {
    const t = checkTopology(ok, (p) => `/base/${p}`);
    expect(t.seed).toBe(1);
    expect(t.forMs).toBe(60_000);
    expect(t.media[1]).toMatchObject({ name: 'lan', kind: 'wired', conditions: { latency: 5, jitter: 2, loss: 0.1 } });
    expect(t.computers[0]).toMatchObject({
      id: 1, label: 'server', position: [0, 64, 0], files: [['/home/server.lua', '/base/server.lua']],
      startup: { path: '/home/server.lua', args: ['some-arg'] },
    });
    expect(t.faults).toEqual([
      { at: 10_000, index: 0, kind: 'partition', groups: [[1, 2], [3]], medium: undefined },
      { at: 20_000, index: 1, kind: 'heal', medium: undefined },
    ]);
  });

  it('parses durations', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration(3)).toBe(3000);
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration(-1)).toBeNull();
  });

  it('names the bad field: unknown medium, duplicate ID, bad position, typos, bad faults', () => {
    const bad = {
      seed: 'x', for: 'forever', sped: 1,
      media: { air: { kind: 'radio' }, lan: { kind: 'wired', loss: 2, range: 5 } },
      computers: [
        { id: 1, position: [0, 64], modems: [{ side: 'top', medium: 'lan2' }] },
        { id: 1, startUp: 'x.lua', modems: [{ side: 'top', medium: 'lan' }, { side: 'top', medium: 'lan' }] },
        { id: 70000, files: { 'relative/path': 'a.lua' }, startup: [] },
        'nope',
      ],
      faults: [{ at: '1s', partition: [[1, 9]] }, { heal: true }, { at: '2s', kill: 1, reboot: 1 }, { at: '3s', loss: 0.5 }],
    };
    expect(errors(bad)).toEqual([
      "sped: unknown field (expected one of: seed, for, realtime, media, computers, faults, description)",
      'seed: expected an integer from 0 to 4294967295, got "x"',
      'for: expected a duration such as "5ms", "2s", "1m" or a number of seconds, got "forever"',
      'media.air.kind: expected "wired", "wireless" or "ender", got "radio"',
      'media.lan.range: unknown field (expected one of: kind, latency, jitter, loss, duplicate, reorder, reorderWindow, cables, length)',
      'media.lan.loss: expected a probability from 0 to 1, got 2',
      'computers[0].position: expected [x, y, z] (three numbers), got [0,64]',
      "computers[0].modems[0].medium: unknown medium 'lan2' (known: air, lan)",
      "computers[1].startUp: unknown field (did you mean 'startup'?)",
      'computers[1].id: duplicate ID 1 (also computers[0])',
      "computers[1].modems[1].side: side 'top' is used twice",
      'computers[2].id: expected an integer from 0 to 65535, got 70000',
      "computers[2].files: destination 'relative/path' must be an absolute path inside the computer",
      'computers[2].startup: expected a program path or ["path", "arg", ...], got []',
      'computers[3]: expected an object, got string',
      'faults[0].partition[0][1]: no computer with ID 9',
      'faults[1].at: missing (when the fault happens, e.g. "10s")',
      'faults[2]: one action per fault, got kill and reboot',
      'faults[3].medium: missing (which medium the new link conditions apply to)',
    ]);
  });

  it('rejects a file that is not an object, and computers that are not a list', () => {
    expect(errors([])).toEqual(['topology: expected a JSON object, got array']);
    expect(errors({ computers: {} })).toEqual(['computers: expected a list of computers, got object']);
  });
});
