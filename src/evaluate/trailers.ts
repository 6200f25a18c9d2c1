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

// The colon must end the key (`Key: value`, `Key:`), so `https://…` is not a trailer.
const TRAILER = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*:(?:\s+(.*?))?\s*$/;

/** `Key: value` → trailer; anything else (prose, URLs without a key) → undefined. */
export function parseTrailer(line: string): Trailer | undefined {
  const m = TRAILER.exec(line);
  if (!m) return undefined;
  return { key: m[1].toLowerCase(), value: m[2] ?? "" };
}

export interface NamedAddress {
  name: string;
  /** Lower-cased; empty when the value carries no address. */
  email: string;
}

const NAME_AND_ADDRESS = /^(.*?)\s*<([^<>]*)>/;

/** `Name <e-mail>` (the form of `Co-authored-by:` values), tolerating a bare address or a bare name. */
export function parseNamedAddress(value: string): NamedAddress {
  const m = NAME_AND_ADDRESS.exec(value);
  if (m) return { name: m[1].trim(), email: m[2].trim().toLowerCase() };
  const bare = value.trim();
  if (/^\S+@\S+$/.test(bare)) return { name: "", email: bare.toLowerCase() };
  return { name: bare, email: "" };
}

/**
 * The GitHub login inside a no-reply address (`ID+login@users.noreply.github.com` or the older
 * `login@users.noreply.github.com`), lower-cased.
 */
export function noreplyLogin(email: string): string | undefined {
  return githubNoreplyLogin(email)?.toLowerCase();
}
