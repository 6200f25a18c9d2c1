/**
 * `parsePolicy`: text of a `.provenance.yml` in, a Policy or every config error out. It never
 * throws; a file that defeats the YAML parser still ends as a positioned ConfigError.
 */
import { LineCounter, type YAMLError } from "yaml";
import { POLICY_PATH, type ConfigError, type Policy, type PolicySource } from "../model/policy.js";
import { ErrorSink } from "./errors.js";
import { validatePolicy } from "./validate.js";
import { MAX_NESTING_DEPTH, readYamlDocument } from "./yaml-document.js";
import { YamlReader } from "./yaml-reader.js";

/** Far above any real policy; keeps a hostile file from costing the app real time. */
export const MAX_POLICY_BYTES = 256 * 1024;

/**
 * Entries (lines with content, and items of flow collections) a policy may have. Real policies
 * have tens to hundreds of patterns; the YAML library needs ~85 ms for 7,000 tiny entries (~40 ms for 3,000), so a
 * generated or hostile file is refused before it is parsed, in one linear pass.
 */
export const MAX_POLICY_ENTRIES = 3000;

/** Where the entry budget runs out, or undefined when the text stays within it. */
function entryBudgetExceededAt(text: string): { line: number; column: number } | undefined {
  let entries = 0;
  let line = 1;
  let lineStart = 0;
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (content) entries++;
      line++;
      lineStart = i + 1;
      content = false;
    } else if (c === 44 /* , */) {
      entries++;
    } else if (!content && c !== 32 && c !== 9 && c !== 13 && c !== 35 /* # */) {
      content = true;
    } else if (!content && c === 35) {
      // A comment line: skip to its end.
      const end = text.indexOf("\n", i);
      i = (end < 0 ? text.length : end) - 1;
    }
    // At a line break the entry that overflowed is the line just ended: point at its start.
    if (entries > MAX_POLICY_ENTRIES) return c === 10 ? { line: line - 1, column: 1 } : { line, column: i - lineStart + 1 };
  }
  return undefined;
}

export interface ParsePolicyOptions {
  /** The file name errors are reported against; defaults to `.provenance.yml`. */
  file?: string;
  /** Where the policy came from; `path` defaults to `file`. */
  source?: Partial<PolicySource>;
}

export type PolicyParseResult = { ok: true; policy: Policy } | { ok: false; errors: ConfigError[] };

export function parsePolicy(text: string, options: ParsePolicyOptions = {}): PolicyParseResult {
  const file = options.file ?? POLICY_PATH;
  const source: PolicySource = { ...options.source, path: options.source?.path ?? file };
  const sink = new ErrorSink(file);
  let policy: Policy | undefined;
  try {
    policy = parseInto(text, sink, source);
  } catch (error) {
    // A bug or a resource limit inside the YAML library: still a config error, never a crash.
    const message = error instanceof RangeError ? "YAML nests too deeply to read" : `could not read the policy: ${error instanceof Error ? error.message : String(error)}`;
    sink.add({ line: 1, column: 1 }, message);
  }
  if (policy && sink.count === 0) return { ok: true, policy };
  const errors = sink.errors();
  if (errors.length === 0) errors.push({ file, line: 1, column: 1, message: "the policy is invalid" });
  return { ok: false, errors };
}

function parseInto(text: string, sink: ErrorSink, source: PolicySource): Policy | undefined {
  if (typeof text !== "string") {
    sink.add({ line: 1, column: 1 }, `expected the policy as text, got ${typeof text}`);
    return undefined;
  }
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_POLICY_BYTES) {
    sink.add({ line: 1, column: 1 }, `the policy file is too large (${bytes} bytes; the limit is ${MAX_POLICY_BYTES})`, "a policy needs a few classes and rules; move generated lists out of it");
    return undefined;
  }

  const overBudget = entryBudgetExceededAt(text);
  if (overBudget) {
    sink.add(overBudget, `the policy has more than ${MAX_POLICY_ENTRIES.toLocaleString("en-US")} entries`, "a policy needs tens of patterns; match files with globs instead of listing them");
    return undefined;
  }

  const lines = new LineCounter();
  const read = readYamlDocument(text, lines, {
    prettyErrors: false,
    // Duplicate keys are found by YamlReader.scan in linear time, with better messages; the
    // library's own check compares every pair of keys, which a hostile file turns quadratic.
    uniqueKeys: false,
    merge: false,
    version: "1.2",
  });
  if (!read.ok) {
    sink.add(positionOf(text, read.tooDeepAt), `the YAML nests more than ${MAX_NESTING_DEPTH} levels deep`, "a policy needs about five levels; flatten the structure");
    return undefined;
  }
  const doc = read.doc;
  // Aliases are never converted to JS here; YamlReader enforces the alias budget instead.
  const reader = new YamlReader(doc, lines, sink);

  for (const e of doc.errors) sink.add(position(lines, e), yamlMessage(e), yamlHint(e));
  // A document that does not parse has no trustworthy shape; what follows would only be noise.
  if (doc.errors.length > 0) return undefined;
  if (!reader.scan(text)) return undefined;

  return validatePolicy(reader.resolve(doc.contents) ?? undefined, reader, source);
}

/** Line and column of an offset, without a LineCounter (the parser may not have run). */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function position(lines: LineCounter, e: YAMLError): { line: number; column: number } {
  const { line, col } = lines.linePos(e.pos[0]);
  return { line: Math.max(1, line), column: Math.max(1, col) };
}

function yamlMessage(e: YAMLError): string {
  switch (e.code) {
    case "MULTIPLE_DOCS":
      return "the file holds more than one YAML document (a second \"---\"); a policy is one document";
    case "TAB_AS_INDENT":
      return "YAML syntax error: tabs are not allowed as indentation";
    default:
      if (/call stack/i.test(e.message)) return "YAML nests too deeply to read";
      return `YAML syntax error: ${e.message.replace(/\s+/g, " ").trim()}`;
  }
}

function yamlHint(e: YAMLError): string | undefined {
  switch (e.code) {
    case "MULTIPLE_DOCS":
      return "remove the second document";
    case "TAB_AS_INDENT":
      return "indent with spaces";
    case "MISSING_CHAR":
      return "close the quote or bracket";
    case "BAD_INDENT":
    case "BLOCK_AS_IMPLICIT_KEY":
      return "check the indentation of this line and the one above";
    default:
      return undefined;
  }
}
