// UTF-8 validity of raw bytes (the `utf8` encoding of handles).
const decoder = new TextDecoder('utf-8', { fatal: true });

export function isUtf8(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    if (b[i] >= 0x80) {
      try { decoder.decode(b); return true; } catch { return false; }
    }
  }
  return true;
}
