// system.ts — the user-space system logic (servers/shell, servers/init,
// servers/names, via tests/servers/system/entry.ts) compiled with asc (stub
// runtime, as the servers are built) and wrapped for Node tests: put text
// in, feed keys, read the OutBuf and a terminal's screen back.
//
// Builds are cached in the temporary directory by tests/ascompile.ts, keyed
// by the sources and the compiler's version.

import { ascCompileCached, ROOT } from "../ascompile";

export { ROOT };
const ENTRY = "tests/servers/system/entry.ts";

export function compileSystem(): Promise<Uint8Array<ArrayBuffer>> {
  return ascCompileCached({
    entry: ENTRY, flags: ["--runtime", "stub", "-O3", "--noAssert", "--debug"],
    sourceDirs: ["servers/lib", "servers/shell", "servers/init", "servers/names", "servers/console", "tests/servers/system"],
    cacheName: "tsos-system-wasm",
  });
}

export interface SystemExports {
  memory: WebAssembly.Memory;
  alloc(n: number): number;
  outPtr(): number; outLen(): number; outClear(): void;
  edNew(cap: number, hist: number): void; edBegin(): void; edFeed(b: number): number;
  edLinePtr(): number; edLineLen(): number; edPos(): number;
  termNew(cols: number, rows: number): void; termWrite(p: number, n: number): void;
  termDump(p: number, cap: number): number; termCol(): number; termRow(): number;
  cmdParse(p: number, n: number): number; cmdArgc(): number; cmdArg(i: number): void;
  cmdCrashKind(): number; cmdOn(): number; cmdHelp(): void;
  manParse(p: number, n: number): number; manErrors(): number; manName(i: number): void; manModule(i: number): void;
  manUsesCount(i: number): number; manUses(i: number, k: number): number; manField(i: number, f: number): bigint;
  polNew(i: number): void; polStarted(now: bigint): void; polExited(now: bigint, how: number): number;
  polAlive(now: bigint): void; polPoll(now: bigint): number; polRestartNow(now: bigint): void; polNext(now: bigint): bigint;
  polState(): number; polRestarts(): number; polCrashes(): number; polDelay(): bigint; polRestartAt(): bigint;
  regNew(max: number): void; regRegister(p: number, n: number, owner: number, handle: bigint): number;
  regLookup(p: number, n: number): number; regOwnerGone(owner: number): number; regGen(i: number): number;
  regHandle(i: number): bigint; regCurrent(i: number, gen: number): number;
}

// One instance of the module, with helpers for text in and out.
export class System {
  private constructor(readonly ex: SystemExports) {}

  static async load(binary: Uint8Array<ArrayBuffer>): Promise<System> {
    const { instance } = await WebAssembly.instantiate(binary, {
      env: {
        abort: (_m: number, _f: number, line: number, col: number) => { throw new Error(`abort at ${line}:${col}`); },
        seed: () => 1,
      },
    });
    return new System(instance.exports as unknown as SystemExports);
  }

  get mem(): Uint8Array { return new Uint8Array(this.ex.memory.buffer); }

  // Bytes (or a string as UTF-8) copied into fresh memory: [ptr, len].
  put(s: string | Uint8Array): [number, number] {
    const bytes = typeof s === "string" ? new TextEncoder().encode(s) : s;
    const p = this.ex.alloc(bytes.length + 1);
    this.mem.set(bytes, p);
    return [p, bytes.length];
  }

  // What the OutBuf holds, as text; clears it.
  take(): string {
    const s = new TextDecoder().decode(this.mem.slice(this.ex.outPtr(), this.ex.outPtr() + this.ex.outLen()));
    this.ex.outClear();
    return s;
  }

  read(p: number, n: number): string { return new TextDecoder().decode(this.mem.slice(p, p + n)); }
}
