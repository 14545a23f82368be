// acpi.test.ts — kernel/acpi.ts on ACPI tables built in simulated memory:
// the RSDP from the multiboot2 tags (ACPI 1.0 and 2.0) or from the BIOS
// areas, RSDT and XSDT, the MADT (I/O APICs, overrides, NMIs, x2APIC
// entries) and the FADT; and the corrupt variants (bad checksums, lying
// and absurd lengths, truncated entries, tables outside the direct map),
// each reported on one line and ignored, never a crash or a stray read.

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { MBI_PHYS, TestKernel } from "./harness";
import { Mb2Builder } from "./mb2";
import { PcMachine } from "./pchw";
import { fadt, madt, madtEntry, qemuMadt, rsdpV1, rsdpV2, rsdt, sdt, xsdt } from "./acpitables";

let binary: Uint8Array;
beforeAll(async () => { binary = await compileKernelWasm("tests/kernel/assembly/hw.ts"); }, 60_000);

const RSDT = 0x7fe1000, XSDT = 0x7fe1100, MADT = 0x7fe1200, FADT = 0x7fe1400;

interface Setup {
  tag?: 14 | 15 | null;           // where the RSDP copy comes from (null: BIOS area only)
  rsdp?: Buffer;                  // its bytes
  bios?: { at: number; bytes: Buffer }; // an RSDP in the BIOS areas
  ebda?: number;                  // the EBDA segment word at 0x40E
  tables?: Array<[number, Buffer]>;
}

// The QEMU-like set: RSDT -> MADT, FADT; XSDT -> the same.
function standardTables(): Array<[number, Buffer]> {
  return [
    [RSDT, rsdt([FADT, MADT])],
    [XSDT, xsdt([BigInt(FADT), BigInt(MADT)])],
    [MADT, qemuMadt()],
    [FADT, fadt()],
  ];
}

async function boot(s: Setup) {
  const m = new PcMachine();
  m.addRam(0, 0x100000);                         // BDA, EBDA, BIOS ROM: readable
  const k = await TestKernel.load(binary, m);
  const mb = new Mb2Builder().cmdline("");
  if (s.tag) mb.tag(s.tag, s.rsdp!);
  m.place(MBI_PHYS, mb.end().build());
  if (s.ebda !== undefined) { const w = Buffer.alloc(2); w.writeUInt16LE(s.ebda); m.place(0x40e, w); }
  if (s.bios) m.place(s.bios.at, s.bios.bytes);
  for (const [at, bytes] of s.tables ?? standardTables()) m.place(at, bytes);
  expect(k.ex.parse(BigInt(MBI_PHYS))).toBe(1);
  const found = k.printed(() => k.ex.acpiInit()) ;
  const summary = k.printed(() => k.ex.acpiPrint()).trimEnd();
  return { k, ex: k.ex, m, log: found, summary };
}

function expectQemuMadt(ex: TestKernel["ex"], withFadt = true) {
  expect(ex.hasMadt()).toBe(1);
  expect(ex.madtPhys()).toBe(BigInt(MADT));
  expect(ex.madtLapic()).toBe(0xfee00000n);
  expect(ex.pcatCompat()).toBe(1);
  expect(ex.cpuCount()).toBe(1);
  expect(ex.ioapicCount()).toBe(1);
  expect(ex.ioapicPhys(0)).toBe(0xfec00000n);
  expect(ex.ioapicGsiBase(0)).toBe(0);
  expect(ex.overrideCount()).toBe(5);
  expect([0, 1, 2, 3, 4].map((i) => [ex.overrideIrq(i), ex.overrideGsi(i), ex.overrideFlags(i)]))
    .toEqual([[0, 2, 0], [5, 5, 0xd], [9, 9, 0xd], [10, 10, 0xd], [11, 11, 0xd]]);
  expect(ex.lapicNmiCount()).toBe(1);
  expect(ex.lapicNmiUid(0) >>> 0).toBe(0xffffffff);
  expect(ex.lapicNmiPin(0)).toBe(1);
  expect(ex.processorUid(0)).toBe(0n);
  expect(ex.processorUid(1)).toBe(-1n);
  if (!withFadt) return;
  expect(ex.hasFadt()).toBe(1);
  expect(ex.fadtPhys()).toBe(BigInt(FADT));
}

describe("finding the RSDP", () => {
  it("takes an ACPI 1.0 RSDP from tag 14 and walks the RSDT", async () => {
    const { ex, log, summary } = await boot({ tag: 14, rsdp: rsdpV1(RSDT) });
    expect(log).toBe("");
    expect(ex.rsdpFrom()).toBe(14);
    expect(ex.revision()).toBe(0);
    expect(ex.rootIsXsdt()).toBe(0);
    expect(ex.rootPhys()).toBe(BigInt(RSDT));
    expect(ex.tableCount()).toBe(2);
    expectQemuMadt(ex);
    expect(ex.problems()).toBe(0);
    expect(summary).toMatch(/^acpi: RSDP rev 0 at 0x[0-9a-f]{8} \(tag 14\), RSDT at 0x07fe1000 \(2 tables\), MADT: 1 CPU, 1 I\/O APIC, 5 overrides, 1 NMI, LAPIC 0xfee00000; FADT at 0x07fe1400$/);
  });

  it("takes an ACPI 2.0 RSDP from tag 15 and walks the XSDT", async () => {
    const { ex, log, summary } = await boot({ tag: 15, rsdp: rsdpV2(RSDT, BigInt(XSDT)) });
    expect(log).toBe("");
    expect(ex.rsdpFrom()).toBe(15);
    expect(ex.revision()).toBe(2);
    expect(ex.rootIsXsdt()).toBe(1);
    expect(ex.rootPhys()).toBe(BigInt(XSDT));
    expectQemuMadt(ex);
    expect(summary).toContain("(tag 15), XSDT at 0x07fe1100 (2 tables)");
  });

  it("finds the RSDP in the BIOS ROM area when there is no tag", async () => {
    const { ex, log } = await boot({ tag: null, bios: { at: 0xf5a10, bytes: rsdpV1(RSDT) } });
    expect(log).toBe("");
    expect(ex.rsdpPhys()).toBe(0xf5a10n);
    expect(ex.rsdpFrom()).toBe(0);
    expectQemuMadt(ex);
  });

  it("finds the RSDP in the first KiB of the EBDA", async () => {
    const { ex } = await boot({ tag: null, ebda: 0x9fc0, bios: { at: 0x9fc00 + 0x40, bytes: rsdpV2(RSDT, BigInt(XSDT)) } });
    expect(ex.rsdpPhys()).toBe(0x9fc40n);
    expect(ex.rootIsXsdt()).toBe(1);
    expectQemuMadt(ex);
  });

  it("skips look-alikes in the BIOS area (bad checksum, not on a 16-byte boundary)", async () => {
    const m = await boot({
      tag: null,
      bios: { at: 0xe0000, bytes: Buffer.concat([rsdpV1(0x1234, { badChecksum: true }), Buffer.alloc(12), Buffer.alloc(8), rsdpV1(RSDT)]) },
    });
    // The first at 0xe0000 is bad; the good one at 0xe0028 is not 16-aligned.
    expect(m.ex.rsdpPhys()).toBe(0n);
    expect(m.summary).toBe("acpi: no RSDP (no ACPI tables)");
    expect(m.log).toBe("");
  });

  it("reports a bad tag RSDP and falls back to the BIOS area", async () => {
    const { ex, log } = await boot({ tag: 14, rsdp: rsdpV1(RSDT, { badChecksum: true }), bios: { at: 0xfe000, bytes: rsdpV1(RSDT) } });
    expect(log).toMatch(/^acpi: RSDP at 0x[0-9a-f]{8}: bad checksum, ignored$/m);
    expect(ex.rsdpPhys()).toBe(0xfe000n);
    expect(ex.problems()).toBe(1);
    expectQemuMadt(ex);
  });

  it("refuses a bad signature in the tag", async () => {
    const { ex, log } = await boot({ tag: 14, rsdp: rsdpV1(RSDT, { signature: "RSD PTX " }) });
    expect(log).toContain("bad signature, ignored");
    expect(ex.rsdpPhys()).toBe(0n);
  });

  it("uses the RSDT when the 2.0 extension is corrupt", async () => {
    for (const opts of [{ badExtChecksum: true }, { length: 20 }, { length: 0xffffff00 }]) {
      const { ex, log } = await boot({ tag: 15, rsdp: rsdpV2(RSDT, BigInt(XSDT), opts) });
      expect(log).toMatch(/acpi: RSDP at .*: bad extended (checksum|length), XSDT, ignored/);
      expect(ex.rootIsXsdt()).toBe(0);
      expect(ex.rootPhys()).toBe(BigInt(RSDT));
      expectQemuMadt(ex);
    }
  });
});

describe("corrupt tables are reported and ignored", () => {
  const v2 = () => rsdpV2(RSDT, BigInt(XSDT));
  const withTable = (at: number, b: Buffer) => standardTables().map(([a, t]) => (a === at ? [a, b] : [a, t]) as [number, Buffer]);

  it("falls back from a bad XSDT to the RSDT", async () => {
    const { ex, log } = await boot({ tag: 15, rsdp: v2(), tables: withTable(XSDT, xsdt([BigInt(MADT)], { badChecksum: true })) });
    expect(log).toBe("acpi: XSDT at 0x07fe1100: bad checksum, ignored\n");
    expect(ex.rootIsXsdt()).toBe(0);
    expectQemuMadt(ex);
  });

  it("a bad RSDT leaves no MADT", async () => {
    const { ex, log, summary } = await boot({ tag: 14, rsdp: rsdpV1(RSDT), tables: withTable(RSDT, rsdt([MADT], { length: 0x7fffffff })) });
    expect(log).toBe("acpi: RSDT at 0x07fe1000: absurd length, ignored\n");
    expect(ex.hasMadt()).toBe(0);
    expect(summary).toContain("no MADT");
  });

  it("an RSDT shorter than its header", async () => {
    const { log } = await boot({ tag: 14, rsdp: rsdpV1(RSDT), tables: withTable(RSDT, rsdt([MADT], { length: 20 })) });
    expect(log).toBe("acpi: RSDT at 0x07fe1000: too short, ignored\n");
  });

  const madtCases: Array<[string, Buffer, string]> = [
    ["bad checksum", qemuMadt({ badChecksum: true }), "bad checksum"],
    ["absurd length", qemuMadt({ length: 0xfffffff0 }), "absurd length"],
    ["length past the direct map", qemuMadt({ length: 0xf8000000 }), "absurd length"],
    ["shorter than the fixed part", madt([], { length: 40 }), "too short"],
    ["an entry of length 0", madt([madtEntry.lapic(0, 0), madtEntry.raw([0x7f, 0])]), "entry shorter than its type needs"],
    ["an I/O APIC entry cut short", madt([madtEntry.raw([1, 8, 0, 0, 0, 0, 0xc0, 0xfe])]), "entry shorter than its type needs"],
    ["an entry running past the table", madt([madtEntry.lapic(0, 0), madtEntry.raw([1, 12, 0, 0])]), "entry runs past the table"],
    ["a lone byte at the end", madt([madtEntry.lapic(0, 0), madtEntry.raw([1])]), "entry header cut off at the end"],
    ["a misaligned local APIC address", madt([madtEntry.lapic(0, 0)], { lapic: 0xfee00010 }), "bad local APIC address"],
    ["an I/O APIC outside the direct map", madt([madtEntry.ioapic(0, 0xfffffff8, 0)]), "bad I/O APIC address"],
  ];
  for (const [name, table, why] of madtCases) {
    it(`a MADT with ${name}`, async () => {
      // Reads must stay inside the tables and the boot information.
      const { ex, log, summary, m } = await boot({ tag: 14, rsdp: rsdpV1(RSDT), tables: withTable(MADT, table) });
      expect(log).toBe(`acpi: MADT at 0x07fe1200: ${why}, ignored\n`);
      expect(ex.hasMadt()).toBe(0);
      expect(ex.ioapicCount()).toBe(0);
      expect(ex.overrideCount()).toBe(0);
      expect(ex.hasFadt()).toBe(1);
      expect(summary).toContain("no MADT; FADT at 0x07fe1400");
      expect(Number(m.highestRead)).toBeLessThan(0x8000000);
    });
  }

  it("a bad FADT is reported, the MADT still used", async () => {
    const { ex, log } = await boot({ tag: 14, rsdp: rsdpV1(RSDT), tables: withTable(FADT, fadt({ badChecksum: true })) });
    expect(log).toBe("acpi: FADT at 0x07fe1400: bad checksum, ignored\n");
    expect(ex.hasFadt()).toBe(0);
    expectQemuMadt(ex, false);
  });

  it("skips XSDT entries beyond the direct map and null entries without touching them", async () => {
    const tables = withTable(XSDT, xsdt([0n, 0x1_0000_0000n, 0xffff_ffff_ffff_fff0n, BigInt(MADT)]));
    const { ex, log } = await boot({ tag: 15, rsdp: v2(), tables });
    expect(log).toBe("");
    expect(ex.tableCount()).toBe(4);
    expect(ex.hasMadt()).toBe(1);
  });

  it("caps the entries it looks at", async () => {
    const many = Array.from({ length: 1000 }, () => 0);
    many[999] = MADT;
    const BIG = 0x7fe8000;
    const { ex } = await boot({ tag: 14, rsdp: rsdpV1(BIG), tables: [...standardTables(), [BIG, rsdt(many)]] });
    expect(ex.tableCount()).toBe(1000);
    expect(ex.hasMadt()).toBe(0);     // entry 999 is past ACPI_MAX_ENTRIES
  });
});

describe("MADT contents", () => {
  it("reads overrides, NMI sources, x2APIC processors, several I/O APICs and the 64-bit LAPIC address", async () => {
    const table = madt([
      madtEntry.lapic(0, 0, 1),
      madtEntry.lapic(1, 1, 0),                 // disabled, not online capable: not counted
      madtEntry.lapic(2, 2, 2),                 // online capable
      madtEntry.x2apic(0x100, 1, 7),
      madtEntry.ioapic(4, 0xfec00000, 0),
      madtEntry.ioapic(5, 0xfec01000, 24),
      madtEntry.override(0, 2, 0),
      madtEntry.override(9, 20, 0xf),           // level, active low
      madtEntry.override(3, 3, 0, 1),           // not ISA: skipped
      madtEntry.nmiSource(0xd, 23),
      madtEntry.lapicNmi(0, 0x5, 1),
      madtEntry.raw([0x7f, 4, 0, 0]),           // unknown type: skipped
      madtEntry.lapicAddress(0xfee10000n),
    ], { flags: 0 });
    const { ex, log } = await boot({ tag: 14, rsdp: rsdpV1(RSDT), tables: [[RSDT, rsdt([MADT])], [MADT, table]] });
    expect(log).toBe("");
    expect(ex.cpuCount()).toBe(3);
    expect(ex.pcatCompat()).toBe(0);
    expect(ex.madtLapic()).toBe(0xfee10000n);
    expect(ex.ioapicCount()).toBe(2);
    expect([ex.ioapicId(1), ex.ioapicPhys(1), ex.ioapicGsiBase(1)]).toEqual([5, 0xfec01000n, 24]);
    expect(ex.overrideCount()).toBe(2);
    expect([ex.overrideIrq(1), ex.overrideGsi(1), ex.overrideFlags(1)]).toEqual([9, 20, 0xf]);
    expect(ex.nmiCount()).toBe(1);
    expect(ex.nmiGsi(0)).toBe(23);
    expect(ex.lapicNmiUid(0)).toBe(0);
    expect(ex.processorUid(0x100)).toBe(7n);
    expect(ex.processorUid(2)).toBe(2n);
    expect(ex.hasFadt()).toBe(0);
  });

  it("keeps the first MADT when the root lists two", async () => {
    const second = madt([madtEntry.ioapic(9, 0xfec02000, 0)]);
    const { ex } = await boot({ tag: 14, rsdp: rsdpV1(RSDT), tables: [[RSDT, rsdt([MADT, 0x7fe1600])], [MADT, qemuMadt()], [0x7fe1600, second]] });
    expect(ex.ioapicPhys(0)).toBe(0xfec00000n);
  });

  it("an sdt helper sanity check: checksums sum to zero", () => {
    const t = sdt("TEST", Buffer.from([1, 2, 3]));
    expect(t.reduce((a, b) => a + b, 0) & 0xff).toBe(0);
  });
});
