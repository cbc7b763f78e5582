// The `cinder` command: parses the subcommand and hands over (DESIGN.md: bin/ stays thin).
// Started by bin/cinder.ts (from the bundle dist/bin/cinder.cjs after `npm run build`).
import { CINDER_VERSION, PHOENIX_VERSION } from '../kernel/version.js';
import { runCommand, RUN_HELP } from './run.js';
import { bootCommand, BOOT_HELP } from './boot.js';
import { simCommand, SIM_HELP } from './sim.js';

const HELP = `cinder ${CINDER_VERSION} — a ComputerCraft-style computer emulator with a Phoenix ${PHOENIX_VERSION}-compatible kernel

Usage:
  cinder boot [--id N] [--data DIR] [--size WxH]
                                  boot a computer in this terminal
  cinder run FILE.lua [ARGS...]   boot a headless computer and run one Lua program
  cinder sim TOPOLOGY.json        simulate many computers and their networks (docs/sim.md)
  cinder --help | -h              this help
  cinder --version | -V           print the version

Run 'cinder run --help' for the options of a command.
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined: case '-h': case '--help': case 'help':
      if (cmd === 'help' && rest[0] === 'run') { process.stdout.write(RUN_HELP); return 0; }
      if (cmd === 'help' && rest[0] === 'boot') { process.stdout.write(BOOT_HELP); return 0; }
      if (cmd === 'help' && rest[0] === 'sim') { process.stdout.write(SIM_HELP); return 0; }
      process.stdout.write(HELP);
      return cmd === undefined ? 2 : 0;
    case '-V': case '--version':
      process.stdout.write(`cinder ${CINDER_VERSION} (Phoenix ${PHOENIX_VERSION} compatible)\n`);
      return 0;
    case 'run':
      return runCommand(rest);
    case 'boot':
      return bootCommand(rest);
    case 'sim':
      return simCommand(rest);
    default:
      process.stderr.write(`cinder: unknown command '${cmd}'\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`cinder: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 70;
  },
);
