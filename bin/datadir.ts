// The default data folder: $CINDER_DATA, else the XDG data home.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  if (process.env.CINDER_DATA) return process.env.CINDER_DATA;
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'cinder');
}
