// n-body (the benchmarks-game program, 5 bodies): energy after n steps.
const NB = 5;
const x = memory.data(8 * NB), y = memory.data(8 * NB), z = memory.data(8 * NB);
const vx = memory.data(8 * NB), vy = memory.data(8 * NB), vz = memory.data(8 * NB), m = memory.data(8 * NB);
const PI = 3.141592653589793, SOLAR = 4 * PI * PI, DPY = 365.24;

function set(i: i32, px: f64, py: f64, pz: f64, qx: f64, qy: f64, qz: f64, mass: f64): void {
  const o = i << 3;
  store<f64>(x + o, px); store<f64>(y + o, py); store<f64>(z + o, pz);
  store<f64>(vx + o, qx * DPY); store<f64>(vy + o, qy * DPY); store<f64>(vz + o, qz * DPY); store<f64>(m + o, mass * SOLAR);
}

function energy(): f64 {
  let e = 0.0;
  for (let i = 0; i < NB; i++) {
    const o = i << 3;
    const a = load<f64>(vx + o), b = load<f64>(vy + o), c = load<f64>(vz + o);
    e += 0.5 * load<f64>(m + o) * (a * a + b * b + c * c);
    for (let j = i + 1; j < NB; j++) {
      const q = j << 3;
      const dx = load<f64>(x + o) - load<f64>(x + q), dy = load<f64>(y + o) - load<f64>(y + q), dz = load<f64>(z + o) - load<f64>(z + q);
      e -= (load<f64>(m + o) * load<f64>(m + q)) / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

export function run(n: i32): f64 {
  set(0, 0, 0, 0, 0, 0, 0, 1);
  set(1, 4.84143144246472090e0, -1.16032004402742839e0, -1.03622044471123109e-1, 1.66007664274403694e-3, 7.69901118419740425e-3, -6.90460016972063023e-5, 9.54791938424326609e-4);
  set(2, 8.34336671824457987e0, 4.12479856412430479e0, -4.03523417114321381e-1, -2.76742510726862411e-3, 4.99852801234917238e-3, 2.30417297573763929e-5, 2.85885980666130812e-4);
  set(3, 1.28943695621391310e1, -1.51111514016986312e1, -2.23307578892655734e-1, 2.96460137564761618e-3, 2.37847173959480950e-3, -2.96589568540237556e-5, 4.36624404335156298e-5);
  set(4, 1.53796971148509165e1, -2.59193146099879641e1, 1.79258772950371181e-1, 2.68067772490389322e-3, 1.62824170038242295e-3, -9.51592254519715870e-5, 5.15138902046611451e-5);
  const dt = 0.01;
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < NB; i++) {
      const o = i << 3;
      for (let j = i + 1; j < NB; j++) {
        const q = j << 3;
        const dx = load<f64>(x + o) - load<f64>(x + q), dy = load<f64>(y + o) - load<f64>(y + q), dz = load<f64>(z + o) - load<f64>(z + q);
        const d2 = dx * dx + dy * dy + dz * dz;
        const mag = dt / (d2 * Math.sqrt(d2));
        const mi = load<f64>(m + o) * mag, mj = load<f64>(m + q) * mag;
        store<f64>(vx + o, load<f64>(vx + o) - dx * mj); store<f64>(vy + o, load<f64>(vy + o) - dy * mj); store<f64>(vz + o, load<f64>(vz + o) - dz * mj);
        store<f64>(vx + q, load<f64>(vx + q) + dx * mi); store<f64>(vy + q, load<f64>(vy + q) + dy * mi); store<f64>(vz + q, load<f64>(vz + q) + dz * mi);
      }
    }
    for (let i = 0; i < NB; i++) {
      const o = i << 3;
      store<f64>(x + o, load<f64>(x + o) + dt * load<f64>(vx + o));
      store<f64>(y + o, load<f64>(y + o) + dt * load<f64>(vy + o));
      store<f64>(z + o, load<f64>(z + o) + dt * load<f64>(vz + o));
    }
  }
  return energy();
}
