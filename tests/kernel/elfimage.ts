// elfimage.ts — small ELF64 executables built byte by byte for the tests
// of kernel/elf.ts (elf.test.ts) and of kmain running boot modules.

export interface Phdr { type?: number; flags: number; offset: bigint; vaddr: bigint; filesz: bigint; memsz: bigint }
export interface Image {
  class?: number; data?: number; version?: number; type?: number; machine?: number;
  entry?: bigint; phoff?: bigint; phentsize?: number; phnum?: number; phdrs: Phdr[]; size?: number;
}

export const PF_X = 1, PF_W = 2, PF_R = 4;
export const DATA = new TextEncoder().encode("user memory ok!\n"); // 16 bytes at 0x402000
export const CODE = [0x0f, 0x05, 0xeb, 0xfc]; // syscall; jmp $-2

// A static x86-64 executable: headers at 0x400000 (R), code at 0x401000
// (RX), data at 0x402000 (RW, 0x10 bytes in the file, 0x2000 in memory).
export function goodImage(): Image {
  return {
    entry: 0x401000n,
    phdrs: [
      { flags: PF_R, offset: 0n, vaddr: 0x400000n, filesz: 0xb0n, memsz: 0xb0n },
      { flags: PF_R | PF_X, offset: 0x1000n, vaddr: 0x401000n, filesz: 4n, memsz: 4n },
      { flags: PF_R | PF_W, offset: 0x2000n, vaddr: 0x402000n, filesz: 0x10n, memsz: 0x2000n },
      { type: 0x6474e551, flags: PF_R | PF_W, offset: 0n, vaddr: 0n, filesz: 0n, memsz: 0n }, // GNU_STACK: ignored
    ],
    size: 0x2010,
  };
}

export function build(img: Image): Uint8Array {
  const bytes = new Uint8Array(img.size ?? 0x2010);
  const d = new DataView(bytes.buffer);
  const set = (f: (o: number) => void, o: number) => { if (o < bytes.length) f(o); };
  bytes.set([0x7f, 0x45, 0x4c, 0x46].slice(0, Math.min(4, bytes.length)));
  set(o => d.setUint8(o, img.class ?? 2), 4);
  set(o => d.setUint8(o, img.data ?? 1), 5);
  set(o => d.setUint8(o, 1), 6);
  if (bytes.length >= 64) {
    d.setUint16(16, img.type ?? 2, true);
    d.setUint16(18, img.machine ?? 0x3e, true);
    d.setUint32(20, img.version ?? 1, true);
    d.setBigUint64(24, img.entry ?? 0x401000n, true);
    d.setBigUint64(32, img.phoff ?? 64n, true);
    d.setUint16(52, 64, true);
    d.setUint16(54, img.phentsize ?? 56, true);
    d.setUint16(56, img.phnum ?? img.phdrs.length, true);
  }
  img.phdrs.forEach((p, i) => {
    const o = 64 + i * 56;
    if (o + 56 > bytes.length) return;
    d.setUint32(o, p.type ?? 1, true);
    d.setUint32(o + 4, p.flags, true);
    d.setBigUint64(o + 8, p.offset, true);
    d.setBigUint64(o + 16, p.vaddr, true);
    d.setBigUint64(o + 32, p.filesz, true);
    d.setBigUint64(o + 40, p.memsz, true);
  });
  if (bytes.length >= 0x1004) bytes.set(CODE, 0x1000);
  if (bytes.length >= 0x2010) bytes.set(DATA, 0x2000);
  return bytes;
}

