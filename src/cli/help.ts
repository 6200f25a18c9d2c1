/** Usage text: the overview, and one page per command. */

export const OVERVIEW = `provenance-gate — keep AI-generated changes out of eval and training-data paths
until an independent human approves them.

Usage: provenance-gate <command> [options]

Commands:
  check       judge the current branch as if it were a pull request
  evaluate    judge a snapshot file (also: "what if bob approves?")
  validate    check a .provenance.yml
  explain     show which classes and rules a path falls under
  detect      list the AI signals of each commit in a range
  audit       export or verify the record of decisions the app keeps
  ledger      which lines of the protected files came from which AI tool
  demo        run the whole app against the embedded sandbox
  help        show help for a command

Options: --help, --version
Exit codes: 0 pass, 1 blocked (approval needed or forbidden change), 2 usage or config error.
Run 'provenance-gate help <command>' for a command's options.
`;

export const COMMAND_HELP: Record<string, string> = {
  check: `Usage: provenance-gate check [options]

Judge HEAD against the merge base with the default branch (origin/HEAD, else main, else master),
with the same engine the GitHub App runs.

  --base REF             the branch the pull request would merge into
  --head REF             the tip of the pull request (default HEAD)
  --config FILE          policy file (default: .provenance.yml committed at the base, as the
                         app reads it; a file named here is read from the working tree)
  --approved-by LOGIN,…  approving reviews, counted as submitted after the head commit
  --pusher LOGIN,…       people who pushed to the branch: they cannot approve it
  --identity EMAIL=LOGIN the GitHub login behind a commit address, repeatable (the base's
                         .mailmap is read too); an approver whose login is the local part of
                         an unresolved AI-session author's address is not counted
  --permission LEVEL     approvers' permission (default write); or LOGIN=LEVEL, repeatable
  --team LOGIN=ORG/SLUG  a team an approver belongs to, repeatable
  --author LOGIN         the pull request author (default: the head commit author's GitHub
                         login from a no-reply address, else git config github.user, else the
                         local part of git config user.email)
  --label L              pull request label, repeatable or comma-separated
  --body-file FILE       pull request description
  --save-snapshot FILE   also write the snapshot, for 'evaluate --snapshot'
  --format F             text (default), json or markdown

An empty range (HEAD already in the base) is an error, not a pass.
Exit: 0 would pass, 1 blocked, 2 usage or config error.
`,
  evaluate: `Usage: provenance-gate evaluate --snapshot FILE [--config FILE] [--format text|json|markdown]

Evaluate a snapshot (JSON, SPEC §5). A change to .provenance.yml in the snapshot is judged by the
built-in provenance-policy rule alone: a snapshot carries no pull-request copy of the policy.

Exit: 0 would pass, 1 blocked, 2 usage error, broken config or malformed snapshot.
`,
  validate: `Usage: provenance-gate validate [FILE]

Validate a policy file (default: .provenance.yml at the repository root). Errors are printed as
file:line:col: message (hint). Inside a checkout, a class pattern that matches no tracked file
is a warning on stderr (a typo protects nothing). Exit 0 when valid, 2 when not.
`,
  explain: `Usage: provenance-gate explain PATH… [--config FILE] [--format text|json]

Show the classes each path belongs to and the rules that would apply to a change of it.
`,
  detect: `Usage: provenance-gate detect [REVRANGE…] [--config FILE] [--format text|json|jsonl]
                               [-- GIT-LOG-ARGS…]

List the AI signals of each commit, oldest first, as git log reads them: commits are printed
one at a time, so memory stays flat however long the history. REVRANGE is any revision range,
e.g. main..HEAD (default: the merge base with the default branch ..HEAD; with GIT-LOG-ARGS and
no REVRANGE, git log's own default, HEAD). After --, anything git log accepts that chooses
commits: --author=…, --since=…, --max-count=N, --first-parent, --all, -- PATH…; options that
change what git prints (--format, -p, --stat, --output, …) are refused. Tools declared in the
policy's ai.tools are detected too.

  --format F   text (default), json (an array of { "sha", "ai", "tools", "signals" }) or
               jsonl (one such object a line)
`,
  audit: `Usage: provenance-gate audit export [--db FILE|URL] [--since DATE] [--until DATE]
                                  [--repo OWNER/NAME] [--kind evaluation|merge|gap]
                                  [--format jsonl|csv]
       provenance-gate audit verify [--db FILE|URL] [--anchor SEQ:HASH]

The record of decisions the app appends: one record per check result it posts, one per merge of
a pull request it judged (merge commit, merged by, and whether the merged head is the head of
the latest success), one per outage of the store. Each record is hash-chained to the one before.

  --db FILE|URL    the store: a SQLite file or a postgres:// URL (default: DATABASE_URL, else
                   PROVENANCE_DB, else data/provenance.db)
  --since DATE     records at or after DATE (YYYY-MM-DD or an ISO 8601 time, UTC)
  --until DATE     records before DATE; a bare date includes that whole day
  --repo O/N       one repository
  --kind K         evaluation, merge or gap
  --format F       jsonl (default: every field, as hashed) or csv (one row a record)
  --anchor SEQ:HASH  a head that an earlier verify printed: it must still be in the chain

verify recomputes every hash and names the first record that does not match, or the gap in seq.
Exit: 0 intact, 1 a record fails, 2 usage error or no store.
`,
  ledger: `Usage: provenance-gate ledger [REV] [options]

Every file at REV (default HEAD) in one of the policy's classes, each line traced to the commit
that introduced it (git blame, following renames) and judged by the gate's detector: trailers and
identities, git-ai notes (refs/notes/ai) and Agent Trace records (.agent-trace/traces.jsonl,
refs/notes/agent-trace). Only files whose history holds an AI-marked commit are blamed.
Fetch notes first in a clone: git fetch origin 'refs/notes/*:refs/notes/*'

  --config FILE          policy file (default: .provenance.yml at REV)
  --all-files            every file at REV, not only the policy's classes
  --tools T              whose lines count: all (default), external, or ids (claude-code,codex)
  --format F             text (default), json, jsonl (one file a line), csv, html (one page)
  --exclude-list         print the paths with any line from the selected tools (default:
                         external tools), one a line, for a training-data pipeline

Exit: 0 on success, 2 for a usage or config error.
`,
  demo: `Usage: provenance-gate demo

Run the whole app on the embedded sandbox: a local GitHub stand-in, real signed webhooks over
HTTP and the real Probot server, telling the story of one pull request from "blocked" to
"approved by an independent reviewer". Needs no GitHub account.
`,
  help: `Usage: provenance-gate help [COMMAND]
`,
};
