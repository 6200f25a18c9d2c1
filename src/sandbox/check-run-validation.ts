/**
 * The checks GitHub applies to `POST /check-runs` and `PATCH /check-runs/{id}` bodies, so the app
 * meets a 422 in the sandbox wherever it would meet one on GitHub.
 */
export const CHECK_STATUSES = ["queued", "in_progress", "completed", "waiting", "requested", "pending"] as const;
export const CHECK_CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"] as const;
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
export const MAX_OUTPUT_TEXT = 65_535;
const ANNOTATION_LEVELS = ["notice", "warning", "failure"];

export interface ValidationProblem {
  resource: "CheckRun";
  field: string;
  code: "missing_field" | "invalid" | "custom";
  message: string;
}

const isIso = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v));

export function validateCheckRunBody(body: Record<string, unknown>, creating: boolean): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const bad = (field: string, message: string, code: ValidationProblem["code"] = "invalid") => problems.push({ resource: "CheckRun", field, code, message });

  if (creating) {
    if (typeof body.name !== "string" || body.name === "") bad("name", "name wasn't supplied.", "missing_field");
    if (typeof body.head_sha !== "string" || !/^[0-9a-f]{40}$/i.test(body.head_sha)) bad("head_sha", "head_sha wasn't supplied or is not a commit SHA.", "missing_field");
  } else if ("name" in body && (typeof body.name !== "string" || body.name === "")) bad("name", "name can't be blank.");

  if (body.status !== undefined && !(CHECK_STATUSES as readonly unknown[]).includes(body.status)) {
    bad("status", `Status is not included in the list: ${String(body.status)}`);
  }
  if (body.conclusion !== undefined && body.conclusion !== null && !(CHECK_CONCLUSIONS as readonly unknown[]).includes(body.conclusion)) {
    bad("conclusion", `Conclusion is not included in the list: ${String(body.conclusion)}`);
  }
  if (body.status === "completed" && (body.conclusion === undefined || body.conclusion === null)) {
    bad("conclusion", "Conclusion must be specified when the status is completed.", "missing_field");
  }
  for (const f of ["started_at", "completed_at"]) if (body[f] !== undefined && !isIso(body[f])) bad(f, `${f} is not an ISO 8601 timestamp.`);
  if (body.external_id !== undefined && typeof body.external_id !== "string") bad("external_id", "external_id must be a string.");

  const output = body.output as Record<string, unknown> | undefined;
  if (output !== undefined) {
    if (typeof output !== "object" || output === null) bad("output", "output must be an object.");
    else {
      if (typeof output.title !== "string" || output.title === "") bad("output.title", "output.title wasn't supplied.", "missing_field");
      if (typeof output.summary !== "string" || output.summary === "") bad("output.summary", "output.summary wasn't supplied.", "missing_field");
      else if (output.summary.length > MAX_OUTPUT_TEXT) bad("output.summary", `Only ${MAX_OUTPUT_TEXT} characters are allowed; ${output.summary.length} were supplied.`, "custom");
      if (typeof output.text === "string" && output.text.length > MAX_OUTPUT_TEXT) bad("output.text", `Only ${MAX_OUTPUT_TEXT} characters are allowed; ${output.text.length} were supplied.`, "custom");
      const annotations = output.annotations;
      if (annotations !== undefined) {
        if (!Array.isArray(annotations)) bad("output.annotations", "annotations must be an array.");
        else {
          if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
            bad("output.annotations", `Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request; ${annotations.length} were supplied.`, "custom");
          }
          annotations.forEach((a: Record<string, unknown>, i: number) => {
            const at = `output.annotations[${i}]`;
            if (typeof a?.path !== "string" || a.path === "") bad(`${at}.path`, "path wasn't supplied.", "missing_field");
            if (!Number.isInteger(a?.start_line) || (a.start_line as number) < 1) bad(`${at}.start_line`, "start_line must be a positive integer.");
            if (!Number.isInteger(a?.end_line) || (a.end_line as number) < (a.start_line as number)) bad(`${at}.end_line`, "end_line must be an integer ≥ start_line.");
            if (!ANNOTATION_LEVELS.includes(a?.annotation_level as string)) bad(`${at}.annotation_level`, `annotation_level must be one of ${ANNOTATION_LEVELS.join(", ")}.`);
            if (typeof a?.message !== "string" || a.message === "") bad(`${at}.message`, "message wasn't supplied.", "missing_field");
            if ((a?.start_column !== undefined || a?.end_column !== undefined) && a.start_line !== a.end_line) {
              bad(`${at}.start_column`, "start_column and end_column are only allowed when start_line equals end_line.");
            }
          });
        }
      }
    }
  }

  const actions = body.actions;
  if (actions !== undefined) {
    if (!Array.isArray(actions)) bad("actions", "actions must be an array.");
    else {
      if (actions.length > 3) bad("actions", `Only 3 actions are allowed; ${actions.length} were supplied.`, "custom");
      actions.forEach((a: Record<string, unknown>, i: number) => {
        const limit = (field: string, max: number) => {
          if (typeof a?.[field] !== "string" || a[field] === "") bad(`actions[${i}].${field}`, `${field} wasn't supplied.`, "missing_field");
          else if ((a[field] as string).length > max) bad(`actions[${i}].${field}`, `${field} is too long (maximum is ${max} characters).`);
        };
        limit("label", 20);
        limit("description", 40);
        limit("identifier", 20);
      });
    }
  }
  return problems;
}
