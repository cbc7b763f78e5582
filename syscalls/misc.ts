// Version, uptime and kernel information (reference/phoenix.md §2.5).
import { declare } from './types.js';
import { CINDER_VERSION, PHOENIX_VERSION } from '../kernel/version.js';

export const miscSyscalls = declare('misc', [
  {
    name: 'version', args: ['build: boolean?'], returns: 'string',
    doc: 'The Phoenix version cinder implements ("0.0.9"), or with true the build string.',
    handler: (_p, _t, build: boolean | undefined) => [build ? `cinder ${CINDER_VERSION} (Phoenix ${PHOENIX_VERSION} compatible)` : PHOENIX_VERSION],
  },
  { name: 'cchost', args: [], returns: 'string', doc: 'The host string (_HOST).', handler: () => [`ComputerCraft 1.113.0 (cinder ${CINDER_VERSION})`] },
  { name: 'uptime', args: [], returns: 'number', doc: 'Seconds since the computer booted.', handler: (p) => [p.computer.uptimeMs() / 1000] },
  { name: 'kernargs', args: [], returns: 'table', doc: 'A copy of the kernel arguments.', handler: (p) => [{ ...p.computer.kernargs }] },
  {
    name: 'getcomputerid', args: [], returns: 'number', doc: 'This computer\'s ID (cinder extension; os.computerID).',
    handler: (p) => [p.computer.id],
  },
]);
