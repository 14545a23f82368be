// f64 matrix multiply, n x n: the trace of the product.
const A = memory.data(8 * 256 * 256);
const B = memory.data(8 * 256 * 256);
const C = memory.data(8 * 256 * 256);

export function run(n: i32): f64 {
  for (let i = 0; i < n * n; i++) {
    store<f64>(A + (i << 3), <f64>(i % 17) * 0.5 - 3.0);
    store<f64>(B + (i << 3), <f64>(i % 13) * 0.25 + 1.0);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) store<f64>(C + ((i * n + j) << 3), 0);
    for (let k = 0; k < n; k++) {
      const a = load<f64>(A + ((i * n + k) << 3));
      for (let j = 0; j < n; j++) {
        const p = C + ((i * n + j) << 3);
        store<f64>(p, load<f64>(p) + a * load<f64>(B + ((k * n + j) << 3)));
      }
    }
  }
  let t = 0.0;
  for (let i = 0; i < n; i++) t += load<f64>(C + ((i * n + i) << 3));
  return t;
}
