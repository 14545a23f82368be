// hw.ts — AssemblyScript test entry for the interrupt hardware: ACPI
// tables (kernel/acpi.ts), the controllers (pic.ts, ioapic.ts, apic.ts,
// pit.ts, mmio.ts) and the API of kernel/interrupts.ts. Thin wrappers for
// ../acpi.test.ts and ../interrupts.test.ts, which run them on the
// simulated PC of ../pchw.ts.

import "../../../kernel/panic";
import { mb2Parse } from "../../../kernel/multiboot2";
import { cmdlineInit } from "../../../kernel/cmdline";
import { cpuIdentify } from "../../../kernel/cpu";
import * as acpi from "../../../kernel/acpi";
import * as ints from "../../../kernel/interrupts";
import * as apic from "../../../kernel/apic";
import * as ioapic from "../../../kernel/ioapic";
import { mmioUncached } from "../../../kernel/mmio";
import { pitTscPerMs } from "../../../kernel/pit";
import * as hpet from "../../../kernel/hpet";
import * as pat from "../../../kernel/pat";

const scratch = memory.data(4096, 16);
export function scratchAddr(): usize { return scratch; }

export function parse(phys: u64): bool { return mb2Parse(phys); }
export function useCmdline(ptr: usize, len: usize): void { cmdlineInit(ptr, len); }
export function identifyCpu(): void { cpuIdentify(); }

// --- acpi ---
export function acpiInit(): bool { return acpi.acpiInit(); }
export function acpiPrint(): void { acpi.acpiPrint(); }
export function rsdpPhys(): u64 { return acpi.acpiRsdpPhys; }
export function rsdpFrom(): u32 { return acpi.acpiRsdpFrom; }
export function revision(): u32 { return acpi.acpiRevision; }
export function rootPhys(): u64 { return acpi.acpiRootPhys; }
export function rootIsXsdt(): bool { return acpi.acpiRootIsXsdt; }
export function tableCount(): u32 { return acpi.acpiTableCount; }
export function problems(): u32 { return acpi.acpiProblems; }
export function hasMadt(): bool { return acpi.acpiHasMadt; }
export function madtPhys(): u64 { return acpi.madtPhys; }
export function madtLapic(): u64 { return acpi.madtLapicPhys; }
export function pcatCompat(): bool { return acpi.madtPcatCompat; }
export function cpuCount(): u32 { return acpi.madtCpuCount; }
export function ioapicCount(): i32 { return acpi.madtIoapicCount; }
export function ioapicId(i: i32): u32 { return acpi.ioapicId(i); }
export function ioapicPhys(i: i32): u64 { return acpi.ioapicPhys(i); }
export function ioapicGsiBase(i: i32): u32 { return acpi.ioapicGsiBase(i); }
export function overrideCount(): i32 { return acpi.madtOverrideCount; }
export function overrideIrq(i: i32): u32 { return acpi.overrideIrq(i); }
export function overrideGsi(i: i32): u32 { return acpi.overrideGsi(i); }
export function overrideFlags(i: i32): u32 { return acpi.overrideFlags(i); }
export function nmiCount(): i32 { return acpi.madtNmiCount; }
export function nmiGsi(i: i32): u32 { return acpi.nmiGsi(i); }
export function lapicNmiCount(): i32 { return acpi.madtLapicNmiCount; }
export function lapicNmiUid(i: i32): u32 { return acpi.lapicNmiUid(i); }
export function lapicNmiPin(i: i32): u32 { return acpi.lapicNmiPin(i); }
export function processorUid(apicId: u32): i64 { return acpi.madtProcessorUid(apicId); }
export function hasFadt(): bool { return acpi.acpiHasFadt; }
export function fadtPhys(): u64 { return acpi.fadtPhys; }

// --- controllers ---
export function interruptsInit(): void { ints.interruptsInit(); }
export function mode(): u32 { return ints.interruptMode; }
export function timerStart(hz: u32): bool { return ints.timerStart(hz); }
export function timerStop(): void { ints.timerStop(); }
export function timerVector(): u32 { return ints.timerVector(); }
export function timerTicks(): u64 { return ints.timerTicks; }
export function timerMilliHz(): u64 { return ints.timerMilliHz; }
export function uptimeMs(): u64 { return ints.uptimeMs(); }
export function irqVector(irq: u32): i32 { return ints.irqVector(irq); }
export function vectorIrq(v: u32): i32 { return ints.vectorIrq(v); }
export function irqGsi(irq: u32): u32 { return ints.irqGsi(irq); }
export function irqMask(irq: u32): bool { return ints.irqMask(irq); }
export function irqUnmask(irq: u32): bool { return ints.irqUnmask(irq); }
export function irqMsiMessage(irq: u32): i64 { return ints.irqMsiMessage(irq); }
export function interruptEoi(v: u32): void { ints.interruptEoi(v); }
export function interruptAccept(v: u32): i32 { return ints.interruptAccept(v); }
export function spuriousCount(): u64 { return ints.spuriousCount; }
export function ioapicEntry(gsi: u32): u64 { return ioapic.ioapicEntry(gsi); }
export function ioapicsInUse(): i32 { return ioapic.ioapicCount; }
export function ioapicInputs(i: i32): u32 { return ioapic.ioapicInputs(i); }
export function lapicPhys(): u64 { return apic.lapicPhys; }
export function lapicId(): u32 { return apic.lapicId; }
export function lapicWasX2apic(): bool { return apic.lapicWasX2apic; }
export function lapicTicksPerMs(): u32 { return apic.lapicTicksPerMs; }
export function tscPerMs(): u64 { return apic.tscPerMs; }
export function calibrationMethod(): u32 { return apic.calibrationMethod; }
export function calibrate(): bool { return apic.lapicCalibrate(); }
export function uncached(phys: u64): bool { return mmioUncached(phys); }
export function tscByPit(us: u32): u64 { return pitTscPerMs(us); }

// --- HPET and PAT (../hpet.test.ts) ---
export function hasHpetTable(): bool { return acpi.acpiHasHpet; }
export function hpetBlock(): u64 { return acpi.hpetBlockPhys; }
export function hpetPhys(): u64 { return hpet.hpetPhys; }
export function hpetHz(): u64 { return hpet.hpetHz(); }
export function tscByHpet(us: u32): u64 { return hpet.hpetTscPerMs(us); }
export function patInit(): bool { return pat.patInit(); }
export function deviceCacheBits(phys: u64): u64 { return pat.deviceCacheBits(phys); }
