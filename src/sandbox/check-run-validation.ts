/**
 * The checks GitHub applies to `POST /check-runs` and `PATCH /check-runs/{id}` bodies, answered
 * in GitHub's two 422 shapes, so the app meets in the sandbox what it would meet on GitHub:
 *
 * - the request schema first: `{"message": "Invalid request.\n\n<one line per problem>"}`, no
 *   `errors` — e.g. `"head_sha" wasn't supplied.`, `"annotation_level", "path" weren't supplied.`
 *   (one line per annotation), `Only 65535 characters are allowed; 68372 were supplied.`,
 *   `For 'properties/output', nil is not an object.`;
 * - then the check run's own rules: `{"message": "Validation Failed", "errors": [{"resource":
 *   "CheckRun", "code": "invalid", "field": "annotations"}]}` for an annotation with impossible
 *   lines or columns, `code: "custom"` with `summary exceeds a maximum bytesize of 65535` for a
 *   summary short enough in characters but not in bytes, `code: "invalid"` for the conclusion
 *   `stale`, which GitHub's schema lists but only GitHub may set.
 * These wordings are GitHub's as reported in public issue threads; where none was found (enum
 * values, the anyOf on `status: completed`), the wording follows the same schema-error form.
 */
export const CHECK_STATUSES = ["queued", "in_progress", "completed", "waiting", "requested", "pending"] as const;
export const CHECK_CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"] as const;
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
export const MAX_OUTPUT_TEXT = 65_535;
const ANNOTATION_LEVELS = ["notice", "warning", "failure"] as const;
const ANNOTATION_REQUIRED = ["annotation_level", "end_line", "message", "path", "start_line"];
const ACTION_LIMITS = { description: 40, identifier: 20, label: 20 } as const;

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
const isObject = (v: unknown): v is Body => typeof v === "object" && v !== null && !Array.isArray(v);
const tooLong = (max: number, length: number) => `Only ${max} characters are allowed; ${length} were supplied.`;

function schemaProblems(body: Body, creating: boolean): string[] {
  const lines: string[] = [];
  const missing = creating ? ["head_sha", "name"].filter((f) => body[f] === undefined) : [];
  if (missing.length) lines.push(notSupplied(missing));
  for (const f of ["name", "head_sha", "details_url", "external_id"]) {
    if (body[f] !== undefined && typeof body[f] !== "string") lines.push(`For 'properties/${f}', ${shown(body[f])} is not a string.`);
  }
  const member = (field: string, allowed: readonly string[], nullable: boolean) => {
    const v = body[field];
    if (v === undefined || (nullable && v === null) || allowed.includes(v as string)) return;
    lines.push(`For 'properties/${field}', ${shown(v)} is not a member of ${JSON.stringify(allowed)}.`);
  };
  member("status", CHECK_STATUSES, false);
  member("conclusion", CHECK_CONCLUSIONS, true);
  if (body.status === "completed" && (body.conclusion === undefined || body.conclusion === null)) {
    lines.push(`No subschema in "anyOf" matched.`, notSupplied(["conclusion"]));
  }
  for (const f of ["started_at", "completed_at"]) {
    const v = body[f];
    if (v !== undefined && (typeof v !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/.test(v))) {
      lines.push(`For 'properties/${f}', ${shown(v)} is not a date-time.`);
    }
  }
  if (body.output !== undefined) lines.push(...outputSchemaProblems(body.output));
  if (body.actions !== undefined) lines.push(...actionsSchemaProblems(body.actions));
  return lines;
}

function outputSchemaProblems(output: unknown): string[] {
  if (!isObject(output)) return [`For 'properties/output', ${shown(output)} is not an object.`];
  const lines: string[] = [];
  const missing = ["summary", "title"].filter((f) => output[f] === undefined);
  if (missing.length) lines.push(notSupplied(missing));
  for (const f of ["title", "summary", "text"]) {
    const v = output[f];
    if (v === undefined) continue;
    if (typeof v !== "string") lines.push(`For 'properties/${f}', ${shown(v)} is not a string.`);
    else if (f !== "title" && v.length > MAX_OUTPUT_TEXT) lines.push(tooLong(MAX_OUTPUT_TEXT, v.length));
  }
  const annotations = output.annotations;
  if (annotations === undefined) return lines;
  if (!Array.isArray(annotations)) return [...lines, `For 'properties/annotations', ${shown(annotations)} is not an array.`];
  if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
    lines.push(`Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request; ${annotations.length} were supplied.`);
  }
  for (const a of annotations) {
    if (!isObject(a)) {
      lines.push(`For 'items', ${shown(a)} is not an object.`);
      continue;
    }
    const absent = ANNOTATION_REQUIRED.filter((f) => a[f] === undefined);
    if (absent.length) lines.push(notSupplied(absent));
    if (a.annotation_level !== undefined && !(ANNOTATION_LEVELS as readonly unknown[]).includes(a.annotation_level)) {
      lines.push(`For 'properties/annotation_level', ${shown(a.annotation_level)} is not a member of ${JSON.stringify(ANNOTATION_LEVELS)}.`);
    }
    for (const f of ["start_line", "end_line", "start_column", "end_column"]) {
      if (a[f] !== undefined && !Number.isInteger(a[f])) lines.push(`For 'properties/${f}', ${shown(a[f])} is not an integer.`);
    }
  }
  return lines;
}

function actionsSchemaProblems(actions: unknown): string[] {
  if (!Array.isArray(actions)) return [`For 'properties/actions', ${shown(actions)} is not an array.`];
  const lines: string[] = [];
  if (actions.length > 3) lines.push(`Only 3 actions are allowed; ${actions.length} were supplied.`);
  for (const a of actions) {
    if (!isObject(a)) {
      lines.push(`For 'items', ${shown(a)} is not an object.`);
      continue;
    }
    const absent = Object.keys(ACTION_LIMITS).filter((f) => a[f] === undefined);
    if (absent.length) lines.push(notSupplied(absent));
    for (const [f, max] of Object.entries(ACTION_LIMITS)) {
      if (typeof a[f] === "string" && (a[f] as string).length > max) lines.push(tooLong(max, (a[f] as string).length));
    }
  }
  return lines;
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
  if (typeof a.path !== "string" || a.path === "" || a.message === "" || start < 1 || end < start) return false;
  // Columns only on a one-line annotation, and both or neither.
  const columns = [a.start_column, a.end_column].filter((c) => c !== undefined).length;
  return columns === 0 || (columns === 2 && start === end && (a.end_column as number) >= (a.start_column as number));
}
