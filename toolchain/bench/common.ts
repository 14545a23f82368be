// Shared by the benchmark programs: a deterministic pseudo-random sequence.
let seed: u32 = 12345;
export function rand(): u32 {
  seed = seed * 1103515245 + 12345;
  return seed >>> 1;
}
export function reseed(s: u32): void {
  seed = s;
}
