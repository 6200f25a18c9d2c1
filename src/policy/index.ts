/**
 * `.provenance.yml` v1 (SPEC §2): parsing and validation, the built-in floor rule, the strict
 * fallback. Pure: callers read the file and pass its text.
 */
export { parsePolicy, MAX_POLICY_BYTES, MAX_POLICY_ENTRIES, type ParsePolicyOptions, type PolicyParseResult } from "./parse.js";
export { formatConfigError, MAX_REPORTED_ERRORS, type ConfigError } from "./errors.js";
export { strictFallbackPolicy, STRICT_FALLBACK_RULE_NAME, STRICT_FALLBACK_CLASS_NAME, STRICT_FALLBACK_PATH } from "./fallback.js";
export { DEFAULT_AI_LABELS, FLOOR_CLASS_NAME, FLOOR_RULE_NAME, POLICY_PATH, floorClass, floorRule } from "./floor.js";
export { SUPPORTED_VERSION, WHEN_VALUES, TRUST_VALUES } from "./validate.js";
export { normaliseClassPattern } from "./syntax.js";
export { didYouMean, editDistance, nearest } from "../shared/did-you-mean.js";
export { MAX_ALIAS_EXPANSIONS, MAX_EXPANDED_NODES } from "./yaml-reader.js";
export { MAX_NESTING_DEPTH } from "./yaml-document.js";
