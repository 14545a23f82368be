// fatwasm.ts — the FAT library (servers/fs/fat) compiled to Wasm and run in
// Node over a disk image held in a Buffer: the test entry
// (assembly/fat.ts) reaches the image through `disk.*` imports.
//
// Builds are cached in the temporary directory by tests/ascompile.ts, keyed
// by the sources and the compiler's version.

import { ascCompileCached, ROOT } from "../ascompile";

export { ROOT };
export const ENTRY = "tests/servers/assembly/fat.ts";
export const ASC_FLAGS = ["--runtime", "stub", "-O3", "--noAssert", "--debug"];

// Compiles an entry (relative to the repository root) to Wasm.
export function compileFatWasm(entry = ENTRY, extra: string[] = []): Promise<Uint8Array<ArrayBuffer>> {
  return ascCompileCached({
    entry, flags: [...ASC_FLAGS, ...extra],
    sourceDirs: ["servers/fs", "tests/servers/assembly"], cacheName: "tsos-fat-wasm",
  });
}

export const O_CREATE = 1, O_TRUNC = 2, O_EXCL = 4;
export const ATTR_DIR = 0x10;
export const INFO_NAME = 20;

export interface Info { attr: number; size: number; date: number; time: number; cluster: number; name: string }

// A FAT error: the code, the message and the detail, as the library gives them.
export class FatError extends Error {
  constructor(readonly code: number, message: string, readonly detail: string, readonly value: bigint) {
    super(`${message} (${detail}${value ? ` ${value}` : ""}) [${code}]`);
  }
}

type Ex = Record<string, (...a: any[]) => any> & { memory: WebAssembly.Memory };

// One instance of the library over one image (the Buffer is the disk; it
// changes in place as the library writes).
export class FatFs {
  readonly ex: Ex;
  reads = 0;
  writes = 0;
  failIo = false;   // make every device request fail

  constructor(module: WebAssembly.Module, readonly image: Buffer) {
    const self = this;
    const instance = new WebAssembly.Instance(module, {
      env: { abort() { throw new Error("abort called"); } },
      disk: {
        read(block: bigint, count: number, buf: number): number {
          const at = Number(block) * 512, n = count * 512;
          if (self.failIo || at + n > image.length) return -1;
          self.reads++;
          new Uint8Array(self.ex.memory.buffer, buf, n).set(image.subarray(at, at + n));
          return 0;
        },
        write(block: bigint, count: number, buf: number): number {
          const at = Number(block) * 512, n = count * 512;
          if (self.failIo || at + n > image.length) return -1;
          self.writes++;
          image.set(new Uint8Array(self.ex.memory.buffer, buf, n), at);
          return 0;
        },
        blocks(): bigint { return BigInt(Math.floor(image.length / 512)); },
      },
    });
    this.ex = instance.exports as unknown as Ex;
  }

  static async load(image: Buffer): Promise<FatFs> {
    return new FatFs(new WebAssembly.Module(await compileFatWasm()), image);
  }

  private mem(): Uint8Array { return new Uint8Array(this.ex.memory.buffer); }
  private utf16(ptr: number, len: number): string {
    return Buffer.from(this.ex.memory.buffer, ptr, len * 2).toString("utf16le");
  }
  message(code: number): string { return this.utf16(this.ex.messagePtr(code), this.ex.messageLen(code)); }
  detail(): string { return this.utf16(this.ex.detailPtr(), this.ex.detailLen()); }

  // The error for a negative result, else the result.
  check<T extends number | bigint>(r: T): T {
    if (r < 0) throw this.error(Number(r));
    return r;
  }
  error(code: number): FatError {
    return new FatError(code, this.message(code), this.detail(), BigInt(this.ex.detailValue()));
  }

  private putPath(path: string, at = 0): number {
    const b = Buffer.from(path, "utf8");
    this.mem().set(b, this.ex.buf() + at);
    return b.length;
  }

  // Raw calls: return the library's result (negative = error code).
  mount(flags = 0): number { return this.ex.mount(flags); }
  mountFound(flags = 0): number { return this.ex.mountFound(flags); }
  sync(): number { return this.ex.sync(); }
  open(path: string, flags = 0): number { return this.ex.open(this.putPath(path), flags); }
  close(h: number): number { return this.ex.close(h); }
  mkdir(path: string): number { return this.ex.mkdir(this.putPath(path)); }
  rmdir(path: string): number { return this.ex.rmdir(this.putPath(path)); }
  remove(path: string): number { return this.ex.remove(this.putPath(path)); }
  rename(from: string, to: string): number {
    const n = this.putPath(from);
    const m = this.putPath(to, 8192);
    return this.ex.rename(n, 8192, m);
  }
  truncate(h: number, size: number): number { return this.ex.truncate(h, size); }
  size(h: number): number { return Number(this.ex.fileSize(h)); }

  write(h: number, pos: number, data: Uint8Array): number {
    const chunk = 1 << 20;
    let done = 0;
    while (done < data.length || data.length === 0) {
      const n = Math.min(chunk, data.length - done);
      this.mem().set(data.subarray(done, done + n), this.ex.buf());
      const r = this.ex.write(h, pos + done, 0, n);
      if (r < 0) return r;
      done += n;
      if (data.length === 0) break;
    }
    return done;
  }

  // Reads up to len bytes at pos; a Buffer, or the error code.
  read(h: number, pos: number, len: number): Buffer | number {
    const parts: Buffer[] = [];
    const chunk = 512 * 1024;
    for (let done = 0; done < len;) {
      const r = this.ex.read(h, pos + done, 0, Math.min(chunk, len - done));
      if (r < 0) return r;
      if (r === 0) break;
      parts.push(Buffer.from(this.mem().subarray(this.ex.buf(), this.ex.buf() + r)));
      done += r;
    }
    return Buffer.concat(parts);
  }

  private info(at: number): Info {
    const dv = new DataView(this.ex.memory.buffer, this.ex.buf() + at);
    const n = dv.getUint32(16, true);
    return {
      attr: dv.getUint32(0, true), size: dv.getUint32(4, true), date: dv.getUint16(8, true), time: dv.getUint16(10, true),
      cluster: dv.getUint32(12, true),
      name: Buffer.from(this.ex.memory.buffer, this.ex.buf() + at + INFO_NAME, n).toString("utf8"),
    };
  }

  // Helpers that throw FatError on failure.
  readFile(path: string): Buffer {
    const h = this.check(this.open(path));
    try {
      const size = this.size(h);
      const r = this.read(h, 0, size);
      if (typeof r === "number") throw this.error(r);
      return r;
    } finally { this.close(h); }
  }
  writeFile(path: string, data: Uint8Array, flags = O_CREATE | O_TRUNC): void {
    const h = this.check(this.open(path, flags));
    try { this.check(this.write(h, 0, data)); } finally { this.close(h); }
  }
  appendFile(path: string, data: Uint8Array): void {
    const h = this.check(this.open(path, O_CREATE));
    try { this.check(this.write(h, this.size(h), data)); } finally { this.close(h); }
  }
  list(path: string): Info[] {
    const out: Info[] = [];
    const len = this.putPath(path);
    for (let cookie = 0; ;) {
      const r = Number(this.check(this.ex.list(len, cookie, 8192) as bigint));
      if (r === 0) return out;
      out.push(this.info(8192));
      cookie = r;
    }
  }
  stat(path: string): Info {
    this.check(this.ex.stat(this.putPath(path), 8192));
    return this.info(8192);
  }
  df(): { clusterBytes: number; clusters: number; free: number; fatType: number; sectorBytes: number } {
    this.check(this.ex.df());
    const dv = new DataView(this.ex.memory.buffer, this.ex.buf());
    return { clusterBytes: dv.getUint32(0, true), clusters: dv.getUint32(4, true), free: dv.getUint32(8, true), fatType: dv.getUint32(12, true), sectorBytes: dv.getUint32(16, true) };
  }
}
