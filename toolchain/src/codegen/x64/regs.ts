// x86-64 register names by encoding number and width, and condition codes.

export const R64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
export const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
export const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
export const R8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];

/** Register name of the given width in bytes; locations 16..31 are xmm0..xmm15. */
export function regName(r: number, width: number): string {
  if (r >= 16) return `xmm${r - 16}`;
  switch (width) {
    case 1: return R8[r];
    case 2: return R16[r];
    case 4: return R32[r];
    default: return R64[r];
  }
}

export const SIZE_WORD: Record<number, string> = { 1: 'byte', 2: 'word', 4: 'dword', 8: 'qword' };

/** x86 condition-code suffix of an IR integer condition. (Float conditions:
 * see fcond in emit.ts.) */
export const CC: Record<string, string> = {
  eq: 'e', ne: 'ne',
  lt_s: 'l', lt_u: 'b', gt_s: 'g', gt_u: 'a',
  le_s: 'le', le_u: 'be', ge_s: 'ge', ge_u: 'ae',
};
