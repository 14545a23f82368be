// copy.ts — the FAT library's copies of file data between the caller's
// buffer and sectors. The filesystem server passes its bounce buffer
// (servers/fs/clients.ts), which it maps in the hardware window above its
// linear memory: memory.copy checks both ranges against the
// linear memory's size and traps there, plain loads and stores do not (the
// page tables guard them). 64 and 8 bytes at a time, then the tail; the
// two ranges do not overlap.

export function copyBytes(dst: usize, src: usize, n: usize): void {
  let i: usize = 0;
  for (; i + 64 <= n; i += 64) {
    const s = src + i, d = dst + i;
    const a0 = load<u64>(s), a1 = load<u64>(s, 8), a2 = load<u64>(s, 16), a3 = load<u64>(s, 24);
    const a4 = load<u64>(s, 32), a5 = load<u64>(s, 40), a6 = load<u64>(s, 48), a7 = load<u64>(s, 56);
    store<u64>(d, a0); store<u64>(d, a1, 8); store<u64>(d, a2, 16); store<u64>(d, a3, 24);
    store<u64>(d, a4, 32); store<u64>(d, a5, 40); store<u64>(d, a6, 48); store<u64>(d, a7, 56);
  }
  for (; i + 8 <= n; i += 8) store<u64>(dst + i, load<u64>(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}
