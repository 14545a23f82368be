// `npm run spectest [file...]`: the spec-suite runner (spectest.ts) from the
// command line. Prints the per-file table, the skip reasons, the failures and
// the final line `N passed, M failed`; exit status 1 if anything failed.
// Without the suite it says how to point at it and exits 0.

import path from 'node:path';
import { existsSync } from 'node:fs';
import { runSpecSuite, formatSuite, specSuiteDir, specFiles } from './spectest.js';

function repoRoot(): string {
  let d = process.cwd();
  while (!existsSync(path.join(d, 'package.json')) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

async function main(): Promise<number> {
  const root = repoRoot();
  const suite = specSuiteDir(root);
  if (specFiles(suite).length === 0) {
    console.log(`spec suite not found at ${suite}: set WASM_SPEC_TESTS to the folder of the JSON + .wasm suite (see its README.md); skipping`);
    return 0;
  }
  const files = process.argv.slice(2);
  const r = await runSpecSuite({ suite, workDir: path.join(root, 'build/spectest'), files: files.length ? files : undefined });
  console.log(formatSuite(r, files.length ? 1000 : 10));
  return r.failed ? 1 : 0;
}

main().then((c) => (process.exitCode = c), (e) => {
  console.error(e);
  process.exitCode = 3;
});
