/**
 * The check run's name. Branch protection and rulesets store it as a plain string, so it must
 * never change.
 */
export const CHECK_NAME = "Provenance Gate";
