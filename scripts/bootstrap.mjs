#!/usr/bin/env node
/**
 * `node scripts/bootstrap.mjs <start|test>`: installs what `npm start` / `npm test` need and is missing.
 *
 * Runs BEFORE node_modules may exist, so it uses nothing but Node's standard library. Idempotent: when
 * nothing is missing it prints nothing and takes well under a second. What it does:
 *   - npm dependencies: `npm install` when node_modules is missing or was installed from another package.json /
 *     package-lock.json (a stamp file in node_modules remembers what the last successful install was for).
 *   - `redis-server`: the OS package when the binary is missing and we may install (root or passwordless
 *     sudo, with apt-get); otherwise one line saying how.
 *   - the compiled CLI and roles in dist/ (bin/build.js), when any source is newer than the build; the
 *     `partnerdesk` launcher checks this too, so an edit between two runs is never served stale.
 *   - test only: PostgreSQL installed and a cluster running (test/helpers/global-setup.ts creates the test
 *     role and the throwaway Redis; migrations and seeding belong to the CLI `start` verb).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(ROOT, 'node_modules', '.partnerdesk-install-stamp');
const mode = process.argv[2];

const say = (line) => console.log(`[bootstrap] ${line}`);
const fail = (line) => {
  console.error(`[bootstrap] ${line}`);
  process.exit(1);
};

/** Absolute path of an executable on PATH (plus the sbin dirs a non-login root shell may lack), or null. */
function which(cmd) {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/sbin', '/usr/local/sbin']);
  for (const dir of dirs) {
    if (!dir) continue;
    const file = path.join(dir, cmd);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (res.error) return { ok: false, why: res.error.message };
  return { ok: res.status === 0, why: `${cmd} exited with ${res.status ?? res.signal}` };
}

function capture(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// npm dependencies

/** What an install depends on: the manifest, the lock, and the Node ABI (native addons are built for it). */
function installKey() {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) {
    const file = path.join(ROOT, f);
    h.update(`${f}\0`);
    if (existsSync(file)) h.update(readFileSync(file));
  }
  h.update(`node-abi:${process.versions.modules}\0${process.platform}-${process.arch}`);
  return h.digest('hex');
}

/**
 * True when node_modules already holds exactly what package-lock.json asks for (npm keeps its own record in
 * node_modules/.package-lock.json) and the native addon loads. Lets a tree installed by a plain
 * `npm install` be adopted without wiping it — others may be running from it at that moment.
 */
function installedTreeMatchesLock() {
  const lockFile = path.join(ROOT, 'package-lock.json');
  const hiddenFile = path.join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(lockFile) || !existsSync(hiddenFile)) return false;
  try {
    const want = JSON.parse(readFileSync(lockFile, 'utf8')).packages ?? {};
    const have = JSON.parse(readFileSync(hiddenFile, 'utf8')).packages ?? {};
    for (const [key, meta] of Object.entries(want)) {
      if (key === '' || !key.startsWith('node_modules/')) continue;
      const got = have[key];
      // Optional packages for other platforms (esbuild's @esbuild/darwin-arm64, ...) are legitimately absent.
      if (!got) {
        if (meta.optional) continue;
        return false;
      }
      if (got.version !== meta.version) return false;
    }
    return nativeAddonsLoad();
  } catch {
    return false;
  }
}

/**
 * The SQLite driver (better-sqlite3) compiles at install time when no prebuilt binary can be downloaded; an
 * install whose build step was skipped or failed must not pass. It loads its addon on the first open.
 */
function nativeAddonsLoad() {
  const probe = "new (require('better-sqlite3'))(':memory:').close()";
  const res = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, stdio: 'ignore' });
  return res.status === 0;
}

function ensureNpmDependencies() {
  const key = installKey();
  const nodeModules = path.join(ROOT, 'node_modules');
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === key) return;
  if (existsSync(nodeModules) && installedTreeMatchesLock()) {
    writeFileSync(STAMP, `${key}\n`);
    return;
  }
  ensureBuildTools();
  const first = !existsSync(nodeModules);
  say(`installing npm dependencies (${first ? 'first run' : 'package.json or lock changed'}, ~1 min)...`);
  // `npm install`, not `npm ci`: it installs the locked versions all the same, but `npm ci` refuses a lock
  // that lacks entries for other platforms' optional binaries (@biomejs/cli-darwin-*, ...), which registry
  // mirrors holding only this platform's packages produce; and it does not wipe a node_modules that a
  // running process may be using. --no-audit/--no-fund: round-trips that tell nothing actionable here.
  const args = ['install', '--no-audit', '--no-fund'];
  const res = run(npmCommand(), args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (!res.ok) fail(`npm install failed (${res.why}); fix the error above and run the command again`);
  if (!nativeAddonsLoad()) {
    // npm 11 skips install scripts of packages not approved in package.json "allowScripts".
    say('SQLite native addon missing after install; building it (~1 min)...');
    const rebuilt = run(npmCommand(), ['rebuild', 'better-sqlite3', '--foreground-scripts'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (!rebuilt.ok || !nativeAddonsLoad()) {
      fail(
        'better-sqlite3 could not be built: install a C++ toolchain (apt-get install build-essential python3) and retry',
      );
    }
  }
  // After the install: `npm install` may have brought package-lock.json up to date with package.json.
  writeFileSync(STAMP, `${installKey()}\n`);
}

function npmCommand() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** better-sqlite3 falls back to compiling with node-gyp when no prebuilt binary can be downloaded. */
function ensureBuildTools() {
  const missing = ['make', 'g++', 'python3'].filter((c) => !which(c));
  if (missing.length === 0) return;
  if (canInstallOsPackages()) {
    say(`installing a build toolchain for better-sqlite3 (${missing.join(', ')} missing)...`);
    aptInstall(['build-essential', 'python3']);
  } else {
    say(`note: ${missing.join(', ')} not found; if better-sqlite3 fails to build, install build-essential and python3`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// OS packages (Debian/Ubuntu)

let aptUpdated = false;
let sudoCache;

/** The command prefix that runs as root: [] when we are root, ['sudo', '-n'] with passwordless sudo. */
function rootPrefix() {
  if (sudoCache !== undefined) return sudoCache;
  if (process.getuid?.() === 0) sudoCache = [];
  else if (which('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0)
    sudoCache = ['sudo', '-n'];
  else sudoCache = null;
  return sudoCache;
}

function canInstallOsPackages() {
  return which('apt-get') !== null && rootPrefix() !== null;
}

function asRoot(cmd, args) {
  const prefix = rootPrefix() ?? [];
  const all = [...prefix, cmd, ...args];
  return run(all[0], all.slice(1), {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function aptInstall(packages) {
  if (!aptUpdated) {
    const upd = asRoot('apt-get', ['update', '-qq']);
    if (!upd.ok) say(`apt-get update failed (${upd.why}); trying the install anyway`);
    aptUpdated = true;
  }
  const res = asRoot('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  return res.ok;
}

// ---------------------------------------------------------------------------------------------------------
// Redis

/** REDIS_URL from the environment or .env (a minimal reader: dotenv is not installed yet on a first run). */
function redisUrlConfigured() {
  if (process.env.REDIS_URL?.trim()) return true;
  const file = path.join(ROOT, '.env');
  if (!existsSync(file)) return false;
  const m = /^\s*(?:export\s+)?REDIS_URL\s*=\s*["']?([^"'\s#]+)/m.exec(readFileSync(file, 'utf8'));
  return Boolean(m?.[1]);
}

function ensureRedisServer() {
  // The tests also use redis-cli (global-setup pings with it); Debian's redis-server package brings it.
  if (which('redis-server') && (mode !== 'test' || which('redis-cli'))) return;
  const configured = redisUrlConfigured();
  if (mode === 'start' && configured) return; // the operator's Redis is used; no local binary needed
  if (canInstallOsPackages()) {
    say('installing redis-server (apt-get, ~30 s)...');
    if (aptInstall(['redis-server']) && which('redis-server')) {
      // Debian's package may also start a system Redis on 127.0.0.1:6379. partnerdesk never uses it (it runs
      // its own under DATA_DIR on a unix socket), so it is left alone.
      say('redis-server installed (the OS package may also run a system Redis on port 6379; partnerdesk ignores it)');
      return;
    }
  }
  fail(
    mode === 'start'
      ? 'redis-server is not installed: run `sudo apt-get install redis-server`, or set REDIS_URL=redis://... in .env to use an existing server'
      : 'redis-server is not installed: run `sudo apt-get install redis-server` (the test suite starts a throwaway one)',
  );
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL (tests only)

/** Rows of `pg_lsclusters`: version, name, status. */
function pgClusters() {
  const out = capture('pg_lsclusters', ['--no-header']);
  if (out === null) return null;
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map(([version, name, , status]) => ({ version, name, online: status.startsWith('online') }));
}

function ensurePostgres() {
  // An operator-provided test database needs nothing local.
  if (process.env.TEST_DATABASE_URL?.trim()) return;
  let clusters = pgClusters();
  if (clusters === null || clusters.length === 0) {
    if (!canInstallOsPackages()) {
      fail(
        'PostgreSQL is not installed: run `sudo apt-get install postgresql`, or set TEST_DATABASE_URL=postgres://... (a role that may CREATE DATABASE)',
      );
    }
    say('installing PostgreSQL (apt-get, ~1 min)...');
    if (!aptInstall(['postgresql'])) fail('apt-get install postgresql failed; see the output above');
    clusters = pgClusters() ?? [];
    if (clusters.length === 0)
      fail('PostgreSQL installed but no cluster exists: run `sudo pg_createcluster --start 15 main`');
  }
  if (clusters.some((c) => c.online)) return;
  // Prefer 15/main (what the test helpers expect), else the newest cluster.
  const pick = clusters.find((c) => c.version === '15' && c.name === 'main') ?? clusters[clusters.length - 1];
  if (rootPrefix() === null) {
    fail(
      `PostgreSQL ${pick.version}/${pick.name} is down: run \`sudo pg_ctlcluster ${pick.version} ${pick.name} start\``,
    );
  }
  say(`starting PostgreSQL ${pick.version}/${pick.name}...`);
  const res = asRoot('pg_ctlcluster', [pick.version, pick.name, 'start']);
  if (!res.ok) fail(`could not start PostgreSQL (${res.why}); see /var/log/postgresql/`);
}

// ---------------------------------------------------------------------------------------------------------

if (mode !== 'start' && mode !== 'test') {
  fail('usage: node scripts/bootstrap.mjs <start|test>');
}
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 17)) {
  fail(`Node ${process.versions.node} is too old: partnerdesk needs Node >= 20.17 (https://nodejs.org)`);
}
ensureNpmDependencies();
// Imported only now: bin/build.js loads esbuild, which the install above may just have brought.
const { ensureBuild } = await import('../bin/build.js');
await ensureBuild(say);
ensureRedisServer();
if (mode === 'test') ensurePostgres();
