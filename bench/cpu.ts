/**
 * CPU readings for the benches, from /proc (Linux): the server process's own CPU comes from
 * process.cpuUsage(); PostgreSQL runs as separate backend processes, so its share is read here.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ: /proc times are in clock ticks

/** CPU seconds (user + system) of every process named `postgres` on the machine. Other sessions' backends
 * count too, so on a shared machine this is an upper bound; 0 where /proc is not there. */
export function postgresCpuSeconds(): number {
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
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += (Number(fields[11]) + Number(fields[12])) / TICK;
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}
