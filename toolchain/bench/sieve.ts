// Sieve of Eratosthenes up to n, repeated: the number of primes.
const flags = memory.data(1 << 22);

export function run(n: i32): i32 {
  let count = 0;
  for (let rep = 0; rep < 10; rep++) {
    memory.fill(flags, 1, n + 1);
    count = 0;
    for (let i = 2; i <= n; i++) {
      if (load<u8>(flags + i)) {
        count++;
        for (let j = i * 2; j <= n; j += i) store<u8>(flags + j, 0);
      }
    }
  }
  return count;
}
