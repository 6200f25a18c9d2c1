/** A realistic evaluation record for the audit bench and tests: number `i` of writer `tag`. */
import { draft, isoMillis, type AuditDraft } from "../audit/record.js";

export function sampleDraft(tag: string, i: number): AuditDraft {
  return draft({
    at: isoMillis(new Date()),
    kind: "evaluation",
    repository: `bench/${tag}`,
    pull_request: (i % 50) + 1,
    head_sha: (i.toString(16) + tag).padEnd(40, "0").slice(0, 40),
    base_ref: "main",
    policy_path: ".provenance.yml",
    policy_blob: "333a221abfd1a808e3e49c93ff4274bd9f0883eb",
    conclusion: i % 3 === 0 ? "success" : "action_required",
    title: "Needs 1 independent approval for AI-assisted changes in eval",
    rules: [{ name: "independent-review-for-ai-in-eval-and-data", status: i % 3 === 0 ? "satisfied" : "pending", counted: i % 3 === 0 ? ["bob"] : [] }],
    session_authors: ["alice"],
    tools: ["claude-code"],
    delivery_id: `${tag}-${i}`,
    check_run_id: 1000 + i,
  });
}
