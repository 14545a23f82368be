// Instruction-set level of the generated code. By default wasmc emits
// baseline x86-64 (SSE2 only: the kernel must run on any x86-64 PC), so
// ceil/floor/trunc/nearest are lowered without SSE4.1 `rounds*` and popcnt
// without the popcnt instruction; `cpu: 'x86-64-v2'` allows both. Both
// lowerings are checked against V8 on values around every rounding edge
// (halves, 2^23 and 2^52, signed zeros, infinities, NaNs with payloads).

import { describe, it, expect } from 'vitest';
import { wat2wasm, differential } from './differential.js';
import { compile } from '../../../toolchain/src/compile.js';
import { ValType } from '../../../toolchain/src/wasm/types.js';

const OPS = ['ceil', 'floor', 'trunc', 'nearest'];
const WAT = `(module
${['f32', 'f64'].map((t) => OPS.map((o) => `  (func (export "${t}.${o}") (param ${t}) (result ${t}) (${t}.${o} (local.get 0)))
  (func (export "${t}.${o}.twice") (param ${t}) (result ${t}) (${t}.${o} (${t}.${o} (local.get 0))))
  (func (export "${t}.${o}.pressure") (param ${t} ${t}) (result ${t})
    (${t}.add (${t}.${o} (local.get 0)) (${t}.${o} (local.get 1))))`).join('\n')).join('\n')}
  (func (export "i32.popcnt") (param i32) (result i32) (i32.popcnt (local.get 0)))
  (func (export "i64.popcnt") (param i64) (result i64) (i64.popcnt (local.get 0)))
  (func (export "clz") (param i64) (result i64) (i64.add (i64.clz (local.get 0)) (i64.extend_i32_u (i32.clz (i32.wrap_i64 (local.get 0))))))
  (func (export "ctz") (param i64) (result i64) (i64.add (i64.ctz (local.get 0)) (i64.extend_i32_u (i32.ctz (i32.wrap_i64 (local.get 0))))))
)`;

const bits32 = (x: number) => {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, x, true);
  return BigInt(dv.getUint32(0, true));
};
const bits64 = (x: number) => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x, true);
  return dv.getBigUint64(0, true);
};
const VALUES = [0, -0, 0.25, -0.25, 0.5, -0.5, 0.75, -0.75, 1, -1, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5, 0.49999999999999994, -0.49999999999999994,
  1e-300, -1e-300, 5e-324, -5e-324, 1e-40, -1e-40, 123456.789, -123456.789,
  2 ** 22 - 0.5, -(2 ** 22 - 0.5), 2 ** 22 + 0.5, -(2 ** 22 + 0.5), 2 ** 23 - 0.5, -(2 ** 23 - 0.5), 2 ** 23, -(2 ** 23), 2 ** 23 + 1, 2 ** 24 + 2,
  2 ** 31 + 0.5, -(2 ** 31 + 0.5), 2 ** 51 + 0.5, -(2 ** 51 + 0.5), 2 ** 52 - 0.5, -(2 ** 52 - 0.5), 2 ** 52 - 1.5, 2 ** 52, -(2 ** 52), 2 ** 52 + 1,
  2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 64 + 4096, 1e300, -1e300, 3.4e38, -3.4e38, Infinity, -Infinity, NaN];
const F32_BITS = [...VALUES.map(bits32), 0x7fc00000n, 0xffc00000n, 0x7fa00000n, 0xff800001n, 0x7f800001n, 0x4affffffn, 0xcaffffffn, 0x4b000001n, 0x3effffffn, 0xbeffffffn];
const F64_BITS = [...VALUES.map(bits64), 0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff4000000000000n, 0x7ff0000000000001n, 0xfff0000000000001n,
  0x432fffffffffffffn, 0xc32fffffffffffffn, 0x4330000000000001n, 0x3fdfffffffffffffn, 0xbfdfffffffffffffn];

const FORBIDDEN = /^\s+(round(ss|sd|ps|pd)|popcnt|lzcnt|tzcnt|andn|blsr|blsi|blsmsk|bextr|bzhi|pdep|pext|shlx|shrx|sarx|rorx|mulx|adcx|adox|ptest|pblendvb|blendv\w+|pmins\w|pmaxs\w|pminu[dw]|pmaxu[dw]|pmulld|pextr[bdq]|pinsr[bdq]|insertps|extractps|dpp[sd]|movbe|crc32|v\w+)\b/m;

describe('instruction-set level', () => {
  it('baseline x86-64 by default: nothing beyond SSE2 (no rounds*, popcnt, lzcnt, tzcnt, BMI, AVX)', async () => {
    const asm = compile(await wat2wasm(WAT), { target: 'host' });
    expect(asm.match(FORBIDDEN)?.[0]).toBeUndefined();
    const kernel = compile(await wat2wasm(WAT), { target: 'kernel' });
    expect(kernel.match(FORBIDDEN)?.[0]).toBeUndefined();
  });
  it('x86-64-v2 uses SSE4.1 rounds* and popcnt', async () => {
    const asm = compile(await wat2wasm(WAT), { target: 'host', cpu: 'x86-64-v2' });
    expect(asm).toMatch(/^\s+roundsd /m);
    expect(asm).toMatch(/^\s+roundss /m);
    expect(asm).toMatch(/^\s+popcnt /m);
  });
  for (const cpu of ['x86-64', 'x86-64-v2'] as const) {
    it(`ceil/floor/trunc/nearest/popcnt/clz/ctz match V8 (${cpu})`, async () => {
      const wasm = await wat2wasm(WAT);
      const extra = (params: ValType[]) =>
        params.length !== 1 ? [] : params[0] === ValType.F32 ? F32_BITS.map((b) => [b]) : params[0] === ValType.F64 ? F64_BITS.map((b) => [b]) : [];
      const r = await differential(wasm, `isa-${cpu}`, 200, 0x15an, { cpu, extra });
      expect(r.mismatches).toEqual([]);
    }, 60000);
  }
});
