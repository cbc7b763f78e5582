// Where the project's own files (rom/, libsystem/, kernel/lua/) are, whether
// running from TypeScript sources (tests) or from dist/ (the cinder command).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'rom'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cinder: cannot find the project folder (rom/ and package.json)');
    dir = up;
  }
}

export const PROJECT_ROOT = findRoot();
export function projectPath(rel: string): string { return join(PROJECT_ROOT, rel); }
