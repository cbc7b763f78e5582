// `cinder run FILE.lua [args...]`: boot a headless computer, run one program
// with the host's stdin/stdout/stderr, exit with the program's exit code.
import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { World } from '../kernel/world.js';
import { QueueSource, type ByteSink } from '../kernel/stdio.js';
import { defaultDataDir } from './datadir.js';
import { SyscallError } from '../syscalls/types.js';
import { HostFs } from '../kernel/fs/index.js';
import { netPolicy } from '../kernel/net/state.js';

export const RUN_HELP = `Usage: cinder run [options] FILE.lua [ARGS...]

Boots a headless computer, runs FILE.lua as a process with ARGS, streams its
output to this terminal and exits with its exit code (an uncaught error prints
the message and a traceback on stderr and exits 1).

The program's folder is mounted read-only at /mnt/host inside the computer
(modules next to it can be required); the computer's own files live in
DATA/computers/ID/.

Options:
  --data DIR     data folder (default: ${defaultDataDir()})
  --id N         computer ID (default 0)
  --seed N       seed for the computer's random numbers (default 0)
  --allow-local  let HTTP, WebSocket and TCP reach private and loopback
                 addresses (denied by default; see docs/network.md)
  -h, --help     show this help
`;

const HOST_MOUNT = '/mnt/host';

export async function runCommand(argv: string[]): Promise<number> {
  // Options come before FILE; everything after FILE belongs to the program.
  const fileAt = argv.findIndex((a, i) => !a.startsWith('-') && !(i > 0 && ['--data', '--id', '--seed'].includes(argv[i - 1])));
  const ours = fileAt < 0 ? argv : argv.slice(0, fileAt);
  const programArgs = fileAt < 0 ? [] : argv.slice(fileAt + 1);
  let values;
  try {
    ({ values } = parseArgs({
      args: ours,
      options: { data: { type: 'string' }, id: { type: 'string' }, seed: { type: 'string' }, 'allow-local': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`cinder run: ${(e as Error).message}\n\n${RUN_HELP}`);
    return 2;
  }
  if (values.help) { process.stdout.write(RUN_HELP); return 0; }
  if (fileAt < 0) { process.stderr.write(`cinder run: missing FILE.lua\n\n${RUN_HELP}`); return 2; }
  const id = values.id === undefined ? 0 : Number(values.id);
  if (!Number.isInteger(id) || id < 0 || id > 65535) { process.stderr.write(`cinder run: --id must be an integer from 0 to 65535, got '${values.id}'\n`); return 2; }
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isFinite(seed)) { process.stderr.write(`cinder run: --seed must be a number, got '${values.seed}'\n`); return 2; }
  const file = resolve(argv[fileAt]);
  if (!existsSync(file) || !statSync(file).isFile()) { process.stderr.write(`cinder run: ${argv[fileAt]}: No such file\n`); return 2; }

  const world = new World({ dataDir: values.data ?? defaultDataDir(), seed, clock: 'real' });
  const sink = (s: NodeJS.WriteStream): ByteSink => ({ write: (d) => { s.write(d); }, isTTY: false });
  const stdin = new QueueSource();
  const stdinUsed = { value: false };
  const computer = world.addComputer({ id, kernargs: { headless: 'true' }, console: { kind: 'stream', name: 'console', sink: sink(process.stderr) } });
  if (computer.halted) { process.stderr.write(`cinder run: the computer did not boot: ${computer.halted}\n`); return 70; }
  if (values['allow-local']) netPolicy(computer).allowLocal = true;
  computer.vfs.mkdir({ user: 'root' }, HOST_MOUNT);
  computer.vfs.attach(HOST_MOUNT, new HostFs({ root: dirname(file), readOnly: true, metaFile: null, clock: computer.clock, source: dirname(file) }));

  let proc;
  try {
    proc = computer.spawn(`${HOST_MOUNT}/${basename(file)}`, programArgs, {
      name: basename(file).replace(/\.lua$/, ''),
      stdin: { kind: 'stream', name: 'stdin', source: lazyStdin(stdin, stdinUsed) },
      stdout: { kind: 'stream', name: 'stdout', sink: sink(process.stdout) },
      stderr: { kind: 'stream', name: 'stderr', sink: sink(process.stderr) },
      vars: { PATH: '/bin:/usr/bin:/rom/bin', HOME: '/', PACKAGE_PATH: `${HOST_MOUNT}/?.lua;${HOST_MOUNT}/?/init.lua` },
    });
  } catch (e) {
    process.stderr.write(`cinder run: ${e instanceof SyscallError || e instanceof Error ? e.message : String(e)}\n`);
    world.shutdown();
    return 1;
  }
  let done = false;
  computer.onProcessExit((p) => { if (p === proc) done = true; });
  const result = await world.run({ until: () => done || computer.halted !== null });
  if (stdinUsed.value) process.stdin.pause();
  let code: number;
  if (done) code = proc.completion!.code & 0xff;
  else if (computer.halted) { process.stderr.write(`cinder run: ${computer.halted}\n`); code = 70; }
  else {
    process.stderr.write(`cinder run: ${result === 'idle' ? 'the program is waiting for an event that can never arrive' : 'stopped'}\n`);
    code = 1;
  }
  world.shutdown();
  return code;
}

/** Host stdin is only read once the program asks for input, so a program that never reads does not hold the terminal. */
function lazyStdin(q: QueueSource, used: { value: boolean }) {
  const start = () => {
    if (used.value) return;
    used.value = true;
    process.stdin.on('data', (d: Buffer) => q.push(d));
    process.stdin.on('end', () => q.end());
    process.stdin.on('error', () => q.end());
  };
  return {
    read: (n: number) => { start(); return q.read(n); },
    readLine: () => { start(); return q.readLine(); },
    isTTY: false,
  };
}
