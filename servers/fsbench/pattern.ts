// pattern.ts — the contents servers/fsbench writes and expects: a file of
// pattern `seed` holds, at every byte offset o that is a multiple of 4, the
// little-endian u32 word(o, seed). tests/bench/fspattern.ts makes the same
// bytes on the host (the files the host puts on the disk image, and what it
// expects to read back with mtools after the guest wrote).

@inline export function word(o: u32, seed: u32): u32 {
  return ((o + seed) ^ 0x5BD1E995) * 0x9E3779B1 ^ (o >> 7);
}
// Byte i of pattern `seed`.
@inline export function byteAt(i: u32, seed: u32): u32 {
  return (word(i & ~3, seed) >> ((i & 3) << 3)) & 0xFF;
}
// Eight bytes at offset o (a multiple of 8).
@inline export function word64(o: u32, seed: u32): u64 {
  return <u64>word(o, seed) | (<u64>word(o + 4, seed) << 32);
}
