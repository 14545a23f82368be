// fat-native.test.ts — the FAT library through our own backend: the test
// entry (with its disk imports) compiles and assembles for the host target,
// and a script of every operation (assembly/fat_native.ts, disk in linear
// memory) runs natively and in Node on the same mkfs.fat image with the
// same results and byte-for-byte the same image afterwards — which
// fsck.fat then finds clean.

import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "../../toolchain/src/compile.js";
import { buildHostExecutable, HostCall, runHost } from "../../toolchain/src/host.js";
import { compileFatWasm } from "./fatwasm";
import { fsck, mcopyOut, missingTools, mkfs, tempDir } from "./fattools";

const NATIVE = "tests/servers/assembly/fat_native.ts";
const NATIVE_FLAGS = ["--use", "abort=tests/servers/assembly/fat_native/nativeAbort"];

let nativeWasm: Uint8Array<ArrayBuffer>;
beforeAll(async () => { nativeWasm = await compileFatWasm(NATIVE, NATIVE_FLAGS); }, 120_000);

describe("the FAT library compiled by our backend", () => {
  it("the server-side entry (disk imports) compiles and assembles", async () => {
    const wasm = await compileFatWasm();
    const asm = compile(wasm, { target: "host" });
    const t = tempDir();
    try {
      writeFileSync(join(t.dir, "fat.asm"), asm);
      execFileSync("nasm", ["-f", "elf64", "-o", join(t.dir, "fat.o"), join(t.dir, "fat.asm")]);
    } finally { t.done(); }
  }, 120_000);

  describe.skipIf(missingTools.length > 0)("native and V8 run the same script on the same image", () => {
    for (const [fat, mib] of [[12, 2], [16, 16], [32, 40]] as const) {
      it(`FAT${fat}`, () => {
        const t = tempDir();
        try {
          const img = join(t.dir, "disk.img");
          mkfs(img, fat, mib);
          const image = readFileSync(img);
          const words = new BigUint64Array(image.buffer, image.byteOffset, image.length / 8);
          const setup: HostCall[] = [{ name: "diskInit", args: [BigInt(image.length)] }];
          for (let i = 0; i < words.length; i++) if (words[i] !== 0n) setup.push({ name: "poke", args: [BigInt(i), words[i]] });
          const chunks = image.length / 4096;
          const calls: HostCall[] = [...setup, { name: "script", args: [] }, { name: "scriptSum", args: [] }];
          for (let k = 0; k < chunks; k++) calls.push({ name: "chunkHash", args: [BigInt(k)] });

          // V8.
          const ex = new WebAssembly.Instance(new WebAssembly.Module(nativeWasm), {}).exports as any;
          const expected: bigint[] = [];
          for (const c of calls) {
            const r = ex[c.name](...c.args.map((a, i) => (c.name === "poke" && i === 1) || c.name === "script" ? a : Number(a)));
            if (c.name === "script" || c.name === "scriptSum" || c.name === "chunkHash") expected.push(BigInt.asUintN(64, BigInt(r)));
          }
          expect(expected[0]).toBe(0n);   // the script succeeded

          // Native.
          const exe = buildHostExecutable(nativeWasm, t.dir, "fatnative");
          const run = runHost(exe, calls, 120_000);
          expect(run.ready, run.stderr).toBe(true);
          const got = run.outcomes.slice(setup.length).map((o) => ("ok" in o ? o.ok[0] : `${JSON.stringify(o)}`));
          expect(got.length).toBe(expected.length);
          expect(got[0]).toBe(expected[0]);
          expect(got[1]).toBe(expected[1]);
          const differ = got.slice(2).flatMap((h, k) => (h === expected[k + 2] ? [] : [k]));
          expect(differ, "4 KiB chunks of the image that differ").toEqual([]);

          // The image the script wrote is a clean FAT volume.
          const after = Buffer.from(ex.memory.buffer, ex.diskAddr(), image.length);
          writeFileSync(img, after);
          const f = fsck(img);
          expect(f.ok, f.output).toBe(true);
          expect(mcopyOut(img, "/Native Dir/file of size 65537.bin", t.dir).length).toBe(65537);
        } finally { t.done(); }
      }, 180_000);
    }
  });
});
