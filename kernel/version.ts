// Version strings, in a module of their own so any layer can import them
// without pulling in the Computer (and its import cycle through the syscalls).
export const CINDER_VERSION = '0.1.0';
export const PHOENIX_VERSION = '0.0.9';
