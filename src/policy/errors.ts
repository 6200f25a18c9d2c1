/**
 * Config errors: collected (never thrown), positioned, de-duplicated and printable as
 * `file:line:col: message (hint)`.
 */
import type { ConfigError } from "../model/policy.js";

export type { ConfigError };

/** Beyond this many, a file is too broken for a longer list to help anyone. */
export const MAX_REPORTED_ERRORS = 100;

export function formatConfigError(e: ConfigError): string {
  const where = `${e.file}:${e.line}:${e.column}`;
  return e.hint ? `${where}: ${e.message} (${e.hint})` : `${where}: ${e.message}`;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * Collects errors for one file. The same YAML node can be visited more than once (through an
 * alias), so identical errors are kept once.
 */
export class ErrorSink {
  private readonly seen = new Set<string>();
  private readonly list: ConfigError[] = [];
  private dropped = 0;

  constructor(readonly file: string) {}

  add(at: Position, message: string, hint?: string): void {
    const key = `${at.line}:${at.column}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.list.length >= MAX_REPORTED_ERRORS) {
      this.dropped++;
      return;
    }
    const error: ConfigError = { file: this.file, line: at.line, column: at.column, message };
    if (hint !== undefined) error.hint = hint;
    this.list.push(error);
  }

  /** Counts an error that would not be shown anyway, without the cost of describing it. */
  drop(): void {
    this.dropped++;
  }

  /** True once further errors would only be counted, so callers can skip work on hints. */
  get full(): boolean {
    return this.list.length >= MAX_REPORTED_ERRORS;
  }

  get count(): number {
    return this.list.length + this.dropped;
  }

  /** Errors in file order; a final note when some were left out. */
  errors(): ConfigError[] {
    const sorted = [...this.list].sort((a, b) => a.line - b.line || a.column - b.column);
    if (this.dropped > 0) {
      const last = sorted[sorted.length - 1];
      sorted.push({
        file: this.file,
        line: last.line,
        column: last.column,
        message: `${this.dropped} more error(s) not shown; fix the ones above first`,
      });
    }
    return sorted;
  }
}
