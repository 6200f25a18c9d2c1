/**
 * `.provenance.yml` v1 (SPEC §2): parsing and validation, the built-in floor rule, the strict
 * fallback. Pure: callers read the file and pass its text.
 */
export { parsePolicy, MAX_POLICY_BYTES, MAX_POLICY_ENTRIES } from "./parse.js";
export { formatConfigError, MAX_REPORTED_ERRORS, type ConfigError } from "./errors.js";
export { strictFallbackPolicy } from "./fallback.js";
export { DEFAULT_AI_LABELS, FLOOR_CLASS_NAME, FLOOR_RULE_NAME, floorClass, floorRule } from "./floor.js";
export { normaliseClassPattern } from "./syntax.js";
export { didYouMean, editDistance } from "../shared/did-you-mean.js";
