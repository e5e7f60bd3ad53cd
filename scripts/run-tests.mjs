#!/usr/bin/env node
/**
 * Runs the whole vitest suite (unit + integration projects) and ends with one plain summary line,
 * `N passed, N failed, N skipped`, that CI harnesses can grep without knowing vitest's format.
 * Extra arguments go to vitest (`node scripts/run-tests.mjs --project unit`).
 * Exit status: vitest's own when it failed; 1 as well when zero tests ran (an empty run proves nothing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = mkdtempSync(path.join(tmpdir(), 'pd-vitest-'));
const jsonFile = path.join(outDir, 'results.json');

const vitest = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const res = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)],
  { cwd: ROOT, stdio: 'inherit' },
);

let summary = null;
if (existsSync(jsonFile)) {
  try {
    summary = JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch {
    // a truncated report (vitest killed mid-write) counts as no report
  }
}
rmSync(outDir, { recursive: true, force: true });

let code = res.status ?? 1;
if (res.error) console.error(`could not run vitest: ${res.error.message}`);
if (!summary) {
  console.error('vitest wrote no JSON report; see its output above');
  console.log('0 passed, 0 failed');
  process.exit(code === 0 ? 1 : code);
}

const passed = summary.numPassedTests ?? 0;
// A test file that fails to load (syntax error, failing beforeAll) has no failed test of its own;
// count such files so the line never reads "0 failed" on a red run.
const brokenFiles = (summary.testResults ?? []).filter(
  (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
).length;
const failed = (summary.numFailedTests ?? 0) + brokenFiles;
const skipped = (summary.numPendingTests ?? 0) + (summary.numTodoTests ?? 0);

if (passed + failed === 0) {
  console.error('no tests ran');
  if (code === 0) code = 1;
}
if (failed > 0 && code === 0) code = 1;
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(code);
