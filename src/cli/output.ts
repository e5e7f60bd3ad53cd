import { formatTable } from './table.js';

/** What a verb prints goes to stdout, and only there: logs go to stderr (open-app.ts), so scripts capture this. */
export const print = (s: string) => console.log(s);
export const printJson = (v: unknown) => print(JSON.stringify(v, null, 2));

/** `2026-11-24 02:22`: an epoch-ms time to the minute, in UTC. */
export const utcMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/**
 * One page of a list use case as a table (or `empty` when nothing matched), with a hint when there is more.
 * `--json` prints the page as the use case returned it.
 */
export function printPage<T>(
  page: { items: T[]; total: number },
  o: { json?: boolean },
  headers: string[],
  row: (item: T) => (string | number | null | undefined)[],
  empty: string,
): void {
  if (o.json) {
    printJson(page);
    return;
  }
  print(page.items.length ? formatTable(headers, page.items.map(row)) : empty);
  if (page.total > page.items.length) print(`(${page.items.length} of ${page.total}; use --offset for more)`);
}
