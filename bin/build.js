// Plain JavaScript on purpose: the launcher and scripts/bootstrap.mjs use it before anything is compiled.
//
// The product runs compiled JavaScript: transpiling TypeScript at every start cost `partnerdesk --help` ~2.3 s
// and ~170 MB. esbuild transpiles src/, bots/ and migrations/ file by file (no bundle: dynamic imports stay
// lazy, and worker threads keep finding their modules beside them) into dist/<key>/, where <key> is a hash of
// every source file's path, size and mtime. So a changed, added or deleted source always yields a new key and
// a new build: a stale build can never run. Builds are written to a temporary directory and renamed into
// place, so concurrent launchers (tests start many) never see half a build, and a running process keeps its
// own build while a newer one appears beside it.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const SOURCE_DIRS = ['src', 'bots', 'migrations'];
/** Read at run time relative to the compiled modules (fonts, later templates): linked into each build. */
const LINKED_DIRS = ['assets', 'templates'];
/** Builds older than this are removed when a new one is made, unless a live process runs from one. */
const KEEP_OLD_MS = 3600_000;
const FORMAT = 'esm-es2022-1'; // bump when the build options below change

function isSource(name) {
  return (name.endsWith('.ts') || name.endsWith('.js')) && !name.endsWith('.d.ts') && !name.endsWith('.test.ts');
}

/** Every source file (relative path) with its stat, in a stable order. */
function listSources() {
  const out = [];
  const walk = (rel) => {
    for (const ent of readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${ent.name}`;
      if (ent.isDirectory()) walk(child);
      else if (isSource(ent.name)) out.push(child);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(path.join(ROOT, dir))) walk(dir);
  return out.sort();
}

/** The build key of the sources as they are now (a few ms: stats only, no reads). */
export function sourceKey(files = listSources()) {
  const h = createHash('sha256').update(`${FORMAT}\0`);
  for (const f of files) {
    const st = statSync(path.join(ROOT, f));
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * The directory of an up-to-date build, building it first when the sources changed (~0.3 s). `log` gets one
 * line when a build happens.
 */
export async function ensureBuild(log = () => {}) {
  const files = listSources();
  const key = sourceKey(files);
  const dir = path.join(DIST, key);
  if (existsSync(path.join(dir, '.complete'))) return dir;
  log(`compiling ${files.length} source files into dist/${key}...`);
  const tmp = path.join(DIST, `.tmp-${key}-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const esbuild = await import('esbuild');
    const ts = files.filter((f) => f.endsWith('.ts'));
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ts,
      outdir: tmp,
      outbase: '.',
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked', // used only under --enable-source-maps
      logLevel: 'error',
    });
    // Plain .js sources (the SQLite reader thread and its statement cache) are copied as they are.
    for (const f of files.filter((f) => f.endsWith('.js'))) {
      mkdirSync(path.dirname(path.join(tmp, f)), { recursive: true });
      writeFileSync(path.join(tmp, f), readFileSync(path.join(ROOT, f)));
    }
    for (const d of LINKED_DIRS) {
      if (existsSync(path.join(ROOT, d))) symlinkSync(path.join('..', '..', d), path.join(tmp, d));
    }
    writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}\n');
    writeFileSync(path.join(tmp, '.complete'), `${new Date().toISOString()}\n`);
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // Another launcher finished the same build first: use theirs.
      if (!existsSync(path.join(dir, '.complete'))) throw err;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  removeOldBuilds(key);
  return dir;
}

/**
 * Records that this process runs from `dir`: a long-running role loads modules lazily (a chart, a verb's use
 * cases), so its build must outlive any newer one made beside it.
 */
export function markInUse(dir) {
  const file = path.join(dir, '.in-use', String(process.pid));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  process.on('exit', () => rmSync(file, { force: true }));
}

function isInUse(dir) {
  let pids;
  try {
    pids = readdirSync(path.join(dir, '.in-use'));
  } catch {
    return false;
  }
  return pids.some((pid) => {
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch (err) {
      return err.code === 'EPERM'; // alive, another user's
    }
  });
}

function removeOldBuilds(current) {
  const now = Date.now();
  for (const name of readdirSync(DIST)) {
    if (name === current) continue;
    const p = path.join(DIST, name);
    try {
      if (now - statSync(p).mtimeMs > KEEP_OLD_MS && !isInUse(p)) rmSync(p, { recursive: true, force: true });
    } catch {
      // removed by someone else meanwhile
    }
  }
}
