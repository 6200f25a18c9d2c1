/** How every part of the app writes a commit SHA, a count and a GitHub timestamp. */

/** The seven characters git and GitHub show for a commit. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** `1 file`, `3 files`; `many` for a plural that is not the word plus `s`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * GitHub's timestamp format, `2026-11-20T10:00:00Z`: whole seconds, as GitHub documents and
 * stores them. Truncating a push time is safe: an approval counts only when GitHub's own
 * (truncated) time of it is later than the push's whole second, hence later than the push.
 */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
