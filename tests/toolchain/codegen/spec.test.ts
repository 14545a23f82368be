// The official spec suite run through the backend (toolchain/src/spectest.ts):
// every module compiled for the build host, every assert_return,
// assert_trap, assert_exhaustion and instantiation check executed natively.
// The table per file, the skip reasons and the final `N passed, M failed`
// line are printed; any failure fails the test. Skips are allowed, each with
// its reason (printed).
//
// The suite lives outside the repo: WASM_SPEC_TESTS, or ../shared/wasm-spec-tests
// beside the repository. Without it the test is skipped with a message.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSpecSuite, formatSuite, specSuiteDir, specFiles } from '../../../toolchain/src/spectest.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const suite = specSuiteDir(repo);
const present = specFiles(suite).length > 0;

describe('spec suite through the backend (build-host target)', () => {
  if (!present) {
    it.skip(`spec suite not found at ${suite}: set WASM_SPEC_TESTS to the JSON + .wasm suite folder`, () => {});
    return;
  }
  it('passes every assertion it runs', async () => {
    const r = await runSpecSuite({ suite, workDir: path.join(repo, 'build/spectest') });
    const text = formatSuite(r);
    console.log(text);
    expect(r.failed, text.split('\n').filter((l) => l.startsWith('  ') && l.includes('.wast:')).slice(0, 30).join('\n')).toBe(0);
    expect(r.passed).toBeGreaterThan(20000);
  }, 600000);
});
