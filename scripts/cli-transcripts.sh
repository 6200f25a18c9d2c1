#!/usr/bin/env bash
# Regenerates the transcripts in docs/cli.md from the real CLI.
#
# Usage (from the repository root, after `npm run build`):
#
#   scripts/cli-transcripts.sh                      # print every transcript as a ```console block
#   scripts/cli-transcripts.sh --update docs/cli.md # replace the doc's ```console blocks in place
#
# It builds the throwaway repository `acme/models` in a temp dir (fixed identities and dates, so
# the commit SHAs are the same on every run), runs each command in docs/cli.md with
# `node lib/cli/main.js` (shown as `provenance-gate`), and prints one block per command, in the
# order the doc shows them, each ending with `[exit N]`. `--update` replaces the Nth ```console
# block of the file with the Nth transcript and refuses when the counts differ, so the narrative
# around the blocks is kept; after adding or removing a command here, add or remove its block
# in the doc too. Timestamps in the Markdown/JSON output and in `demo` are the run's own.
#
# CLI=path/to/main.js overrides the CLI under test. Needs git and node; the git config of the
# machine is ignored.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="${CLI:-$ROOT/lib/cli/main.js}"
[ -f "$CLI" ] || { echo "cli-transcripts: $CLI not found; run 'npm run build' first" >&2; exit 2; }

if [ "${1:-}" = "--update" ]; then
  doc="${2:?usage: cli-transcripts.sh --update FILE}"
  out="$(mktemp)"
  trap 'rm -f "$out"' EXIT
  "$0" >"$out"
  node - "$doc" "$out" <<'JS'
const fs = require("node:fs");
const [doc, out] = process.argv.slice(2);
const block = /^```console\n[\s\S]*?^```$/gm;
const fresh = fs.readFileSync(out, "utf8").match(block) ?? [];
const text = fs.readFileSync(doc, "utf8");
const old = text.match(block) ?? [];
if (old.length !== fresh.length) {
  console.error(`cli-transcripts: ${doc} has ${old.length} console blocks, the script makes ${fresh.length}`);
  process.exit(1);
}
let i = 0;
fs.writeFileSync(doc, text.replace(block, () => fresh[i++]));
console.error(`cli-transcripts: replaced ${i} blocks in ${doc}`);
JS
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pg-transcripts.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The machine's git config (signing, hooks, default branch, identity) must not leak into the repo.
export HOME="$WORK" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
unset NO_COLOR FORCE_COLOR PROVENANCE_GATE_DEBUG GIT_DIR GIT_WORK_TREE || true

provenance-gate() { node "$CLI" "$@"; }

ALICE=(-c user.name=Alice -c user.email=1234+alice@users.noreply.github.com)
BOB=(-c user.name=Bob -c user.email=bob@acme.example)
tick=0
# commit IDENTITY MESSAGE: commits the whole work tree, one minute after the previous commit.
commit() {
  local -n who="$1"
  tick=$((tick + 1))
  local d
  d="$(printf '2026-11-20T10:%02d:00Z' "$tick")"
  git add -A
  GIT_AUTHOR_DATE="$d" GIT_COMMITTER_DATE="$d" git "${who[@]}" -c commit.gpgsign=false commit -q -F - <<<"$2"
}
put() { mkdir -p "$(dirname "$1")"; cat >"$1"; }

# show CMD: runs CMD in the current directory and prints it as a transcript.
show() {
  local rc=0 output
  output="$(eval "$1" 2>&1)" || rc=$?
  printf '```console\n$ %s\n' "$1"
  [ -n "$output" ] && printf '%s\n' "$output"
  printf '[exit %d]\n```\n\n' "$rc"
}

# ── the throwaway repository ──────────────────────────────────────────────────────────────────
mkdir "$WORK/models" && cd "$WORK/models"
git init -q -b main
git remote add origin https://github.com/acme/models.git
# Alice's checkout: the default pull-request author comes from here (the head commit is Bob's).
git config user.email 1234+alice@users.noreply.github.com

put .provenance.yml <<'YAML'
version: 1
classes:
  eval:
    - "evals/**"
    - "benchmarks/**/tasks/**"
  data:
    - "data/**"
    - "**/*.parquet"
    - "!data/README.md"
ai:
  labels: ["ai-assisted"]
rules:
  - name: independent-review-for-ai-in-eval-and-data
    classes: [eval, data]
    when: ai-assisted
    require:
      approvals: 1
      from: ["@acme/eval-owners", "carol"]
  - name: no-codex-in-evals
    classes: [eval]
    when: external-ai
    tools: [codex]
    forbid: true
YAML
put evals/tasks/t1.yaml <<<'question: "What is 2 + 2?"'
put src/model.py <<<'def predict(x): return x'
put data/raw.csv <<<$'id,text\n1,hello'
commit ALICE "Initial layout"

git checkout -q -b claude/fix-evals-x1y2
put evals/tasks/t1.yaml <<<'question: "What is the 10th prime number?"'
put src/model.py <<<'def predict(x): return x * 2'
commit ALICE $'Make task t1 harder\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>'
git mv data/raw.csv data/clean.csv
commit BOB "Rename the raw data file"

git checkout -q -b codex/more-tasks
put evals/tasks/t2.yaml <<<'question: "Name the largest moon of Saturn."'
commit ALICE $'Add task t2\n\nCo-authored-by: Codex <noreply@openai.com>'
git checkout -q claude/fix-evals-x1y2

put "$WORK/broken.yml" <<'YAML'
version: 1
classes:
  eval: ["evals/**"]
  data: []
rulez:
  - name: r
    classes: [evl]
    require: { approvals: 0 }
YAML

# Snapshots for `evaluate` (untracked, so `check` does not see them): pr.json is what `check`
# judged; what-if.json adds carol's approval; broken.json has an unknown file status.
provenance-gate check --save-snapshot pr.json >/dev/null || true
node - . <<'JS'
const fs = require("node:fs");
const dir = process.argv[2];
const pr = JSON.parse(fs.readFileSync(`${dir}/pr.json`, "utf8"));
const whatIf = structuredClone(pr);
whatIf.reviews.push({ user: { login: "carol" }, state: "APPROVED", submitted_at: "2026-11-20T12:00:00Z", permission: "write" });
fs.writeFileSync(`${dir}/what-if.json`, JSON.stringify(whatIf, null, 2));
const broken = structuredClone(pr);
broken.files[0].status = "moved";
fs.writeFileSync(`${dir}/broken.json`, JSON.stringify(broken, null, 2));
JS

# ── the transcripts, in the order of docs/cli.md ──────────────────────────────────────────────
show 'provenance-gate check'
show 'provenance-gate check --approved-by dave'
show 'provenance-gate check --approved-by dave --team dave=acme/eval-owners | head -n 8'
show 'provenance-gate check --approved-by alice,carol'

git checkout -q codex/more-tasks
show 'provenance-gate check --approved-by carol'
git checkout -q claude/fix-evals-x1y2

show 'provenance-gate check --format markdown'
show 'provenance-gate check --format json | head -n 40'
show 'cd .. && mkdir empty && cd empty && git init -q -b main && git -c user.name=A -c user.email=a@b commit -q --allow-empty -m init && provenance-gate check'
show 'provenance-gate check --config no-such.yml'

show 'provenance-gate evaluate --snapshot pr.json'
show 'provenance-gate evaluate --snapshot what-if.json --format markdown'
show 'provenance-gate evaluate --snapshot broken.json'
show 'provenance-gate evaluate --snapshot pr.json --approve bob'

show 'provenance-gate validate'
show 'cat ../broken.yml'
show 'provenance-gate validate ../broken.yml'

show 'provenance-gate explain evals/tasks/t1.yaml ./Data/train.parquet data/README.md src/model.py .provenance.yml'
show 'provenance-gate explain --format json benchmarks/math/tasks/q1.json'

show 'provenance-gate detect'
show 'provenance-gate detect main..HEAD --format json'

show 'provenance-gate demo'
show 'provenance-gate --help'
show 'provenance-gate --version'
