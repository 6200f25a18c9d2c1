#!/usr/bin/env bash
# Builds a repository whose line origins are known by construction, for the ledger's tests and
# the README's transcript: AI lines from a trailer, from a git-ai note on a commit without
# trailers, from an Agent Trace record; a human edit over an AI line; a rename; binary files.
# Usage: scripts/ledger-example-repo.sh DIR
set -euo pipefail
dir=${1:?usage: $0 DIR}
mkdir -p "$dir" && cd "$dir"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 TZ=UTC
tick=0
commit() { # commit NAME EMAIL MESSAGE
  tick=$((tick + 1))
  local when="2026-11-20T10:$(printf %02d "$tick"):00Z"
  git add -A
  GIT_AUTHOR_NAME=$1 GIT_AUTHOR_EMAIL=$2 GIT_COMMITTER_NAME=$1 GIT_COMMITTER_EMAIL=$2 \
    GIT_AUTHOR_DATE=$when GIT_COMMITTER_DATE=$when git commit -q -m "$3"
  git rev-parse HEAD
}
lines() { # lines PREFIX FROM TO
  for i in $(seq "$2" "$3"); do echo "$1 $i"; done
}
git init -q -b main
git config commit.gpgsign false
git config user.name Alice && git config user.email alice@acme.example
git remote add origin https://github.com/acme/models.git

mkdir -p evals/tasks data scripts
cat > .provenance.yml <<'YML'
version: 1
classes:
  eval: ["evals/**"]
  data: ["data/**"]
rules:
  - name: independent-review
    classes: [eval, data]
    require:
      approvals: 1
YML
lines "question: easy" 1 10 > evals/tasks/easy.yaml
printf 'PNG\0human-logo\0' > data/logo.bin
echo "print('run')" > scripts/run.py
commit Alice alice@acme.example "Start the eval suite" > /dev/null

lines "question: easy, claude" 11 15 >> evals/tasks/easy.yaml
lines "question: hard" 1 20 > evals/tasks/hard.yaml
lines "answer: only-ai" 1 4 > evals/tasks/ai-only.yaml
printf 'IMG\0claude-made\0' > data/images.bin
commit Alice alice@acme.example "Add hard questions

Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>" > /dev/null

lines "row" 1 12 > data/train.csv
c3=$(commit Bob bob@acme.example "Add training rows")
GIT_COMMITTER_NAME=Bob GIT_COMMITTER_EMAIL=bob@acme.example GIT_COMMITTER_DATE=2026-11-20T10:03:30Z \
  git notes --ref=refs/notes/ai add -F - "$c3" <<NOTE
data/train.csv
  h_31dce776f88375 1-2
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 3-8
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.4.5",
  "base_commit_sha": "$c3",
  "prompts": {},
  "humans": { "h_31dce776f88375": { "author": "Bob <bob@acme.example>" } },
  "sessions": { "s_c9883b05a2487d": { "agent_id": { "tool": "cursor", "id": "6ef2299e", "model": "claude-sonnet-4-5" }, "human_author": "bob@acme.example" } }
}
NOTE

lines "generated: case" 1 8 > evals/tasks/gen.yaml
c4=$(commit Bob bob@acme.example "Add generated cases")

mkdir -p .agent-trace
cat > .agent-trace/traces.jsonl <<JSONL
{"version":"1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"2026-11-20T10:04:30Z","vcs":{"type":"git","revision":"$c4"},"tool":{"name":"codex","version":"0.58"},"files":[{"path":"evals/tasks/gen.yaml","conversations":[{"url":"https://chatgpt.com/codex/tasks/task_e_1","contributor":{"type":"ai","model_id":"openai/gpt-5-codex"},"ranges":[{"start_line":1,"end_line":4},{"start_line":5,"end_line":6,"contributor":{"type":"mixed"}}]}]}]}
JSONL
sed -i 's/^question: hard 5$/question: hard 5, reworded by a person/' evals/tasks/hard.yaml
commit Alice alice@acme.example "Record the agent trace; reword hard question 5" > /dev/null

mkdir -p evals/hard
git mv evals/tasks/hard.yaml evals/hard/hard.yaml
commit Alice alice@acme.example "Move the hard questions" > /dev/null
