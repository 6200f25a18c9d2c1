/**
 * Errors the CLI turns into exit code 2 and readable lines. Anything else reaching the top level
 * is a bug: it still prints one line, and the stack only with PROVENANCE_GATE_DEBUG=1.
 */
import type { ConfigError } from "../model/policy.js";

/** A bad flag, a missing file, an unusable ref: one line that says what to do. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A `.provenance.yml` that does not validate: every error, each on its own `file:line:col` line. */
export class ConfigFileError extends Error {
  override readonly name = "ConfigFileError";
  constructor(
    readonly file: string,
    readonly errors: ConfigError[],
  ) {
    super(`${file}: ${errors.length} config error${errors.length === 1 ? "" : "s"}`);
  }
}
