/**
 * The strict fallback (SPEC §2): what the app enforces when the base branch's policy is broken.
 * It neither fails open (nothing enforced) nor locks the repository (nothing mergeable):
 * AI-assisted changes anywhere, and any change to the policy file, need one counted approval.
 */
import type { Policy, PolicySource } from "../model/policy.js";
import { DEFAULT_AI_LABELS, FLOOR_CLASS_NAME, floorClass, floorRule } from "./floor.js";

export const STRICT_FALLBACK_RULE_NAME = "strict-fallback";
export const STRICT_FALLBACK_CLASS_NAME = "all";
export const STRICT_FALLBACK_PATH = "(built-in strict fallback)";

export function strictFallbackPolicy(reason: string, source?: Partial<PolicySource>): Policy {
  return {
    version: 1,
    classes: {
      [STRICT_FALLBACK_CLASS_NAME]: [{ pattern: "**", negate: false }],
      [FLOOR_CLASS_NAME]: floorClass(),
    },
    ai: { labels: [...DEFAULT_AI_LABELS], tools: {} },
    rules: [
      {
        name: STRICT_FALLBACK_RULE_NAME,
        classes: [STRICT_FALLBACK_CLASS_NAME],
        when: "ai-assisted",
        require: { approvals: 1 },
        forbid: false,
      },
      floorRule(),
    ],
    source: { ...source, path: source?.path ?? STRICT_FALLBACK_PATH, fallback_reason: reason },
  };
}
