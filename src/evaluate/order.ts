/**
 * Stable orderings. The verdict must not depend on the order a loader listed things in, so every
 * list in it is sorted by code-unit order (not locale order, which varies between machines).
 */
export function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts by a string key; the key is computed once per element. */
export function sortedBy<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  return [...items]
    .map((item) => ({ item, k: key(item) }))
    .sort((a, b) => byString(a.k, b.k))
    .map(({ item }) => item);
}

export function uniqueSorted(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(byString);
}
