// The kernel's intrinsics: functions imported from module "x86" that become
// inline instructions. One table: the Wasm signature each import must have
// (checked when lowering) and the instructions it becomes (used by the
// emitter). toolchain/ABI.md documents the same list for kernel authors.
//
// An intrinsic reads its arguments into scratch registers (rax, rcx, rdx,
// r11) and writes its result from one; it must leave every other register
// as it found it.

import type { Ty } from './ir.js';

export interface IntrinsicApi {
  line(s: string): void;
  /** Load argument k (of type ty) into register r (0 rax, 1 rcx, 2 rdx, 11 r11). */
  load(r: number, k: number, ty: Ty): void;
  /** Store register r into result k. */
  store(k: number, r: number, ty: Ty): void;
  memBase: string;
}

export interface Intrinsic {
  sig: string; // "params->results", IR types
  emit(api: IntrinsicApi): void;
}

const RAX = 0, RCX = 1, RDX = 2, R11 = 11;

/** Physical memory is mapped at this virtual address (boot/ builds the map). */
export const DIRECT_MAP_BASE = '0xFFFF800000000000';

const simple = (instr: string): Intrinsic => ({ sig: '->', emit: (a) => a.line(instr) });

function portOut(reg: string): Intrinsic {
  return {
    sig: 'i32,i32->',
    emit(a) {
      a.load(RDX, 0, 'i32');
      a.load(RAX, 1, 'i32');
      a.line(`out dx, ${reg}`);
    },
  };
}

function portIn(reg: string): Intrinsic {
  return {
    sig: 'i32->i32',
    emit(a) {
      a.load(RDX, 0, 'i32');
      a.line('xor eax, eax');
      a.line(`in ${reg}, dx`);
      a.store(0, RAX, 'i32');
    },
  };
}

function readCr(n: number): Intrinsic {
  return {
    sig: '->i64',
    emit(a) {
      a.line(`mov rax, cr${n}`);
      a.store(0, RAX, 'i64');
    },
  };
}

function writeCr(n: number): Intrinsic {
  return {
    sig: 'i64->',
    emit(a) {
      a.load(RAX, 0, 'i64');
      a.line(`mov cr${n}, rax`);
    },
  };
}

function physRead(width: number): Intrinsic {
  const ty: Ty = width === 8 ? 'i64' : 'i32';
  const instr = { 1: 'movzx eax, byte', 2: 'movzx eax, word', 4: 'mov eax, dword', 8: 'mov rax, qword' }[width];
  return {
    sig: `i64->${ty}`,
    emit(a) {
      a.load(RAX, 0, 'i64');
      a.line(`mov r11, ${DIRECT_MAP_BASE}`);
      a.line(`${instr} [r11 + rax]`);
      a.store(0, RAX, ty);
    },
  };
}

function physWrite(width: number): Intrinsic {
  const ty: Ty = width === 8 ? 'i64' : 'i32';
  const reg = { 1: 'dl', 2: 'dx', 4: 'edx', 8: 'rdx' }[width];
  return {
    sig: `i64,${ty}->`,
    emit(a) {
      a.load(RAX, 0, 'i64');
      a.load(RDX, 1, ty);
      a.line(`mov r11, ${DIRECT_MAP_BASE}`);
      a.line(`mov [r11 + rax], ${reg}`);
    },
  };
}

export const INTRINSICS: Record<string, Intrinsic> = {
  outb: portOut('al'),
  outw: portOut('ax'),
  outl: portOut('eax'),
  inb: portIn('al'),
  inw: portIn('ax'),
  inl: portIn('eax'),
  rdtsc: {
    sig: '->i64',
    emit(a) {
      a.line('rdtsc');
      a.line('shl rdx, 32');
      a.line('or rax, rdx');
      a.store(0, RAX, 'i64');
    },
  },
  hlt: simple('hlt'),
  cli: simple('cli'),
  sti: simple('sti'),
  pause: simple('pause'),
  ud2: simple('ud2'),
  int3: simple('int3'),
  read_cr0: readCr(0),
  read_cr2: readCr(2),
  read_cr3: readCr(3),
  read_cr4: readCr(4),
  write_cr0: writeCr(0),
  write_cr3: writeCr(3),
  write_cr4: writeCr(4),
  invlpg: {
    sig: 'i64->',
    emit(a) {
      a.load(RAX, 0, 'i64');
      a.line('invlpg [rax]');
    },
  },
  rdmsr: {
    sig: 'i32->i64',
    emit(a) {
      a.load(RCX, 0, 'i32');
      a.line('rdmsr');
      a.line('shl rdx, 32');
      a.line('or rax, rdx');
      a.store(0, RAX, 'i64');
    },
  },
  wrmsr: {
    sig: 'i32,i64->',
    emit(a) {
      a.load(RCX, 0, 'i32');
      a.load(RAX, 1, 'i64');
      a.line('mov rdx, rax');
      a.line('shr rdx, 32');
      a.line('wrmsr');
    },
  },
  cpuid: {
    sig: 'i32,i32,i32->',
    emit(a) {
      // cpuid writes rbx, which belongs to the register allocator: save it.
      a.load(R11, 2, 'i32');
      a.load(RAX, 0, 'i32');
      a.load(RCX, 1, 'i32');
      a.line('push rbx');
      a.line('cpuid');
      a.line(`mov [r11 + ${a.memBase}], eax`);
      a.line(`mov [r11 + ${a.memBase} + 4], ebx`);
      a.line(`mov [r11 + ${a.memBase} + 8], ecx`);
      a.line(`mov [r11 + ${a.memBase} + 12], edx`);
      a.line('pop rbx');
    },
  },
  // Copy `words` 8-byte words from physical `src` to physical `dst`
  // through the direct map (rep movsq; rsi and rdi belong to the register
  // allocator: saved around it; DF is 0 in the kernel). The IPC fast path's
  // long messages (kernel/fastpath.ts copyLong).
  phys_copy64: {
    sig: 'i64,i64,i64->',
    emit(a) {
      a.load(RAX, 0, 'i64');
      a.load(RDX, 1, 'i64');
      a.load(RCX, 2, 'i64');
      a.line('push rsi');
      a.line('push rdi');
      a.line(`mov r11, ${DIRECT_MAP_BASE}`);
      a.line('lea rdi, [r11 + rax]');
      a.line('lea rsi, [r11 + rdx]');
      a.line('rep movsq');
      a.line('pop rdi');
      a.line('pop rsi');
    },
  },
  // Calls code at a virtual address (kernel test modes only: test=smep
  // calls a user page, which must fault; the code called must keep every
  // register but rax, rcx, rdx and r11).
  call_addr: {
    sig: 'i64->',
    emit(a) {
      a.load(RAX, 0, 'i64');
      a.line('call rax');
    },
  },
  phys_read8: physRead(1),
  phys_read16: physRead(2),
  phys_read32: physRead(4),
  phys_read64: physRead(8),
  phys_write8: physWrite(1),
  phys_write16: physWrite(2),
  phys_write32: physWrite(4),
  phys_write64: physWrite(8),
};
