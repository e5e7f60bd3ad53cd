// `npm run bench`: every capability's benchmark in turn, each printing its own figures and baseline.
// Run one alone with `npm run bench:<name>`; extra arguments are passed to each (e.g. --duration 5).
import { spawnSync } from 'node:child_process';

const BENCHES = ['tracking', 's2s', 'report', 'relay', 'charts', 'bot'];
const extra = process.argv.slice(2);
const failed: string[] = [];
for (const name of BENCHES) {
  console.log(`\n=== bench:${name} ===`);
  const r = spawnSync('npx', ['tsx', `bench/${name}.ts`, ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nbenchmarks that failed: ${failed.join(', ')}`);
  process.exit(1);
}
