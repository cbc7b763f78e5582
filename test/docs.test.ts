import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { renderSyscallDocs } from '../tools/gen-syscall-docs.js';
import { allSyscalls } from '../syscalls/index.js';

test('docs/syscalls.md is generated from the current declarations (run `npm run docs`)', () => {
  const current = readFileSync(new URL('../docs/syscalls.md', import.meta.url), 'utf8');
  expect(current).toBe(renderSyscallDocs());
});

test('every syscall has a doc line', () => {
  for (const sc of allSyscalls().values()) expect(sc.doc.length, sc.name).toBeGreaterThan(10);
});
