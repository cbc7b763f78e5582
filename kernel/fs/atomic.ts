// Host writes through a temporary file and a rename, so a killed emulator
// leaves either the old contents or the new ones, never a torn file.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

export const TEMP_MARK = '.cinder-tmp-';
let counter = 0;

/** True for names of our own temporary files (hidden from listings, swept at mount). */
export function isTempName(name: string): boolean {
  return name.includes(TEMP_MARK);
}

export function atomicWrite(hostPath: string, data: Uint8Array): void {
  const dir = nodePath.dirname(hostPath);
  const tmp = nodePath.join(dir, `${nodePath.basename(hostPath)}${TEMP_MARK}${process.pid}-${++counter}`);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    fs.renameSync(tmp, hostPath);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
}
