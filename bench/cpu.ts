/**
 * CPU readings for the benches, from /proc (Linux): the server process's own CPU comes from
 * process.cpuUsage(); PostgreSQL runs as separate backend processes, so its share is read here.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ: /proc times are in clock ticks

/**
 * CPU seconds (user + system) of every process named `postgres` on the machine, or with `database` only of
 * the backends serving that database (their process title names it). Without it other sessions' backends
 * and PostgreSQL's own background processes count too: an upper bound on a shared machine. 0 without /proc.
 */
export function postgresCpuSeconds(database?: string): number {
  let sum = 0;
  let dirs: string[];
  try {
    dirs = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const d of dirs) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'postgres') continue;
      if (database && !readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(` ${database} `)) continue;
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += (Number(fields[11]) + Number(fields[12])) / TICK;
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

/** The database name of a DATABASE_URL (for postgresCpuSeconds), or undefined. */
export function databaseOf(env: Record<string, string>): string | undefined {
  const url = env['DATABASE_URL'];
  return url ? new URL(url).pathname.slice(1) || undefined : undefined;
}
