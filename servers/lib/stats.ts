// stats.ts — benchmark samples and their median (servers/kbench, the
// shell's bench): sorting in place, insertion sort (the counts are small).

export function sortU64(a: StaticArray<u64>, n: i32): void {
  for (let i = 1; i < n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

// Sorts the first n samples and returns their median.
export function median(a: StaticArray<u64>, n: i32): u64 {
  sortU64(a, n);
  return (n & 1) != 0 ? a[n >> 1] : (a[(n >> 1) - 1] + a[n >> 1]) >> 1;
}
