// acpitables.ts — build ACPI tables for the tests of kernel/acpi.ts and
// kernel/interrupts.ts: RSDP (1.0 and 2.0), RSDT, XSDT, MADT entries, FADT.
// Well-formed by default (checksums right); every field can be bent for
// the malformed cases (bad checksum, lying length, truncated entries).

export const SDT_HEADER = 36;

// Make the bytes [0, len) of `b` sum to 0 mod 256 by setting b[at].
export function fixChecksum(b: Buffer, at: number, len = b.length): void {
  b[at] = 0;
  let sum = 0;
  for (let i = 0; i < len; i++) sum += b[i];
  b[at] = (256 - (sum & 0xff)) & 0xff;
}

export interface SdtOpts { length?: number; badChecksum?: boolean; revision?: number }

// A system description table: 36-byte header, then `body`.
export function sdt(sig: string, body: Uint8Array, opts: SdtOpts = {}): Buffer {
  const b = Buffer.alloc(SDT_HEADER + body.length);
  b.write(sig, 0, "latin1");
  b.writeUInt32LE(opts.length ?? b.length, 4);
  b.writeUInt8(opts.revision ?? 1, 8);
  b.write("TSOSFW", 10, "latin1");
  b.write("TESTTBL ", 16, "latin1");
  b.writeUInt32LE(1, 24);
  b.write("TSOS", 28, "latin1");
  b.writeUInt32LE(1, 32);
  Buffer.from(body).copy(b, SDT_HEADER);
  fixChecksum(b, 9);
  if (opts.badChecksum) b[9] ^= 0x55;
  return b;
}

export function rsdt(tables: number[], opts: SdtOpts = {}): Buffer {
  const body = Buffer.alloc(4 * tables.length);
  tables.forEach((t, i) => body.writeUInt32LE(t, 4 * i));
  return sdt("RSDT", body, opts);
}

export function xsdt(tables: bigint[], opts: SdtOpts = {}): Buffer {
  const body = Buffer.alloc(8 * tables.length);
  tables.forEach((t, i) => body.writeBigUInt64LE(t, 8 * i));
  return sdt("XSDT", body, opts);
}

export interface RsdpOpts { badChecksum?: boolean; badExtChecksum?: boolean; length?: number; signature?: string; revision?: number }

// ACPI 1.0 RSDP: 20 bytes, revision 0.
export function rsdpV1(rsdtAddr: number, opts: RsdpOpts = {}): Buffer {
  const b = Buffer.alloc(20);
  b.write(opts.signature ?? "RSD PTR ", 0, "latin1");
  b.write("TSOSFW", 9, "latin1");
  b.writeUInt8(opts.revision ?? 0, 15);
  b.writeUInt32LE(rsdtAddr, 16);
  fixChecksum(b, 8, 20);
  if (opts.badChecksum) b[8] ^= 0x55;
  return b;
}

// ACPI 2.0+ RSDP: 36 bytes, revision 2, with the XSDT address.
export function rsdpV2(rsdtAddr: number, xsdtAddr: bigint, opts: RsdpOpts = {}): Buffer {
  const b = Buffer.alloc(36);
  b.write(opts.signature ?? "RSD PTR ", 0, "latin1");
  b.write("TSOSFW", 9, "latin1");
  b.writeUInt8(opts.revision ?? 2, 15);
  b.writeUInt32LE(rsdtAddr, 16);
  b.writeUInt32LE(opts.length ?? 36, 20);
  b.writeBigUInt64LE(xsdtAddr, 24);
  fixChecksum(b, 8, 20);
  fixChecksum(b, 32, 36);
  if (opts.badChecksum) b[8] ^= 0x55;
  if (opts.badExtChecksum) b[32] ^= 0x55;
  return b;
}

// --- MADT entries ---
function entry(type: number, len: number, fill: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(len);
  b.writeUInt8(type, 0);
  b.writeUInt8(len, 1);
  fill(b);
  return b;
}
export const madtEntry = {
  lapic: (uid: number, apicId: number, flags = 1) =>
    entry(0, 8, (b) => { b.writeUInt8(uid, 2); b.writeUInt8(apicId, 3); b.writeUInt32LE(flags, 4); }),
  ioapic: (id: number, addr: number, gsiBase: number) =>
    entry(1, 12, (b) => { b.writeUInt8(id, 2); b.writeUInt32LE(addr, 4); b.writeUInt32LE(gsiBase, 8); }),
  override: (irq: number, gsi: number, flags: number, bus = 0) =>
    entry(2, 10, (b) => { b.writeUInt8(bus, 2); b.writeUInt8(irq, 3); b.writeUInt32LE(gsi, 4); b.writeUInt16LE(flags, 8); }),
  nmiSource: (flags: number, gsi: number) =>
    entry(3, 8, (b) => { b.writeUInt16LE(flags, 2); b.writeUInt32LE(gsi, 4); }),
  lapicNmi: (uid: number, flags: number, lint: number) =>
    entry(4, 6, (b) => { b.writeUInt8(uid, 2); b.writeUInt16LE(flags, 3); b.writeUInt8(lint, 5); }),
  lapicAddress: (addr: bigint) =>
    entry(5, 12, (b) => { b.writeBigUInt64LE(addr, 4); }),
  x2apic: (apicId: number, flags: number, uid: number) =>
    entry(9, 16, (b) => { b.writeUInt32LE(apicId, 4); b.writeUInt32LE(flags, 8); b.writeUInt32LE(uid, 12); }),
  raw: (bytes: number[]) => Buffer.from(bytes),
};

export function madt(entries: Buffer[], opts: SdtOpts & { lapic?: number; flags?: number } = {}): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(opts.lapic ?? 0xfee00000, 0);
  head.writeUInt32LE(opts.flags ?? 1, 4);
  return sdt("APIC", Buffer.concat([head, ...entries]), opts);
}

// The MADT QEMU 7.2 gives a one-CPU pc/q35 machine.
export function qemuMadt(opts: SdtOpts = {}): Buffer {
  return madt([
    madtEntry.lapic(0, 0, 1),
    madtEntry.ioapic(0, 0xfec00000, 0),
    madtEntry.override(0, 2, 0),
    madtEntry.override(5, 5, 0xd),
    madtEntry.override(9, 9, 0xd),
    madtEntry.override(10, 10, 0xd),
    madtEntry.override(11, 11, 0xd),
    madtEntry.lapicNmi(0xff, 0, 1),
  ], opts);
}

export function fadt(opts: SdtOpts = {}): Buffer {
  return sdt("FACP", Buffer.alloc(244 - SDT_HEADER), { revision: 3, ...opts });
}
