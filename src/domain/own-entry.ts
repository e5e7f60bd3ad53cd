/**
 * `table[key]` for lookup tables indexed by text a user typed (a status alias, a report dimension, a macro
 * name, a currency ...). A plain object literal inherits from Object.prototype, so `table["constructor"]` or
 * `table["__proto__"]` is "found" and a function or an object flows on as if it were a value: 500s, or a
 * macro filled with nothing. Only the table's own entries count.
 */
export function ownEntry<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
