/**
 * The contributors to a rule's files (SPEC §4): the pull request's author, every pusher, and the
 * people behind every commit whose change reached one of those files (following renames). For
 * `any-change` rules and the built-in rules they cannot approve: whoever made a change is never
 * its independent reviewer, AI or not, and a second account opening the pull request does not
 * make the author of the change eligible.
 */
import type { Policy } from "../model/policy.js";
import type { Snapshot, SnapshotCommit } from "../model/snapshot.js";
import type { FileAttribution } from "./attribution.js";
import { shortSha } from "../shared/format.js";
import { byString } from "./order.js";
import { OPENED_REASON, PUSHED_REASON, commitPeople } from "./session-authors.js";

/** How many of a commit's files a reason names before "and N more". */
const FILES_NAMED = 3;

/** Lower-case login → why that person contributed to the files (one reason each). */
export type Contributors = Map<string, string>;

export function contributorsTo(
  snapshot: Snapshot,
  files: FileAttribution[],
  known: Map<string, string>,
  ai: Policy["ai"],
): Contributors {
  const out: Contributors = new Map();
  // One reason per person, the first in code-unit order: the verdict must not depend on the
  // order a loader listed commits in.
  const add = (login: string, reason: string) => {
    const key = login.toLowerCase();
    const had = out.get(key);
    if (had === undefined || byString(reason, had) < 0) out.set(key, reason);
  };
  const pr = snapshot.pull_request;
  add(pr.author, OPENED_REASON);
  for (const login of pr.pushers ?? []) add(login, PUSHED_REASON);

  // Each commit with the rule's files it reached.
  const reached = new Map<SnapshotCommit, string[]>();
  for (const fa of files) {
    for (const commit of fa.origins) {
      const list = reached.get(commit) ?? [];
      list.push(fa.file.filename);
      reached.set(commit, list);
    }
  }
  for (const commit of snapshot.commits) {
    const names = reached.get(commit);
    if (!names) continue;
    const sorted = [...new Set(names)].sort(byString);
    const shown = sorted.slice(0, FILES_NAMED).join(", ");
    const more = sorted.length > FILES_NAMED ? ` and ${sorted.length - FILES_NAMED} more` : "";
    for (const p of commitPeople(commit, known, ai)) {
      if (p.login) add(p.login, `${p.roles.join(" and ")} ${shortSha(commit.sha)}, which changes ${shown}${more}`);
    }
  }
  return out;
}
