import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';

/**
 * DATA_DIR holds partner e-mails and payment details (the SQLite file), the demo API key and Redis' AOF: only
 * the account running partnerdesk may read it. Modes are set when a file is created (never 0644 for a
 * moment) and corrected on every start for files an older version left readable.
 */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) and makes `dir` itself 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  chmodSync(dir, DIR_MODE);
}

/** Makes an existing file 0600; missing files are fine (a WAL appears only once written to). */
export function restrictFile(file: string): void {
  if (existsSync(file)) chmodSync(file, FILE_MODE);
}

/**
 * The SQLite file 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's
 * permissions, so they follow. Existing ones are corrected too.
 */
export function prepareSqliteFile(filename: string): void {
  ensurePrivateDir(path.dirname(filename));
  closeSync(openSync(filename, 'a', FILE_MODE));
  for (const f of [filename, `${filename}-wal`, `${filename}-shm`, `${filename}-journal`]) restrictFile(f);
}

/**
 * At every start: DATA_DIR created 0700 (or corrected) and the files partnerdesk keeps there made 0600.
 * With PostgreSQL DATA_DIR may be optional (a read-only image); then a failure is only a warning.
 */
export function securePrivateData(dataDir: string, warn: (msg: string, err: unknown) => void): void {
  try {
    ensurePrivateDir(dataDir);
    restrictFile(path.join(dataDir, 'demo-api-key.txt'));
  } catch (err) {
    warn(`could not make ${dataDir} private (mode 0700)`, err);
  }
}
