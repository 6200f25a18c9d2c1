/**
 * Reading commit messages and PR bodies the way detection needs them: every line (squash merges
 * put trailers in the middle of the body), keys case-insensitive, any line ending.
 */
import { noreplyLogin as githubNoreplyLogin } from "../shared/identity.js";

/**
 * Physical lines, plus lines separated by a literal `\n`: a message committed with
 * `git commit -m 'subject\n\nCo-authored-by: …'` keeps the escape, and its trailer is still
 * the tool's mark.
 */
const LINE_BREAK = /\r\n|\r|\n|\\r\\n|\\n/;

export function messageLines(message: string): string[] {
  return message.split(LINE_BREAK);
}

export interface Trailer {
  /** Lower-cased key, e.g. `co-authored-by`. */
  key: string;
  /** The value with surrounding whitespace removed; may be empty. */
  value: string;
}

/**
 * No tool writes a trailer line this long; a longer line is prose or an attack, never a trailer
 * (SPEC §3). It also caps what the per-trailer matching (tool words, addresses) ever reads.
 */
export const MAX_TRAILER_LINE = 4096;

const KEY_HEAD = /^[A-Za-z0-9]/;
const KEY_CHAR = /^[A-Za-z0-9-]$/;

/**
 * `Key: value`, `Key:value` (git accepts both) or `Key:` → trailer; anything else (prose, URLs,
 * over-long lines) → undefined. Written as one forward scan, not a regex: the obvious regex
 * (`\s*:(?:\s+(.*?))?\s*$`) backtracks quadratically over a run of spaces.
 */
export function parseTrailer(line: string): Trailer | undefined {
  if (line.length > MAX_TRAILER_LINE) return undefined;
  const text = line.trim();
  if (!KEY_HEAD.test(text)) return undefined;
  let end = 1;
  while (end < text.length && KEY_CHAR.test(text[end])) end++;
  const afterKey = text.slice(end).trimStart();
  if (!afterKey.startsWith(":")) return undefined;
  const rest = afterKey.slice(1);
  // `https://…` is a link, not a trailer called `https`.
  if (rest.startsWith("//")) return undefined;
  return { key: text.slice(0, end).toLowerCase(), value: rest.trim() };
}

export interface NamedAddress {
  name: string;
  /** Lower-cased; empty when the value carries no address. */
  email: string;
}

const BARE_ADDRESS = /^[^@\s]+@[^@\s]+$/;

/**
 * `Name <e-mail>` (the form of `Co-authored-by:` values), tolerating a bare address, a name
 * followed by a bare address (`Claude noreply@anthropic.com`), or a bare name. The address in
 * brackets is the first `<…>` with no `<` or `>` inside, found in one forward scan.
 */
export function parseNamedAddress(value: string): NamedAddress {
  const bracketed = firstBracketed(value);
  if (bracketed) return { name: value.slice(0, bracketed.open).trim(), email: value.slice(bracketed.open + 1, bracketed.close).trim().toLowerCase() };
  const bare = value.trim();
  const lastSpace = lastWhitespace(bare);
  const last = bare.slice(lastSpace + 1);
  if (BARE_ADDRESS.test(last)) return { name: bare.slice(0, Math.max(lastSpace, 0)).trim(), email: last.toLowerCase() };
  return { name: bare, email: "" };
}

function firstBracketed(value: string): { open: number; close: number } | undefined {
  let open = value.indexOf("<");
  while (open >= 0) {
    let i = open + 1;
    while (i < value.length && value[i] !== "<" && value[i] !== ">") i++;
    if (i === value.length) return undefined;
    if (value[i] === ">") return { open, close: i };
    open = i;
  }
  return undefined;
}

/** Index of the last whitespace character, or -1. */
function lastWhitespace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (s[i].trim() === "") return i;
  return -1;
}

/**
 * The GitHub login inside a no-reply address (`ID+login@users.noreply.github.com` or the older
 * `login@users.noreply.github.com`), lower-cased.
 */
export function noreplyLogin(email: string): string | undefined {
  return githubNoreplyLogin(email)?.toLowerCase();
}
