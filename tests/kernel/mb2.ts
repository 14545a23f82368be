// mb2.ts — build multiboot2 boot information structures for the tests.
//
// Well-formed by default (as GRUB would lay it out: 8-byte header, tags on
// 8-byte boundaries, an end tag); every field can be bent to make the
// malformed cases: a lying tag size, a lying total size, no end tag, a
// bad memory map entry size.

export interface Region { base: bigint; length: bigint; type: number }
export interface ElfSection { addr: bigint; size: bigint; flags: bigint; type?: number }

export const KERNEL_OFFSET = 0xffffffff80000000n;
const SHF_WRITE = 1n, SHF_ALLOC = 2n, SHF_EXEC = 4n;

// The sections of our kernel.elf as GRUB reports them (addresses from
// `nm build/kernel.elf`): a null section, text, rodata, data, bss, stacks,
// page tables, the Wasm memory reservation (ends at physical 0x1170000),
// and non-allocated debug and symbol sections (address 0).
export const KERNEL_SECTIONS: ElfSection[] = [
  { addr: 0n, size: 0n, flags: 0n, type: 0 },
  { addr: KERNEL_OFFSET + 0x100000n, size: 0x4f00n, flags: SHF_ALLOC | SHF_EXEC },
  { addr: KERNEL_OFFSET + 0x105000n, size: 0x1a00n, flags: SHF_ALLOC },
  { addr: KERNEL_OFFSET + 0x107000n, size: 0x280n, flags: SHF_ALLOC | SHF_WRITE },
  { addr: KERNEL_OFFSET + 0x107280n, size: 0x1000n, flags: SHF_ALLOC | SHF_WRITE, type: 8 },
  { addr: KERNEL_OFFSET + 0x109000n, size: 0x1b000n, flags: SHF_ALLOC | SHF_WRITE, type: 8 },
  { addr: KERNEL_OFFSET + 0x124000n, size: 0x48000n, flags: SHF_ALLOC | SHF_WRITE, type: 8 },
  { addr: KERNEL_OFFSET + 0x170000n, size: 0x1000000n, flags: SHF_ALLOC | SHF_WRITE, type: 8 },
  { addr: 0n, size: 0x5000n, flags: 0n },
  { addr: 0n, size: 0x3000n, flags: 0n, type: 2 },
];

// The memory map QEMU 7.2 (SeaBIOS, -m 128M) gives.
export const QEMU_128M_MAP: Region[] = [
  { base: 0x0n, length: 0x9fc00n, type: 1 },
  { base: 0x9fc00n, length: 0x400n, type: 2 },
  { base: 0xf0000n, length: 0x10000n, type: 2 },
  { base: 0x100000n, length: 0x7ee0000n, type: 1 },
  { base: 0x7fe0000n, length: 0x20000n, type: 2 },
  { base: 0xfffc0000n, length: 0x40000n, type: 2 },
];

function cstr(s: string): Uint8Array {
  return Buffer.concat([Buffer.from(s, "utf8"), Buffer.from([0])]);
}

export class Mb2Builder {
  private tags: Buffer[] = [];

  // Any tag: header (type, size) + payload, padded to 8 bytes. `size`
  // overrides the size field (the bytes laid out stay the payload's).
  tag(type: number, payload: Uint8Array, size?: number): this {
    const len = 8 + payload.length;
    const buf = Buffer.alloc((len + 7) & ~7);
    buf.writeUInt32LE(type, 0);
    buf.writeUInt32LE(size ?? len, 4);
    buf.set(payload, 8);
    this.tags.push(buf);
    return this;
  }

  cmdline(s: string): this { return this.tag(1, cstr(s)); }
  loaderName(s: string): this { return this.tag(2, cstr(s)); }

  module(start: number, end: number, s: string): this {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(start, 0);
    head.writeUInt32LE(end, 4);
    return this.tag(3, Buffer.concat([head, cstr(s)]));
  }

  basicMeminfo(lowerKiB: number, upperKiB: number): this {
    const p = Buffer.alloc(8);
    p.writeUInt32LE(lowerKiB, 0);
    p.writeUInt32LE(upperKiB, 4);
    return this.tag(4, p);
  }

  // Memory map; entries are laid out with `layoutSize` bytes each (24 by
  // default), and the header claims `entrySize` (the same unless bent).
  mmap(regions: Region[], opts: { entrySize?: number; layoutSize?: number; version?: number } = {}): this {
    const layout = opts.layoutSize ?? opts.entrySize ?? 24;
    const p = Buffer.alloc(8 + regions.length * layout);
    p.writeUInt32LE(opts.entrySize ?? layout, 0);
    p.writeUInt32LE(opts.version ?? 0, 4);
    regions.forEach((r, i) => {
      const o = 8 + i * layout;
      p.writeBigUInt64LE(r.base, o);
      p.writeBigUInt64LE(r.length, o + 8);
      p.writeUInt32LE(r.type, o + 16);
    });
    return this.tag(6, p);
  }

  // `fields`: red pos, size, green pos, size, blue pos, size (type 1 colour info, after 2 reserved bytes).
  framebuffer(addr: bigint, pitch: number, width: number, height: number, bpp: number, type = 1, fields?: number[]): this {
    const p = Buffer.alloc(fields ? 30 : 24);
    fields?.forEach((v, i) => p.writeUInt8(v, 24 + i));
    p.writeBigUInt64LE(addr, 0);
    p.writeUInt32LE(pitch, 8);
    p.writeUInt32LE(width, 12);
    p.writeUInt32LE(height, 16);
    p.writeUInt8(bpp, 20);
    p.writeUInt8(type, 21);
    return this.tag(8, p);
  }

  // ACPI RSDP copy: tag 14 (20-byte RSDP, revision 0) or 15 (36 bytes, revision 2).
  rsdp(version: 1 | 2, signature = "RSD PTR "): this {
    const p = Buffer.alloc(version === 1 ? 20 : 36);
    p.write(signature, 0, "latin1");
    p.write("QEMUOE", 9, "latin1");
    p.writeUInt8(version === 1 ? 0 : 2, 15);
    return this.tag(version === 1 ? 14 : 15, p);
  }

  // ELF section headers (tag 9), laid out as GRUB does: u32 num, entsize,
  // shndx, then Elf64_Shdr records (only flags, addr and size filled in).
  elfSections(sections: ElfSection[], opts: { entsize?: number; num?: number } = {}): this {
    const entsize = opts.entsize ?? 64;
    const p = Buffer.alloc(12 + sections.length * Math.max(entsize, 64));
    p.writeUInt32LE(opts.num ?? sections.length, 0);
    p.writeUInt32LE(entsize, 4);
    p.writeUInt32LE(0, 8);
    sections.forEach((sec, i) => {
      const o = 12 + i * Math.max(entsize, 64);
      p.writeUInt32LE(sec.type ?? 1, o + 4);
      p.writeBigUInt64LE(sec.flags, o + 8);
      p.writeBigUInt64LE(sec.addr, o + 16);
      p.writeBigUInt64LE(sec.size, o + 32);
    });
    return this.tag(9, p);
  }

  // Image load base address (tag 21).
  loadBase(addr: number): this {
    const p = Buffer.alloc(4);
    p.writeUInt32LE(addr, 0);
    return this.tag(21, p);
  }

  end(): this { return this.tag(0, new Uint8Array(0)); }

  // The whole structure. `totalSize` overrides the header's total size.
  build(opts: { totalSize?: number } = {}): Uint8Array {
    const body = Buffer.concat(this.tags);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(opts.totalSize ?? 8 + body.length, 0);
    return new Uint8Array(Buffer.concat([head, body]));
  }
}

// A typical GRUB boot information for `qemu -m 128M` with one module.
export function typicalBootInfo(cmdline = ""): Mb2Builder {
  return new Mb2Builder()
    .cmdline(cmdline)
    .loaderName("GRUB 2.06-13+deb12u1")
    .module(0x0010f000, 0x00112a3c, "kernel.sym")
    .basicMeminfo(639, 129920)
    .mmap(QEMU_128M_MAP)
    .rsdp(1)
    .end();
}
