/**
 * Records keyed by names that come from files (node ids, dataset names): without a prototype, so
 * `__proto__`, `constructor` and `toString` are ordinary keys. On a plain `{}` an assignment to
 * `__proto__` replaces the prototype (the node vanished from `check --json`), and a lookup of
 * `constructor` finds Object's own function.
 */

/** An empty record with no prototype. JSON.stringify writes every key, `__proto__` included. */
export function idRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** `record[key]` when the record itself has the key, else undefined (never an inherited member). */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
