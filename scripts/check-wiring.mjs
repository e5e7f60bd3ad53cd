#!/usr/bin/env node
/**
 * `node scripts/check-wiring.mjs [root]` (part of `npm run lint`): fails when a client, pool, connection,
 * thread or queue is constructed outside the composition root (src/main) and the wrappers of outside things
 * (src/infra). Everything else gets those parts passed in, so tests can pass their own and nothing holds a
 * connection nobody closes. Tests, benches and scripts build their own on purpose and are not checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..'));
const CHECKED = ['src', 'bots'];
const ALLOWED_DIRS = ['src/main/', 'src/infra/'];
/** Files that may construct one of these, and why. Keep it short: each entry is a wire the root does not hold. */
const ALLOWED_FILES = {
  'src/db/knex.ts': 'the knex factory itself (createDb, createReadDb); only the root and migrations call it',
  'src/outbound/safe-http.ts':
    'the SSRF-guarded undici Agent inside the postback client; one per client the root makes (and one in the sender thread)',
};
const PATTERNS = [
  { re: /\bnew\s+Redis\s*\(/, what: 'new Redis(' },
  { re: /\bnew\s+Agent\s*\(/, what: 'new Agent(' },
  { re: /\bknex(?:Factory)?\s*\(/, what: 'knex(' },
  { re: /\bnew\s+Worker\s*\(/, what: 'new Worker(' },
  { re: /\bnew\s+Queue\s*\(/, what: 'new Queue(' },
];

function* sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) yield* sourceFiles(rel);
    else if (/\.(ts|js|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) yield rel;
  }
}

const problems = [];
for (const dir of CHECKED) {
  for (const file of sourceFiles(dir)) {
    if (ALLOWED_DIRS.some((d) => file.startsWith(d)) || file in ALLOWED_FILES) continue;
    const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.trim();
      if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
      for (const p of PATTERNS) {
        if (p.re.test(line)) problems.push(`${file}:${i + 1}: ${p.what} outside src/main and src/infra`);
      }
    });
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(
    `\n${problems.length} construction(s) outside the composition root: build it in src/main (or wrap it in src/infra) and pass it in`,
  );
  process.exit(1);
}
