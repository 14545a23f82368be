// Where the backend spends its time: `wasmc --time-passes` (cli.ts) hands a
// PassTimer to compile(); compile.ts times decode and validate, and
// codegen/module.ts each pass of each function (summed per pass) and the
// assembly of the output text. Without a timer nothing is measured.

import { performance } from 'node:perf_hooks';

export class PassTimer {
  /** Milliseconds per pass, in the order the passes first ran. */
  readonly ms = new Map<string, number>();
  /** The function whose passes took longest together, and their time. */
  slowest = { name: '', ms: 0 };
  private total = 0;
  private atFunctionStart = 0;

  run<T>(pass: string, f: () => T): T {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      const dt = performance.now() - t0;
      this.ms.set(pass, (this.ms.get(pass) ?? 0) + dt);
      this.total += dt;
    }
  }

  /** Around the passes of one function (for `slowest`). */
  beginFunction() {
    this.atFunctionStart = this.total;
  }
  endFunction(name: string) {
    const ms = this.total - this.atFunctionStart;
    if (ms > this.slowest.ms) this.slowest = { name, ms };
  }

  /** A table: each pass, its milliseconds and share, then the total. */
  report(): string {
    const rows = [...this.ms].map(([p, t]) => `${p.padEnd(10)} ${t.toFixed(1).padStart(9)} ms ${((100 * t) / (this.total || 1)).toFixed(1).padStart(5)} %`);
    rows.push(`${'total'.padEnd(10)} ${this.total.toFixed(1).padStart(9)} ms`);
    if (this.slowest.name) rows.push(`slowest function: ${this.slowest.name} (${this.slowest.ms.toFixed(1)} ms)`);
    return rows.join('\n') + '\n';
  }
}
