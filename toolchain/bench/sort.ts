// Integer sort: quicksort (insertion sort below 16) of n pseudo-random i32.
import { rand, reseed } from './common';
const buf = memory.data(4 << 20);

function qsort(lo: i32, hi: i32): void {
  while (hi - lo > 16) {
    const p = load<i32>(buf + (((lo + hi) >>> 1) << 2));
    let i = lo, j = hi;
    while (i <= j) {
      while (load<i32>(buf + (i << 2)) < p) i++;
      while (load<i32>(buf + (j << 2)) > p) j--;
      if (i <= j) {
        const t = load<i32>(buf + (i << 2));
        store<i32>(buf + (i << 2), load<i32>(buf + (j << 2)));
        store<i32>(buf + (j << 2), t);
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) { qsort(lo, j); lo = i; } else { qsort(i, hi); hi = j; }
  }
  for (let k = lo + 1; k <= hi; k++) {
    const v = load<i32>(buf + (k << 2));
    let m = k - 1;
    while (m >= lo && load<i32>(buf + (m << 2)) > v) { store<i32>(buf + ((m + 1) << 2), load<i32>(buf + (m << 2))); m--; }
    store<i32>(buf + ((m + 1) << 2), v);
  }
}

export function run(n: i32): i32 {
  reseed(1);
  for (let i = 0; i < n; i++) store<i32>(buf + (i << 2), <i32>rand());
  qsort(0, n - 1);
  let h = 0;
  for (let i = 0; i < n; i += 97) h = h * 31 + load<i32>(buf + (i << 2));
  return h;
}
