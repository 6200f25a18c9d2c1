/**
 * What GitHub refuses in `POST /check-runs` and `PATCH /check-runs/{id}` bodies, answered in
 * GitHub's two 422 shapes, so the app meets in the sandbox what it would meet on GitHub:
 *
 * - the request schema first — GitHub's OpenAPI description of the operation, the one the
 *   exchange check holds every request to (`schema/rest.ts`) — worded as GitHub words it:
 *   `{"message": "Invalid request.\n\n<one line per problem>"}`, no `errors`; e.g.
 *   `"head_sha" wasn't supplied.`, `"annotation_level", "path" weren't supplied.` (one line per
 *   annotation), `Only 65535 characters are allowed; 68372 were supplied.`,
 *   `For 'properties/output', nil is not an object.`;
 * - then the check run's own rules, which the description cannot express: `{"message":
 *   "Validation Failed", "errors": [{"resource": "CheckRun", "code": "invalid", "field":
 *   "annotations"}]}` for an annotation with impossible lines or columns, `code: "custom"` with
 *   `summary exceeds a maximum bytesize of 65535` for a summary short enough in characters but
 *   not in bytes, `code: "invalid"` for the conclusion `stale`, which the description lists but
 *   only GitHub may set, `missing_field` for an empty name.
 * These wordings are GitHub's as reported in public issue threads; where none was found (enum
 * values, the anyOf on `status: completed`), the wording follows the same schema-error form.
 */
import type { ErrorObject } from "ajv";
import { requestBodyErrors } from "../load/github/schema/rest.js";

const MAX_OUTPUT_TEXT = 65_535;

export interface ValidationError {
  resource: "CheckRun";
  code: "missing_field" | "invalid" | "custom";
  field: string;
  message?: string;
}

/** A 422 as GitHub words it: a schema failure (message only) or a validation failure (with `errors`). */
export type CheckRunRejection = { message: string; errors?: ValidationError[] };

type Body = Record<string, unknown>;

export function validateCheckRunBody(body: Body, creating: boolean): CheckRunRejection | undefined {
  const schema = schemaProblems(body, creating);
  if (schema.length) return { message: `Invalid request.\n\n${schema.join("\n")}` };
  const errors = ruleProblems(body);
  return errors.length ? { message: "Validation Failed", errors } : undefined;
}

/** How GitHub's schema errors print a value: JSON, with Ruby's `nil`. */
const shown = (v: unknown) => (v === null ? "nil" : JSON.stringify(v));
const notSupplied = (fields: string[]) => `${fields.map((f) => `"${f}"`).join(", ")} ${fields.length === 1 ? "wasn't" : "weren't"} supplied.`;
const ANYOF_UNMATCHED = `No subschema in "anyOf" matched.`;

function schemaProblems(body: Body, creating: boolean): string[] {
  const lines = githubWording(requestBodyErrors(creating ? "checks/create" : "checks/update", body));
  // The description states "completed needs a conclusion" (an anyOf) for updates only; GitHub
  // refuses a completed run without one when it is created as well.
  if (creating && body.status === "completed" && (body.conclusion === undefined || body.conclusion === null)) {
    lines.push(ANYOF_UNMATCHED, notSupplied(["conclusion"]));
  }
  return lines;
}

/**
 * ajv's errors as GitHub's schema validator prints them: the fields missing from one object on
 * one line, then one line per other problem, named by the property (`items` for an array's).
 */
function githubWording(errors: ErrorObject[]): string[] {
  const lines: Array<string | string[]> = [];
  const missing = new Map<string, string[]>();
  for (const e of unmatchedBranchesFolded(errors)) {
    if (e.keyword !== "required") {
      lines.push(schemaLine(e));
      continue;
    }
    // One line per object, where its first missing field was found.
    let fields = missing.get(e.instancePath);
    if (!fields) {
      fields = [];
      missing.set(e.instancePath, fields);
      lines.push(fields);
    }
    fields.push(String(e.params.missingProperty));
  }
  return lines.map((line) => (typeof line === "string" ? line : notSupplied(line.sort())));
}

/**
 * An anyOf no branch of which matched: GitHub says so, then names what the branch the body chose
 * (its discriminating `status` matched) still lacks; the other branches' complaints are dropped.
 */
function unmatchedBranchesFolded(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  const combinators = errors.filter((e) => e.keyword === "anyOf");
  const inBranch = (e: ErrorObject) => combinators.find((c) => e !== c && e.schemaPath.startsWith(`${c.schemaPath}/`));
  for (const e of errors) {
    if (e.keyword === "anyOf") {
      const branches = new Map<string, ErrorObject[]>();
      for (const b of errors.filter((b) => inBranch(b) === e)) {
        const branch = b.schemaPath.slice(e.schemaPath.length + 1).split("/")[0];
        branches.set(branch, [...(branches.get(branch) ?? []), b]);
      }
      const chosen = [...branches.values()].find((branch) => branch.every((b) => b.keyword !== "enum")) ?? [];
      out.push({ ...e, keyword: "anyOfUnmatched" }, ...chosen);
    } else if (!inBranch(e)) {
      out.push(e);
    }
  }
  return out;
}

function schemaLine(e: ErrorObject): string {
  const name = e.instancePath.split("/").pop() ?? "";
  const at = /^\d+$/.test(name) ? "items" : `properties/${name}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "anyOfUnmatched":
      return ANYOF_UNMATCHED;
    case "type":
      return `For '${at}', ${shown(e.data)} is not ${/^[aeiou]/.test(String(p.type)) ? "an" : "a"} ${String(p.type)}.`;
    case "enum":
      return `For '${at}', ${shown(e.data)} is not a member of ${JSON.stringify(p.allowedValues)}.`;
    case "format":
      return `For '${at}', ${shown(e.data)} is not a ${String(p.format)}.`;
    case "maxLength":
      return `Only ${String(p.limit)} characters are allowed; ${[...String(e.data)].length} were supplied.`;
    case "maxItems":
      // GitHub's one exception: annotations are limited per request, not per run.
      return `Only ${String(p.limit)} ${name} are allowed${name === "annotations" ? " per request" : ""}; ${(e.data as unknown[]).length} were supplied.`;
    default:
      return `For '${at}', ${shown(e.data)} ${e.message ?? "is not valid"}.`;
  }
}

/** The check run's own rules, met once the body fits the schema. */
function ruleProblems(body: Body): ValidationError[] {
  const errors: ValidationError[] = [];
  if (body.name === "") errors.push({ resource: "CheckRun", code: "missing_field", field: "name" });
  // The schema lists `stale`, but only GitHub itself may conclude a run so.
  if (body.conclusion === "stale") errors.push({ resource: "CheckRun", code: "invalid", field: "conclusion" });
  const output = body.output as Body | undefined;
  for (const f of ["summary", "text"] as const) {
    const v = output?.[f];
    // The schema counts characters; the check run counts bytes (an emoji is one character, four bytes).
    if (typeof v === "string" && Buffer.byteLength(v) > MAX_OUTPUT_TEXT) {
      errors.push({ resource: "CheckRun", code: "custom", field: f, message: `${f} exceeds a maximum bytesize of ${MAX_OUTPUT_TEXT}` });
    }
  }
  const annotations = (output?.annotations ?? []) as Body[];
  if (annotations.some((a) => !annotationFits(a))) errors.push({ resource: "CheckRun", code: "invalid", field: "annotations" });
  return errors;
}

function annotationFits(a: Body): boolean {
  const start = a.start_line as number;
  const end = a.end_line as number;
  if (a.path === "" || a.message === "" || start < 1 || end < start) return false;
  // Columns only on a one-line annotation, and both or neither.
  const columns = [a.start_column, a.end_column].filter((c) => c !== undefined).length;
  return columns === 0 || (columns === 2 && start === end && (a.end_column as number) >= (a.start_column as number));
}
