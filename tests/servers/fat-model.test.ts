// fat-model.test.ts — random sequences of operations (create, write at any
// offset, append, truncate, rename within and across directories, delete,
// mkdir, rmdir) against a model kept in JavaScript: reads agree with the
// model; after each sync a fresh instance on the disk (a server restarted
// after a crash) sees everything; at the end mtools reads every file as
// the model says and fsck.fat finds nothing wrong. Small clusters and a
// small volume, so that directories grow and space runs out.

import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileFatWasm, FatFs, O_CREATE } from "./fatwasm";
import { fsck, mcopyOut, missingTools, mkfs, mls, pattern, tempDir } from "./fattools";

let module: WebAssembly.Module;
beforeAll(async () => { module = new WebAssembly.Module(await compileFatWasm()); }, 120_000);

type Node = { kind: "file"; data: Buffer } | { kind: "dir" };

const NAMES = ["a", "B.TXT", "long file name number one.data", "Ünïcödé", "x y z", "MiXeD.Case", "readme.md", "a+b", "deeper directory name", "n"];

describe.skipIf(missingTools.length > 0)("random operations against a model", () => {
  for (const [fat, mib, extra] of [[12, 0.25, ["-s", "1"]], [16, 16, ["-s", "1", "-r", "64"]], [32, 40, ["-s", "1"]]] as const) {
    // FAT_MODEL_SEEDS=50 runs more sequences; FAT_MODEL_ONLY=16:7 runs one,
    // checks every file's size after every step and prints the last steps.
    for (let s = 0; s < Number(process.env.FAT_MODEL_SEEDS ?? 1); s++) if (!process.env.FAT_MODEL_ONLY || process.env.FAT_MODEL_ONLY === `${fat}:${s}`) it(`FAT${fat} (sequence ${s})`, () => {
      const t = tempDir();
      try {
        const img = join(t.dir, "disk.img");
        mkfs(img, fat, mib, [...extra]);
        const image = readFileSync(img);
        const fs = new FatFs(module, image);
        fs.check(fs.mount());
        const model = new Map<string, Node>([["", { kind: "dir" }]]);
        let seed = fat * 7919 + s * 104729;
        const rand = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
        const key = (p: string) => p.toLowerCase();
        const dirs = () => [...model.entries()].filter(([, n]) => n.kind === "dir").map(([p]) => p);
        const files = () => [...model.entries()].filter(([, n]) => n.kind === "file").map(([p]) => p);
        const real = new Map<string, string>();   // lower-case key -> path as created
        const pathOf = (k: string) => (k === "" ? "" : real.get(k)!);
        const children = (d: string) => [...model.keys()].filter((k) => k !== "" && k.startsWith(d === "" ? "" : d + "/") && !k.slice(d === "" ? 0 : d.length + 1).includes("/"));
        const pick = <T,>(a: T[]) => a[rand(a.length)];
        let noSpace = 0;
        const trace: string[] = [];
        const T = (m: string) => { if (process.env.FAT_MODEL_ONLY) trace.push(m); };
        for (let step = 0; step < 600; step++) {
          const op = [0, 0, 0, 0, 0, 3, 4, 5, 5, 6, 7, 7, 8, 9][rand(14)];
          const ctx = `step ${step} op ${op}`;
          if (op <= 2) {           // write somewhere in a new or existing file
            const d = pick(dirs());
            const existing = files().filter((f) => rand(2) === 0);
            const k = existing.length && rand(2) ? pick(existing) : (d === "" ? "" : d + "/") + key(pick(NAMES));
            if (model.has(k) && model.get(k)!.kind === "dir") continue;
            const path = model.has(k) ? pathOf(k) : (d === "" ? "" : pathOf(d) + "/") + NAMES.find((n) => key(n) === k.split("/").pop())!;
            const old = model.has(k) ? (model.get(k) as { data: Buffer }).data : Buffer.alloc(0);
            const pos = rand(3) === 0 ? old.length : rand(old.length + 3000);
            const data = pattern(rand(6000), step + 1);
            const h = fs.open(path, O_CREATE);
            if (h === -18 || h === -19) { noSpace++; continue; }
            expect(h, ctx).toBeGreaterThanOrEqual(0);
            const r = fs.write(h, pos, data);
            T(`${step} write ${path} @${pos} +${data.length} -> ${r} size ${fs.size(h)}`);
            fs.close(h);
            if (!model.has(k)) { model.set(k, { kind: "file", data: Buffer.alloc(0) }); real.set(k, path); }
            if (r === -18) { noSpace++; continue; }
            expect(r, ctx).toBe(data.length);
            if (data.length === 0) continue;   // an empty write does not extend the file
            const grown = Buffer.alloc(Math.max(old.length, pos + data.length));
            old.copy(grown);
            data.copy(grown, pos);
            (model.get(k) as { data: Buffer }).data = grown;
          } else if (op === 3 && files().length) {   // truncate
            const k = pick(files());
            const node = model.get(k) as { data: Buffer };
            const size = rand(node.data.length + 4000);
            const h = fs.check(fs.open(pathOf(k)));
            const r = fs.truncate(h, size);
            T(`${step} truncate ${pathOf(k)} ${size} -> ${r}`);
            fs.close(h);
            if (r === -18) { noSpace++; continue; }
            expect(r, ctx).toBeGreaterThanOrEqual(0);
            const n = Buffer.alloc(size);
            node.data.copy(n, 0, 0, Math.min(size, node.data.length));
            node.data = n;
          } else if (op === 4 && files().length) {   // delete
            const k = pick(files());
            expect(fs.remove(pathOf(k)), ctx).toBe(0);
            model.delete(k); real.delete(k);
          } else if (op === 5) {   // mkdir
            const d = pick(dirs());
            const name = pick(NAMES);
            const k = (d === "" ? "" : d + "/") + key(name);
            if (k.split("/").length > 4) continue;
            const r = fs.mkdir((d === "" ? "" : pathOf(d) + "/") + name);
            if (model.has(k)) { expect(r, ctx).toBe(-12); continue; }
            if (r === -18 || r === -19) { noSpace++; continue; }
            expect(r, ctx).toBe(0);
            model.set(k, { kind: "dir" }); real.set(k, (d === "" ? "" : pathOf(d) + "/") + name);
          } else if (op === 6 && dirs().length > 1) {   // rmdir
            const k = pick(dirs().filter((x) => x !== ""));
            const r = fs.rmdir(pathOf(k));
            if (children(k).length) { expect(r, ctx).toBe(-15); continue; }
            expect(r, `${ctx} rmdir ${k}`).toBe(0);
            model.delete(k); real.delete(k);
          } else if (op === 7 && model.size > 1) {   // rename / move
            const from = pick([...model.keys()].filter((x) => x !== ""));
            const d = pick(dirs());
            const name = pick(NAMES);
            const to = (d === "" ? "" : d + "/") + key(name);
            const r = fs.rename(pathOf(from), (d === "" ? "" : pathOf(d) + "/") + name);
            T(`${step} rename ${pathOf(from)} -> ${(d === "" ? "" : pathOf(d) + "/") + name} = ${r}`);
            const intoSelf = model.get(from)!.kind === "dir" && (d === from || d.startsWith(from + "/"));
            if (intoSelf) { expect(model.has(to) ? [-12, -23] : [-23], ctx).toContain(r); continue; }
            if (to !== from && model.has(to)) {
              if (model.get(from)!.kind === "file" && model.get(to)!.kind === "file") {
                expect(r, ctx).toBe(0);   // a file replaces a file, keeping the target's name
                model.set(to, model.get(from)!);
                model.delete(from); real.delete(from);
              } else expect(r, ctx).toBe(-12);
              continue;
            }
            if (r === -18 || r === -19) { noSpace++; continue; }
            expect(r, ctx).toBe(0);
            const newPath = (d === "" ? "" : pathOf(d) + "/") + name;
            // Move the node and everything under it.
            const fromPath = pathOf(from);
            for (const k of [...model.keys()]) {
              if (k === from || k.startsWith(from + "/")) {
                const nk = to + k.slice(from.length);
                const np = newPath + pathOf(k).slice(fromPath.length);
                const node = model.get(k)!;
                model.delete(k); real.delete(k);
                model.set(nk, node); real.set(nk, np);
              }
            }
          } else if (op >= 8 && files().length) {   // read back and compare
            const k = pick(files());
            const got = fs.readFile(pathOf(k));
            expect(got.equals((model.get(k) as { data: Buffer }).data), `${ctx} ${k}`).toBe(true);
          }
          if (step % 100 === 99) {
            // Sync, then "crash": a fresh instance on a copy of the disk
            // (the cache of the old one is lost) sees everything.
            fs.check(fs.sync());
            const after = new FatFs(module, Buffer.from(image));
            after.check(after.mount(1));
            for (const f of files()) expect(after.readFile(pathOf(f)).equals((model.get(f) as { data: Buffer }).data), `${ctx} after restart: ${f}`).toBe(true);
            for (const d of dirs()) expect(after.list(pathOf(d)).length, `${ctx} after restart: ${d}`).toBe(children(d).length);
          }
          if (process.env.FAT_MODEL_ONLY) {
            for (const f of files()) {
              const st = fs.stat(pathOf(f));
              if (st.size !== (model.get(f) as { data: Buffer }).data.length) {
                console.log(trace.slice(-5).join("\n"));
                expect.fail(`after step ${step} op ${op}: ${pathOf(f)} has size ${st.size}, model ${(model.get(f) as { data: Buffer }).data.length}`);
              }
            }
          }
        }
        fs.check(fs.sync());
        // Everything, by the library and by mtools; then fsck.
        writeFileSync(img, image);
        for (const d of dirs()) {
          const names = fs.list(pathOf(d)).map((e) => key(e.name)).sort();
          expect(names, `list ${d}`).toEqual(children(d).map((c) => c.split("/").pop()!).sort());
          expect(mls(img, "/" + pathOf(d)).map(key).sort(), `mdir ${d}`).toEqual(names);
        }
        for (const f of files()) {
          const want = (model.get(f) as { data: Buffer }).data;
          const got = fs.readFile(pathOf(f));
          if (!got.equals(want)) {
            let at = 0;
            while (at < got.length && got[at] === want[at]) at++;
            console.log(trace.join("\n"));
            expect.fail(`${f}: ${got.length} bytes read, ${want.length} expected, first difference at ${at}`);
          }
          expect(mcopyOut(img, "/" + pathOf(f), t.dir).equals(want), `mcopy ${f}`).toBe(true);
        }
        const r = fsck(img);
        expect(r.ok, r.output).toBe(true);
        const m = r.output.match(/(\d+)\/(\d+) clusters/);
        expect(fs.df().free).toBe(Number(m![2]) - Number(m![1]));
        expect(files().length + dirs().length).toBeGreaterThan(5);
        if (fat === 12 && s === 0) expect(noSpace).toBeGreaterThan(0);
        if (process.env.FAT_MODEL_SEEDS) console.log(`FAT${fat} seq ${s}: ${files().length} files, ${dirs().length} dirs, ${noSpace} out of space, ${fs.df().free} free`);
      } finally { t.done(); }
    }, 300_000);
  }
});
