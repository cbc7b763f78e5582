// End to end: `cinder boot` in a real terminal (tmux), typing into the shell,
// shutting down, and checking the host terminal was left clean.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const cinder = new URL('../dist/bin/cinder.js', import.meta.url).pathname;
const session = `cinder-e2e-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'cinder-e2e-'));

afterAll(() => {
  spawnSync('tmux', ['kill-session', '-t', session]);
  rmSync(dir, { recursive: true, force: true });
});

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-t', session, '-p');
async function waitFor(pred: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out; screen:\n${screen()}`);
}

test.skipIf(!hasTmux && !process.env.CI)('boot, type `echo hi | cat`, read `hi`, shut down, terminal restored', async () => {
  expect(existsSync(cinder)).toBe(true);
  const after = join(dir, 'after.txt');
  const cmd = `node ${cinder} boot --data ${join(dir, 'data')}; echo "EXIT=$?" > ${after}; stty -a >> ${after}; sleep 60`;
  tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', cmd);
  await waitFor(() => /@cinder:.*#/.test(screen()));
  tmux('send-keys', '-t', session, 'echo hi | cat', 'Enter');
  await waitFor(() => /echo hi \| cat\s*\n\s*hi\s*\n/.test(screen()));
  tmux('send-keys', '-t', session, 'shutdown', 'Enter');
  await waitFor(() => existsSync(after) && readFileSync(after, 'utf8').includes('speed'));
  const state = readFileSync(after, 'utf8');
  expect(state).toContain('EXIT=0');
  // Raw mode is off again: canonical input and echo are back on.
  expect(state).toMatch(/(^|\s)icanon(\s|$)/m);
  expect(state).toMatch(/(^|\s)echo(\s|$)/m);
  // The alternate screen was left and the cursor is visible.
  expect(tmux('display', '-p', '-t', session, '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
}, 60_000);
