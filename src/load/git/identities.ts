/**
 * Who writes under which e-mail, as far as a local checkout can tell: `--identity EMAIL=LOGIN`
 * from the command line and the base branch's `.mailmap` (read from the base, like the policy,
 * so the branch under review cannot rewrite it). GitHub would answer this for the app; here it
 * becomes the snapshot's `identities`, which only ever add people (SPEC §4).
 */
import type { SnapshotCommit, SnapshotIdentity } from "../../model/snapshot.js";
import { noreplyLogin } from "../../shared/identity.js";

/** One `.mailmap` line that ties a commit address to a proper one (name-only lines tie none). */
export interface MailmapEntry {
  proper: string;
  commit: string;
}

/**
 * The address pairs of a `.mailmap`: `<proper> <commit>`, `Name <proper> <commit>`,
 * `Name <proper> Other Name <commit>`. Read by index, one forward scan a line.
 */
export function parseMailmap(text: string): MailmapEntry[] {
  const entries: MailmapEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const hash = raw.indexOf("#");
    const line = hash < 0 ? raw : raw.slice(0, hash);
    const addresses: string[] = [];
    let at = 0;
    while (addresses.length < 2) {
      const open = line.indexOf("<", at);
      const close = open < 0 ? -1 : line.indexOf(">", open + 1);
      if (close < 0) break;
      addresses.push(line.slice(open + 1, close).trim().toLowerCase());
      at = close + 1;
    }
    if (addresses.length === 2 && addresses[0] && addresses[1] && addresses[0] !== addresses[1]) {
      entries.push({ proper: addresses[0], commit: addresses[1] });
    }
  }
  return entries;
}

/** `EMAIL=LOGIN` → [email, login], or null when the value is not of that shape. */
export function parseIdentityFlag(value: string): [string, string] | null {
  const m = /^([^=\s]+@[^=\s]+)=@?([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)$/.exec(value.trim());
  return m ? [m[1].toLowerCase(), m[2]] : null;
}

/** Every token of the range's identities and messages that may be an address (co-author trailers). */
function addressesIn(commits: readonly SnapshotCommit[]): Set<string> {
  const seen = new Set<string>();
  for (const c of commits) {
    seen.add(c.author.email.toLowerCase());
    seen.add(c.committer.email.toLowerCase());
    // Split once and test each token: linear in the message, whatever it holds.
    for (const token of c.message.split(/[\s<>()[\],;]+/)) if (token.includes("@")) seen.add(token.toLowerCase());
  }
  return seen;
}

/**
 * The snapshot's `identities` for these commits: each address they name that a flag or the
 * mailmap knows, with its login (a flag, or a GitHub no-reply address among the same person's
 * addresses) and its aliases (the person's other addresses).
 */
export function identitiesFor(commits: readonly SnapshotCommit[], flags: ReadonlyMap<string, string>, mailmap: readonly MailmapEntry[]): SnapshotIdentity[] {
  // The mailmap groups addresses by their proper one: one person, many addresses.
  const groups = new Map<string, Set<string>>();
  for (const { proper, commit } of mailmap) {
    const group = groups.get(proper) ?? new Set([proper]);
    group.add(commit);
    groups.set(proper, group);
  }
  const groupOf = new Map<string, Set<string>>();
  for (const group of groups.values()) for (const email of group) groupOf.set(email, group);

  const seen = addressesIn(commits);
  for (const email of flags.keys()) seen.add(email);
  const identities: SnapshotIdentity[] = [];
  for (const email of [...seen].sort()) {
    const group = [...(groupOf.get(email) ?? [email])];
    if (group.length === 1 && !flags.has(email)) continue;
    const login = group.map((e) => flags.get(e) ?? noreplyLogin(e)).find((l) => l !== undefined);
    const aliases = group.filter((e) => e !== email).sort();
    if (login === undefined && aliases.length === 0) continue;
    identities.push({ email, ...(login !== undefined ? { login } : {}), ...(aliases.length > 0 ? { aliases } : {}) });
  }
  return identities;
}
