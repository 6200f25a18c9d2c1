/**
 * The built-in floor (SPEC §2): any change to the root `.provenance.yml` needs one counted
 * approval, whatever the config says, so a pull request cannot quietly rewrite its own policy.
 */
import { FLOOR_CLASS_NAME, FLOOR_RULE_NAME, LINKS_RULE_NAME, POLICY_PATH, type ClassPattern, type Rule } from "../model/policy.js";

export { FLOOR_CLASS_NAME, FLOOR_RULE_NAME, POLICY_PATH };

/** Default PR labels that declare AI assistance. */
export const DEFAULT_AI_LABELS: readonly string[] = Object.freeze(["ai-assisted"]);

/** Names a config may not define, because the floor owns them. */
export const RESERVED_CLASS_NAMES: readonly string[] = [FLOOR_CLASS_NAME];
export const RESERVED_RULE_NAMES: readonly string[] = [FLOOR_RULE_NAME, LINKS_RULE_NAME];

/** The floor class: the root policy file only (no `**` prefix, so nested copies are not it). */
export function floorClass(): ClassPattern[] {
  return [{ pattern: POLICY_PATH, negate: false }];
}

/** A fresh floor rule on every call, so no caller can mutate another's copy. */
export function floorRule(): Rule {
  return {
    name: FLOOR_RULE_NAME,
    classes: [FLOOR_CLASS_NAME],
    when: "any-change",
    require: { approvals: 1 },
    forbid: false,
    builtin: true,
  };
}
