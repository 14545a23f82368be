// Open-addressing hash map i32 -> i32 (linear probing, 2^20 slots):
// n inserts/updates and n lookups of pseudo-random keys.
import { rand, reseed } from './common';
const SLOTS = 1 << 20;
const keys = memory.data(4 * SLOTS);
const vals = memory.data(4 * SLOTS);

function slot(k: u32): u32 {
  let h = (k * 0x9e3779b1) >>> 12;
  while (true) {
    const s = load<u32>(keys + (h << 2));
    if (s == k || s == 0) return h;
    h = (h + 1) & (SLOTS - 1);
  }
}

export function run(n: i32): i32 {
  memory.fill(keys, 0, 4 * SLOTS);
  reseed(7);
  for (let i = 0; i < n; i++) {
    const k = (rand() & 0x7ffff) | 1;
    const h = slot(k);
    store<u32>(keys + (h << 2), k);
    store<i32>(vals + (h << 2), load<i32>(vals + (h << 2)) + i);
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const k = (rand() & 0x7ffff) | 1;
    const h = slot(k);
    if (load<u32>(keys + (h << 2)) == k) sum += load<i32>(vals + (h << 2));
  }
  return sum;
}
