// mkfont.ts — `make font`: turns a distribution console font into the
// framebuffer console's font.
//   node build/tools/mkfont.js <font.psf[.gz]> <notice.txt> <out-prefix>
// writes <out-prefix>.bin (the TSFN format, tsfont.ts) and <out-prefix>.ts
// (the same bytes as AssemblyScript static data, with the notice: where
// the font comes from and its licence).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { parsePsf } from "./psf";
import { makeTsfont, tsfontToAssemblyScript } from "./tsfont";

const [src, noticeFile, out] = process.argv.slice(2);
if (!src || !noticeFile || !out) {
  console.error("usage: mkfont <font.psf[.gz]> <notice.txt> <out-prefix>");
  process.exit(2);
}
try {
  const font = parsePsf(readFileSync(src));
  const tsf = makeTsfont(font);
  const notice = `Made from ${src} (PSF${font.version}, ${font.width}x${font.height}).\n\n` + readFileSync(noticeFile, "utf8");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out + ".bin", tsf);
  writeFileSync(out + ".ts", tsfontToAssemblyScript(tsf, basename(out) + ".ts", notice));
} catch (e) {
  console.error(`mkfont: ${src}: ${(e as Error).message}`);
  process.exit(1);
}
