// `cinder sim TOPOLOGY.json`: run many computers, their modems, media and
// faults from one declarative file (docs/sim.md). Parses flags, builds the
// Simulation and reports; exit 0 when every startup program succeeded, 1 when
// one failed or a computer crashed, 2 for bad flags or a bad topology.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { loadTopology, Simulation } from '../kernel/sim/simulation.js';
import { parseDuration, TopologyError } from '../kernel/sim/topology.js';

export const SIM_HELP = `Usage: cinder sim [options] TOPOLOGY.json

Runs the computers, modems, media and faults described by TOPOLOGY.json
(docs/sim.md) on the virtual clock: idle time is skipped, and the same
topology and seed give the same run, frame for frame. Each line a computer's
programs print appears as "[<id>] <line>". The run ends when the duration is
over or when every startup program has ended, whichever comes first.

Options:
  --seed N          seed for every random draw (default: the file's "seed", else 0)
  --for DURATION    how long to run, e.g. 500ms, 60s, 5m (default: the file's "for", else 60s)
  --realtime        run on the wall clock instead of the virtual clock
  --trace FILE      write every frame and drop as JSON Lines (docs/sim.md "Trace format")
  --watch ID        show computer ID's screen live in this terminal
  --out DIR         write one log per computer (DIR/<id>.log) instead of this terminal
  --data DIR        keep the computers' files in DIR (default: a temporary folder)
  -h, --help        show this help

Exit status: 0 when every startup program succeeded, 1 when one failed or a
computer crashed, 2 for bad options or an invalid topology.
`;

export async function simCommand(argv: string[]): Promise<number> {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        seed: { type: 'string' }, for: { type: 'string' }, realtime: { type: 'boolean' }, trace: { type: 'string' },
        watch: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    process.stderr.write(`cinder sim: ${(e as Error).message}\n\n${SIM_HELP}`);
    return 2;
  }
  if (values.help) { process.stdout.write(SIM_HELP); return 0; }
  if (positionals.length !== 1) { process.stderr.write(`cinder sim: expected one TOPOLOGY.json\n\n${SIM_HELP}`); return 2; }
  const file = positionals[0];
  if (!existsSync(file)) { process.stderr.write(`cinder sim: ${file}: No such file\n`); return 2; }
  const bad = (msg: string) => { process.stderr.write(`cinder sim: ${msg}\n`); return 2; };
  let seed: number | undefined, forMs: number | undefined, watch: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return bad(`--seed must be an integer from 0 to 4294967295, got '${values.seed}'`);
  }
  if (values.for !== undefined) {
    forMs = parseDuration(/^\d+(\.\d+)?$/.test(values.for) ? Number(values.for) : values.for) ?? undefined;
    if (forMs === undefined) return bad(`--for must be a duration such as 500ms, 60s or 5m, got '${values.for}'`);
  }
  if (values.watch !== undefined) {
    watch = Number(values.watch);
    if (!Number.isInteger(watch)) return bad(`--watch must be a computer ID, got '${values.watch}'`);
  }
  let topology;
  try {
    topology = loadTopology(file);
  } catch (e) {
    if (e instanceof TopologyError) return bad(`${file} is not a valid topology:\n  ${e.errors.join('\n  ')}`);
    return bad((e as Error).message);
  }
  if (watch !== undefined && !topology.computers.some((c) => c.id === watch)) return bad(`--watch ${watch}: no computer with that ID in ${file}`);
  const sim = new Simulation(topology, { seed, forMs, realtime: values.realtime, tracePath: values.trace, outDir: values.out, dataDir: values.data, watch });
  const r = await sim.run();
  const secs = (r.simulatedMs / 1000).toFixed(3);
  const why = r.endedBy === 'startup' ? 'every startup program ended' : r.endedBy === 'idle' ? 'nothing left to do' : 'duration over';
  process.stderr.write(`cinder sim: ${secs}s simulated (${why}); ${r.frames} frames, ${r.delivered} delivered, ${r.dropped} dropped\n`);
  for (const f of r.failures) process.stderr.write(`cinder sim: FAILED ${f}\n`);
  return r.code;
}
