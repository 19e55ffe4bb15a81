/**
 * `record[key]` when `key` is the record's own property, else undefined. For lookups by a name that
 * comes from outside (a path segment, a header, a cron string): plain indexing would also find
 * `Object.prototype`'s members (`constructor`, `toString`, `__proto__`, …).
 */
export const ownEntry = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;
