/**
 * Checks REST requests the app sends to GitHub, and the 2xx answers it reads, against GitHub's
 * own published OpenAPI description — in production (`exchange-check.ts`) and in every test.
 *
 * The schemas come from rest-operations.json, a slice of the description extracted by
 * scripts/extract-github-schemas.mjs (the full description is ~400 MB and is not a dependency).
 * To cover a new operation, add it to that script and re-run it.
 *
 * What is checked, per request:
 * - the method and path match an extracted operation ("unknown operation" otherwise);
 * - path parameters and query parameters against their schemas (type, enum, the documented
 *   `per_page` maximum), unknown or repeated query parameters;
 * - the JSON body against the operation's request-body schema (types, enums, required,
 *   maxItems/maxLength, anyOf), plus properties GitHub's schema does not define at all (GitHub
 *   ignores them, so they are almost always a typo that silently loses data);
 * - `POST /graphql` (not in the OpenAPI description): only the envelope
 *   `{ query: string, variables?: object, operationName?: string }` (graphql.ts checks the document).
 * Per answer: GitHub's schema of the fields the app reads, each required (`response` in the file).
 * Formats: only `date-time` is checked (hand-written, no ajv-formats dependency); others are ignored.
 */
// ajv is CommonJS; under NodeNext the named export is the class (the default import is the module).
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import operations from "./rest-operations.json" with { type: "json" };

export interface GitHubRequest {
  method: string;
  /** Absolute (`https://api.github.com/…`, `https://ghe.example/api/v3/…`) or a bare API path (`/repos/…`). */
  url: string;
  /** A JSON string as sent on the wire, an already-parsed value, or undefined/"" for no body. */
  body?: unknown;
}

export interface ValidateOptions {
  /** Report body properties GitHub's schema does not define (default true). */
  unknownBodyProperties?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The fixture

type JsonSchema = Record<string, unknown>;

interface FixtureParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: JsonSchema;
}

interface FixtureOperation {
  operationId: string;
  method: string;
  path: string;
  parameters: FixtureParameter[];
  requestBody: { required: boolean; contentType: string; schema: JsonSchema } | null;
  responses: string[];
  /** The fields of the 2xx answer the app reads, as GitHub's schema describes them. */
  response?: { status: number; schema: JsonSchema } | null;
}

interface Fixture {
  source: { package: string };
  operations: FixtureOperation[];
}

const fixture = operations as unknown as Fixture;

// ---------------------------------------------------------------------------------------------
// Compiling (each operation's schemas on first use, not all at import: most files meet a few)

// validateFormats off: GitHub's `format`s (int64, uri, …) would need ajv-formats; date-time is
// the one the app sends (started_at / completed_at) and is checked by hand below.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateFormats: false });

/** Marks `additionalProperties: false` that this helper added, so messages do not blame GitHub. */
const ADDED_STRICTNESS = "x-added-by-schema-check";

interface CompiledOperation {
  op: FixtureOperation;
  pattern: RegExp;
  /** Same, but a trailing `{path}` may span slashes (`contents/dir/file.yml`). */
  greedyPattern: RegExp | null;
  pathParamNames: string[];
  literalSegments: number;
  paramSchemas: Map<string, FixtureParameter>;
  validateParams: ValidateFunction;
  validateBody: ValidateFunction | null;
  validateBodyStrict: ValidateFunction | null;
  validateResponse: ValidateFunction | null;
}

const compiled: CompiledOperation[] = fixture.operations.map(compileOperation);

function compileOperation(op: FixtureOperation): CompiledOperation {
  const segments = op.path.split("/").slice(1);
  const pathParamNames: string[] = [];
  const parts = segments.map((segment) => {
    const m = /^\{(\w+)\}$/.exec(segment);
    if (!m) return escapeRegExp(segment);
    pathParamNames.push(m[1]);
    return "([^/]+)";
  });
  const pattern = new RegExp(`^/${parts.join("/")}$`);
  // Only a file path may legitimately contain raw slashes; letting any last parameter span them
  // would make `/repos/o/r/anything` look like `/repos/{owner}/{repo}`.
  const greedyPattern = segments[segments.length - 1] === "{path}" ? new RegExp(`^/${[...parts.slice(0, -1), "(.+)"].join("/")}$`) : null;

  const paramSchemas = new Map(op.parameters.map((p) => [`${p.in}:${p.name}`, p]));
  const paramsSchema = (where: "path" | "query"): JsonSchema => {
    const params = op.parameters.filter((p) => p.in === where);
    return {
      type: "object",
      properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
      required: params.filter((p) => p.required).map((p) => p.name),
    };
  };
  const validateParams = once(() =>
    ajv.compile({
      type: "object",
      properties: { path: paramsSchema("path"), query: paramsSchema("query") },
    }),
  );

  const bodySchema = op.requestBody?.schema;
  const validateBody = once(() => (bodySchema ? ajv.compile(bodySchema) : null));
  const validateBodyStrict = once(() => (bodySchema ? ajv.compile(closeObjects(bodySchema) as JsonSchema) : null));
  const validateResponse = once(() => (op.response ? ajv.compile(op.response.schema) : null));
  return {
    op,
    pattern,
    greedyPattern,
    pathParamNames,
    literalSegments: segments.length - pathParamNames.length,
    paramSchemas,
    get validateParams() {
      return validateParams();
    },
    get validateBody() {
      return validateBody();
    },
    get validateBodyStrict() {
      return validateBodyStrict();
    },
    get validateResponse() {
      return validateResponse();
    },
  };
}

/** `make()` on first use, then its result: each process compiles only the schemas it meets. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/**
 * A copy of `schema` in which every object that lists its `properties` and says nothing about
 * others rejects them. Objects that explicitly allow extras (GitHub's anyOf branches do) are kept.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== "object") return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === "properties" && value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closeObjects(v)]))
        : typeof value === "object"
          ? closeObjects(value)
          : value;
  }
  if (out.properties && out.additionalProperties === undefined && out.patternProperties === undefined) {
    out.additionalProperties = false;
    out[ADDED_STRICTNESS] = true;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validating one request

/**
 * Problems with one request, as readable one-line messages; `[]` when GitHub's schema accepts it.
 * Each message starts with `METHOD /path`.
 */
export function validateGitHubRequest(request: GitHubRequest, options: ValidateOptions = {}): string[] {
  const method = request.method.toUpperCase();
  const parsed = parseApiUrl(request.url);
  if (!parsed) return [`${method} ${request.url}: not a GitHub API URL`];
  const { pathname, search } = parsed;
  const label = `${method} ${pathname}`;

  let body: unknown;
  try {
    body = parseBody(request.body);
  } catch {
    return [`${label}: the body is not valid JSON`];
  }

  if (pathname === "/graphql") return validateGraphQL(method, label, search, body);

  const match = matchOperation(method, pathname);
  if (!match) return [`${label}: unknown operation — GitHub's description (as extracted in the fixture) has no ${method} ${pathname}`];
  const { operation, pathValues } = match;
  const where = `${label} (${operation.op.operationId})`;
  const problems: string[] = [];

  // Query parameters: unknown and repeated ones first; types and enums through the schema.
  const query: Record<string, unknown> = {};
  for (const name of new Set(search.keys())) {
    const values = search.getAll(name);
    const param = operation.paramSchemas.get(`query:${name}`);
    if (!param) {
      const known = operation.op.parameters.filter((p) => p.in === "query").map((p) => p.name);
      problems.push(`${where}: unknown query parameter "${name}"${known.length ? ` (known: ${known.join(", ")})` : " (this operation takes none)"}`);
      continue;
    }
    if (values.length > 1) problems.push(`${where}: query parameter "${name}" given ${values.length} times`);
    query[name] = coerce(values[0], param.schema);
  }
  const path: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(pathValues)) {
    path[name] = coerce(raw, operation.paramSchemas.get(`path:${name}`)?.schema ?? {});
  }
  if (!operation.validateParams({ path, query })) {
    problems.push(...formatErrors(operation.validateParams.errors ?? [], (p) => paramLabel(p), where));
  }

  // Body.
  const hasBody = body !== undefined;
  const spec = operation.op.requestBody;
  if (!spec) {
    if (hasBody) problems.push(`${where}: this operation takes no request body, got ${describe(body)}`);
  } else if (!hasBody) {
    if (spec.required) problems.push(`${where}: a JSON request body is required`);
  } else {
    const errors = bodyErrors(operation, body, options.unknownBodyProperties !== false);
    if (errors.length > 0) problems.push(...formatErrors(errors, (p) => `body${p}`, where));
  }
  return problems;
}

/** Where `body` breaks the operation's request-body schema, `format: date-time` included. */
function bodyErrors(operation: CompiledOperation, body: unknown, strict: boolean): ErrorObject[] {
  const validate = strict ? operation.validateBodyStrict! : operation.validateBody!;
  const errors = validate(body) ? [] : [...(validate.errors ?? [])];
  return [...errors, ...badDateTimes(body, operation.op.requestBody!.schema, "")];
}

/**
 * Where a request body breaks GitHub's schema of the operation (`checks/create`), as ajv's
 * errors; properties the schema does not define are ignored, as GitHub ignores them. For the
 * sandbox, which answers them in GitHub's own words.
 */
export function requestBodyErrors(operationId: string, body: unknown): ErrorObject[] {
  const operation = compiled.find((c) => c.op.operationId === operationId);
  if (!operation?.op.requestBody) throw new Error(`GitHub's description (as extracted) has no request body for ${operationId}`);
  return bodyErrors(operation, body, false);
}

/**
 * Problems with one 2xx answer: it must have the fields the app reads, as GitHub's schema types
 * them. `[]` when it does, or when the operation declares nothing it reads.
 */
export function validateGitHubResponse(request: { method: string; url: string }, data: unknown): string[] {
  const method = request.method.toUpperCase();
  const parsed = parseApiUrl(request.url);
  if (!parsed || parsed.pathname === "/graphql") return [];
  const match = matchOperation(method, parsed.pathname);
  const validate = match?.operation.validateResponse;
  if (!match || !validate) return [];
  const where = `GitHub's answer to ${method} ${parsed.pathname} (${match.operation.op.operationId})`;
  if (typeof data === "string") return [`${where} is not JSON (${data.length === 0 ? "empty" : "cut short or not JSON"})`];
  if (validate(data)) return [];
  return formatErrors(validate.errors ?? [], (p) => `answer${p}`, where);
}

function parseApiUrl(url: string): { pathname: string; search: URLSearchParams } | null {
  let parsed: URL;
  try {
    parsed = new URL(url, "https://api.github.com");
  } catch {
    return null;
  }
  let pathname = parsed.pathname;
  if (parsed.hostname !== "api.github.com") {
    // GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql.
    if (pathname === "/api/graphql") pathname = "/graphql";
    else if (pathname.startsWith("/api/v3/")) pathname = pathname.slice("/api/v3".length);
    else return null;
  }
  if (pathname.length > 1) pathname = pathname.replace(/\/+$/, "");
  return { pathname, search: parsed.searchParams };
}

/** True for URLs this module validates (api.github.com, or a GHE `/api/v3` / `/api/graphql` URL). */
export function isGitHubApiUrl(url: string): boolean {
  return /^https?:\/\//.test(url) && parseApiUrl(url) !== null;
}

function parseBody(body: unknown): unknown {
  if (body === undefined || body === null || body === "") return undefined;
  if (Buffer.isBuffer(body)) return parseBody(body.toString("utf8"));
  if (typeof body === "string") return JSON.parse(body);
  return body;
}

function matchOperation(method: string, pathname: string): { operation: CompiledOperation; pathValues: Record<string, string> } | null {
  const candidates = compiled.filter((c) => c.op.method === method);
  // Prefer one-segment parameters, then the template with the most literal segments.
  for (const greedy of [false, true]) {
    const hits = candidates
      .map((c) => ({ c, m: (greedy ? c.greedyPattern : c.pattern)?.exec(pathname) }))
      .filter((h): h is { c: CompiledOperation; m: RegExpExecArray } => Boolean(h.m))
      .sort((a, b) => b.c.literalSegments - a.c.literalSegments);
    const hit = hits[0];
    if (hit) {
      const pathValues: Record<string, string> = {};
      hit.c.pathParamNames.forEach((name, i) => {
        pathValues[name] = safeDecode(hit.m[i + 1]);
      });
      return { operation: hit.c, pathValues };
    }
  }
  return null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** URL values are strings; turn them into the type the schema asks for only when they are exactly that. */
function coerce(raw: string, schema: JsonSchema): unknown {
  switch (schema.type) {
    case "integer":
      return /^-?\d+$/.test(raw) ? Number(raw) : raw;
    case "number":
      return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    default:
      return raw;
  }
}

function paramLabel(instancePath: string): string {
  const [, where, name, ...rest] = instancePath.split("/");
  if (!where) return "parameters";
  const base = name === undefined ? `${where} parameters` : `${where} parameter "${name}"`;
  return rest.length ? `${base}/${rest.join("/")}` : base;
}

function validateGraphQL(method: string, label: string, search: URLSearchParams, body: unknown): string[] {
  const where = `${label} (GraphQL envelope only; GraphQL is not in the OpenAPI description)`;
  if (method !== "POST") return [`${where}: GraphQL requests must be POST`];
  const problems: string[] = [];
  if ([...search.keys()].length > 0) problems.push(`${where}: unexpected query string`);
  if (!isPlainObject(body)) return [...problems, `${where}: body must be an object {query, variables?}, got ${describe(body)}`];
  if (typeof body.query !== "string" || body.query.trim() === "") problems.push(`${where}: body.query must be a non-empty string, got ${describe(body.query)}`);
  if (body.variables !== undefined && !isPlainObject(body.variables)) problems.push(`${where}: body.variables must be an object, got ${describe(body.variables)}`);
  if (body.operationName !== undefined && typeof body.operationName !== "string") problems.push(`${where}: body.operationName must be a string`);
  for (const key of Object.keys(body)) {
    if (!["query", "variables", "operationName"].includes(key)) problems.push(`${where}: unknown body property "${key}"`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Messages

function formatErrors(errors: ErrorObject[], label: (instancePath: string) => string, where: string): string[] {
  // anyOf/oneOf: ajv reports every failed branch; fold them under the combinator so a reader sees
  // "needs one of: (1) … or (2) …" instead of a list of contradictory demands.
  const combinators = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const consumed = new Set<ErrorObject>();
  const messages: string[] = [];
  for (const combo of combinators) {
    const prefix = `${combo.schemaPath}/`;
    const branches = new Map<string, string[]>();
    for (const e of errors) {
      if (e === combo || !e.schemaPath.startsWith(prefix)) continue;
      consumed.add(e);
      const branch = e.schemaPath.slice(prefix.length).split("/")[0];
      branches.set(branch, [...(branches.get(branch) ?? []), describeError(e, label)]);
    }
    consumed.add(combo);
    const alternatives = [...branches.entries()].map(([i, msgs]) => `(${Number(i) + 1}) ${msgs.join("; ")}`);
    messages.push(`${where}: ${label(combo.instancePath)} must satisfy one of GitHub's alternatives: ${alternatives.join(" or ")}`);
  }
  for (const e of errors) {
    if (!consumed.has(e)) messages.push(`${where}: ${describeError(e, label)}`);
  }
  return collapseRepeats(messages);
}

/** The same mistake in 50 array items is one problem: keep the first and count the rest. */
function collapseRepeats(messages: string[]): string[] {
  const groups = new Map<string, string[]>();
  for (const m of messages) {
    const key = m.replace(/\/\d+(?=\/|\s)/g, "/*");
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map(([first, ...rest]) => (rest.length ? `${first} (and ${rest.length} more like it)` : first));
}

function describeError(e: ErrorObject, label: (instancePath: string) => string): string {
  const at = label(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "enum":
      return `${at} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}; got ${describe(e.data)}`;
    case "required":
      return `${at} is missing required property "${String(p.missingProperty)}"`;
    case "type":
      return `${at} must be ${String(p.type)}; got ${describe(e.data)}`;
    case "maxItems":
      return `${at} must have at most ${String(p.limit)} items; got ${(e.data as unknown[]).length}`;
    case "minItems":
      return `${at} must have at least ${String(p.limit)} items; got ${(e.data as unknown[]).length}`;
    case "maxLength":
      return `${at} must be at most ${String(p.limit)} characters; got ${(e.data as string).length}`;
    case "minLength":
      return `${at} must be at least ${String(p.limit)} characters; got ${(e.data as string).length}`;
    case "maximum":
    case "minimum":
      return `${at} must be ${e.keyword === "maximum" ? "at most" : "at least"} ${String(p.limit)}; got ${describe(e.data)}`;
    case "format":
      return `${at} must be an ISO 8601 date-time (YYYY-MM-DDTHH:MM:SSZ); got ${describe(e.data)}`;
    case "additionalProperties": {
      const added = (e.parentSchema as JsonSchema | undefined)?.[ADDED_STRICTNESS] === true;
      return added
        ? `${at} has property "${String(p.additionalProperty)}" that GitHub's schema does not define (GitHub ignores it — a typo?)`
        : `${at} must not have property "${String(p.additionalProperty)}"`;
    }
    default:
      return `${at} ${e.message ?? e.keyword}`;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") return value.length > 60 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (isPlainObject(value)) return "an object";
  return JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// RFC 3339 date-time, as GitHub's `format: date-time` means; ajv-formats is not a dependency.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Walks the body next to its schema's `properties` and finds `format: date-time` strings that are not. */
function badDateTimes(value: unknown, schema: JsonSchema, at: string): ErrorObject[] {
  if (schema.format === "date-time" && typeof value === "string") {
    if (DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return [];
    return [{ keyword: "format", instancePath: at, schemaPath: "", params: { format: "date-time" }, data: value }];
  }
  const problems: ErrorObject[] = [];
  if (isPlainObject(value) && isPlainObject(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (key in value && isPlainObject(sub)) problems.push(...badDateTimes(value[key], sub, `${at}/${key}`));
    }
  }
  if (Array.isArray(value) && isPlainObject(schema.items)) {
    value.forEach((item, i) => {
      problems.push(...badDateTimes(item, schema.items as JsonSchema, `${at}/${i}`));
    });
  }
  return problems;
}

/** Whether the request names an operation the extracted description covers (others pass unchecked in production). */
export function isKnownOperation(method: string, url: string): boolean {
  const parsed = parseApiUrl(url);
  return parsed !== null && (parsed.pathname === "/graphql" || matchOperation(method.toUpperCase(), parsed.pathname) !== null);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
