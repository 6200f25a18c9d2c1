/**
 * "Did you mean …?" for typos in key names, class names and enum values.
 */

let shared = new Uint32Array(3 * 65);

/** Names longer than this are not typos of anything we know; skip the quadratic work. */
const MAX_COMPARED_LENGTH = 64;

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), so that
 * "calsses" is one edit from "classes", as a person would count it.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const width = b.length + 1;
  // Three rolling rows in one buffer shared by every call: a hostile policy asks for tens of
  // thousands of distances, and a fresh buffer per call turns that into garbage-collector time.
  if (shared.length < width * 3) shared = new Uint32Array(width * 3 * 2);
  const rows = shared;
  let prevPrev = 0;
  let prev = width;
  let row = 2 * width;
  for (let j = 0; j <= b.length; j++) rows[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[row] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[prev + j] + 1, rows[row + j - 1] + 1, rows[prev + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[prevPrev + j - 2] + 1);
      }
      rows[row + j] = best;
    }
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return rows[prev + b.length];
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo: at most a
 * third of the candidate's length in edits (at least 1), compared case-insensitively.
 */
export function nearest(input: string, candidates: Iterable<string>): string | undefined {
  if (input.length > MAX_COMPARED_LENGTH) return undefined;
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.length > MAX_COMPARED_LENGTH || candidate === input) continue;
    const allowed = Math.max(1, Math.floor(candidate.length / 3));
    // The distance is at least the difference in length: skip hopeless candidates unmeasured.
    if (Math.abs(candidate.length - needle.length) > Math.min(allowed, bestDistance)) continue;
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `did you mean "x"?` for the nearest candidate, or undefined when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const match = nearest(input, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}
