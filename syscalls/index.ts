// The one syscall table: every category's declarations, by name.
import type { Syscall } from './types.js';
import { processSyscalls } from './process.js';
import { eventSyscalls } from './event.js';
import { fsSyscalls } from './fs.js';
import { terminalSyscalls } from './terminal.js';
import { syslogSyscalls } from './syslog.js';
import { syncSyscalls } from './sync.js';
import { miscSyscalls } from './misc.js';
import { networkSyscalls } from './network.js';
import { hardwareSyscalls } from './hardware.js';

export const CATEGORIES: Array<[string, Syscall[]]> = [
  ['process', processSyscalls], ['event', eventSyscalls], ['fs', fsSyscalls], ['terminal', terminalSyscalls],
  ['syslog', syslogSyscalls], ['sync', syncSyscalls], ['misc', miscSyscalls], ['network', networkSyscalls], ['hardware', hardwareSyscalls],
];

let table: Map<string, Syscall> | null = null;

export function allSyscalls(): Map<string, Syscall> {
  if (table) return table;
  const t = new Map<string, Syscall>();
  for (const [, list] of CATEGORIES) {
    for (const sc of list) {
      if (t.has(sc.name)) throw new Error(`syscall ${sc.name} declared twice`);
      t.set(sc.name, sc);
    }
  }
  table = t;
  return t;
}
