// Filesystem errors. The message is exactly what a Lua program sees
// ("No such file or directory"), the code is for TypeScript callers.

export const FS_MESSAGES = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EEXIST: 'File exists',
  EROFS: 'Read-only filesystem',
  ENOTEMPTY: 'Directory not empty',
  EINVALMODE: 'Invalid mode',
  ELOOP: 'Too many levels of symbolic links',
  ENOSPC: 'Out of space',
  EXDEV: 'Cannot rename across mounts',
  EBUSY: 'Device or resource busy',
  EINVAL: 'Invalid argument',
  EBADPATH: 'Invalid path',
  ENOTMOUNT: 'Not a mount point',
  EBADTYPE: 'Unknown filesystem type',
  EBADSOURCE: 'Invalid mount source',
  ECLOSED: 'attempt to use a closed file',
  EIO: 'Input/output error',
  EMFILE: 'Too many files already open',
} as const;

export type FsErrorCode = keyof typeof FS_MESSAGES;

export class FsError extends Error {
  constructor(readonly code: FsErrorCode, message: string = FS_MESSAGES[code]) {
    super(message);
    this.name = 'FsError';
  }
}

export function fsError(code: FsErrorCode, detail?: string): FsError {
  return new FsError(code, detail ? `${FS_MESSAGES[code]}: ${detail}` : FS_MESSAGES[code]);
}
