// The trap codes of generated code: the one table that the code generator,
// the host runtime (through the emitted __wasm_trap_names table) and the
// kernel's panic report all read. Codes are the index; 0 is never used.

export const TRAPS = [
  '',
  'unreachable',
  'integer divide by zero',
  'integer overflow',
  'invalid conversion to integer',
  'out of bounds memory access',
  'undefined element',
  'uninitialized element',
  'indirect call type mismatch',
  'call stack exhausted',
  'out of bounds table access',
  'unimplemented intrinsic',
] as const;

export type TrapName = Exclude<(typeof TRAPS)[number], ''>;

export function trapCode(name: TrapName): number {
  return TRAPS.indexOf(name);
}
