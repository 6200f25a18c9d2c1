#!/usr/bin/env node
/**
 * Regenerates src/load/github/schema/rest-operations.json: the slice of GitHub's published
 * OpenAPI description (api.github.com) that covers the REST operations Provenance Gate calls,
 * and of their 2xx answers the fields the app reads. src/load/github/exchange-check.ts checks
 * every request and answer against it, in production and in tests.
 *
 * The description ships in the npm package `@octokit/openapi` (~400 MB unpacked). It is
 * deliberately NOT a dependency of this project: install it somewhere else and point this
 * script at it.
 *
 *   npm install --prefix /tmp/ghapi @octokit/openapi
 *   node scripts/extract-github-schemas.mjs /tmp/ghapi/node_modules/@octokit/openapi
 *
 * (The argument defaults to $GITHUB_OPENAPI_DIR, then /tmp/ghapi/node_modules/@octokit/openapi.)
 *
 * To cover a new call, add it to OPERATIONS below and re-run. The output is deterministic, so a
 * re-run against the same package version produces no diff.
 *
 * What the script does to each operation:
 * - resolves every `$ref` (parameters, request bodies, schemas) and inlines it, so the fixture is
 *   self-contained (none of the request bodies below is recursive; a cycle aborts the script);
 * - drops prose (`description`, `example(s)`, `title`, `x-*`) from schemas to keep the fixture
 *   reviewable — `properties.description` (a property NAMED description) is kept;
 * - keeps GitHub's schemas otherwise untouched, with one flagged supplement: GitHub documents
 *   the `per_page` limit only in prose ("(max 100)"), so that bound is added as `maximum: 100`
 *   and listed under the parameter's `supplements` — see SUPPLEMENTS.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** [method, path template, why the app calls it]. Method in upper case, path exactly as in the description. */
const OPERATIONS = [
  ["POST", "/app/installations/{installation_id}/access_tokens", "Probot: installation token"],
  ["GET", "/app", "app identity (own check runs are recognised by app id)"],
  ["GET", "/app/installations", "extra: sandbox / Probot listing installations"],
  ["GET", "/repos/{owner}/{repo}/installation", "Probot: repository installation"],
  ["GET", "/repos/{owner}/{repo}", "extra: repository metadata"],
  ["GET", "/repos/{owner}/{repo}/pulls", "push to a base branch: open PRs against it"],
  ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}", "PR head / base"],
  ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", "changed files"],
  ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits", "commits (REST fallback)"],
  ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "reviews (REST fallback)"],
  ["POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "sandbox/demo only: an approval"],
  ["GET", "/repos/{owner}/{repo}/pulls/{pull_number}/comments", "inline review comments that mention an agent"],
  ["GET", "/repos/{owner}/{repo}/commits/{ref}", "per-commit file lists"],
  ["GET", "/repos/{owner}/{repo}/compare/{basehead}", "the net file list of a run of commits"],
  ["GET", "/repos/{owner}/{repo}/contents/{path}", ".provenance.yml from the base branch"],
  ["GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", "reviewer permission"],
  ["GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}", "reviewer team membership"],
  ["GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", "existing Provenance Gate runs"],
  ["POST", "/repos/{owner}/{repo}/check-runs", "create the check run"],
  ["PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}", "update it / more annotations"],
  ["GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}", "read a check run"],
  ["GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", "extra: sandbox reads annotations"],
  ["GET", "/app/hook/deliveries", "reconciler: the app's failed webhook deliveries"],
  ["POST", "/app/hook/deliveries/{delivery_id}/attempts", "reconciler: redeliver a failed delivery"],
  ["GET", "/installation/repositories", "reconciler: repositories to scan for missing runs"],
  ["GET", "/repos/{owner}/{repo}/activity", "pushes to the head branch the app did not see, with their actors"],
];

/**
 * What the app reads from each 2xx answer: GitHub's schema for these fields, pruned to them and
 * with every field not marked `?` required. In production an answer without them is an error
 * (src/load/github/exchange-check.ts), never an empty list. `[]` steps into an array's items.
 * A literal `schema` stands in where GitHub's answer is a `oneOf` the pruner does not walk.
 */
const RESPONSE_NEEDS = {
  "POST /app/installations/{installation_id}/access_tokens": ["token"],
  "GET /app": ["slug?"],
  "GET /repos/{owner}/{repo}/installation": ["id"],
  "GET /repos/{owner}/{repo}/pulls": ["[].number", "[].head.sha", "[].base.ref"],
  "GET /repos/{owner}/{repo}/pulls/{pull_number}": ["number", "state", "head.sha", "base.ref"],
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/files": ["[].filename", "[].status", "[].previous_filename?"],
  "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments": ["[].id", "[].body", "[].user.login", "[].user.type"],
  "GET /repos/{owner}/{repo}/commits/{ref}": ["files[].filename", "files[].status", "files[].previous_filename?", "files[].sha?"],
  "GET /repos/{owner}/{repo}/compare/{basehead}": ["total_commits", "commits[].sha", "files[].filename", "files[].status", "files[].previous_filename?", "files[].sha?"],
  "GET /repos/{owner}/{repo}/contents/{path}": {
    schema: {
      anyOf: [
        { type: "array" },
        { type: "object", required: ["type"], properties: { type: { type: "string" }, encoding: { type: "string" }, content: { type: "string" } } },
      ],
    },
  },
  "GET /repos/{owner}/{repo}/collaborators/{username}/permission": ["permission", "role_name?"],
  "GET /orgs/{org}/teams/{team_slug}/memberships/{username}": ["state"],
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": [
    "total_count",
    "check_runs[].id",
    "check_runs[].name",
    "check_runs[].head_sha",
    "check_runs[].status",
    "check_runs[].external_id",
    "check_runs[].conclusion",
    "check_runs[].started_at",
    "check_runs[].output.title",
    "check_runs[].output.summary",
    "check_runs[].app.id",
  ],
  "POST /repos/{owner}/{repo}/check-runs": ["id"],
  "GET /repos/{owner}/{repo}/activity": ["[].id", "[].before", "[].after", "[].ref", "[].timestamp", "[].activity_type", "[].actor.login"],
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": ["id"],
};

/** Limits GitHub states only in a parameter's prose. Each entry is applied only when the prose says so. */
const SUPPLEMENTS = [
  {
    parameter: "per_page",
    proseMatches: /\(max 100\)/,
    schema: { maximum: 100 },
    note: "maximum 100 from the parameter description \"(max 100)\"; GitHub silently clamps larger values",
  },
];

const PROSE_KEYS = new Set(["description", "example", "examples", "title", "externalDocs"]);
/** Keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs"]);
/** Keywords whose value is a schema or an array of schemas. */
const SCHEMA_VALUES = new Set(["items", "additionalProperties", "not", "allOf", "anyOf", "oneOf", "contains", "propertyNames"]);

function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, "..");
  const packageDir = resolve(
    process.argv[2] ?? process.env.GITHUB_OPENAPI_DIR ?? "/tmp/ghapi/node_modules/@octokit/openapi",
  );
  const pkg = readJson(join(packageDir, "package.json"), packageDir);
  const descriptionFile = "generated/api.github.com.json";
  const description = readJson(join(packageDir, descriptionFile), packageDir);

  const resolveRef = makeResolver(description);
  const operations = OPERATIONS.map(([method, path, why]) => extractOperation(description, resolveRef, method, path, why));

  const fixture = {
    $comment:
      "Generated by scripts/extract-github-schemas.mjs from GitHub's OpenAPI description. Do not edit by hand; re-run the script.",
    source: {
      package: `${pkg.name}@${pkg.version}`,
      file: descriptionFile,
      openapi: description.openapi,
      infoVersion: description.info?.version,
    },
    notes: [
      "POST /graphql is not part of the OpenAPI description; test/helpers/github-schema.ts checks only its envelope {query: string, variables?: object}.",
      "Schemas are GitHub's own: they allow check-run conclusions `neutral` and `skipped` (the app must never post them; that is the app's rule, not GitHub's).",
      "`format` keywords are kept as published; the validator checks only `date-time`.",
    ],
    operations,
  };

  const out = join(root, "src/load/github/schema/rest-operations.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${operations.length} operations from ${fixture.source.package} to ${out}`);
}

function readJson(file, packageDir) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`cannot read ${file}: ${error.message}`);
    console.error(`Install the description outside this project first, e.g.\n  npm install --prefix /tmp/ghapi @octokit/openapi\nand pass its folder (got ${packageDir}).`);
    process.exit(2);
  }
}

function makeResolver(description) {
  return (ref) => {
    if (!ref.startsWith("#/")) throw new Error(`external $ref not supported: ${ref}`);
    const target = ref
      .slice(2)
      .split("/")
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((node, key) => node?.[key], description);
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    return target;
  };
}

function extractOperation(description, resolveRef, method, path, why) {
  const item = description.paths[path];
  const op = item?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in the description`);

  const deref = (node) => (node && typeof node.$ref === "string" ? deref(resolveRef(node.$ref)) : node);
  const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])]
    .map(deref)
    .filter((p) => p.in === "path" || p.in === "query")
    .map((p) => {
      const schema = cleanSchema(p.schema ?? {}, resolveRef, []);
      const supplements = [];
      for (const s of SUPPLEMENTS) {
        if (s.parameter === p.name && s.proseMatches.test(p.description ?? "")) {
          Object.assign(schema, s.schema);
          supplements.push(s.note);
        }
      }
      return {
        name: p.name,
        in: p.in,
        required: p.required === true,
        schema,
        ...(supplements.length > 0 ? { supplements } : {}),
      };
    })
    .sort((a, b) => (a.in === b.in ? 0 : a.in === "path" ? -1 : 1));

  let requestBody = null;
  if (op.requestBody) {
    const body = deref(op.requestBody);
    const json = body.content?.["application/json"];
    if (!json) throw new Error(`${method} ${path}: no application/json request body`);
    requestBody = { required: body.required === true, contentType: "application/json", schema: cleanSchema(json.schema, resolveRef, []) };
  }

  const needs = RESPONSE_NEEDS[`${method} ${path}`];
  let response = null;
  if (needs) {
    const status = Object.keys(op.responses ?? {}).sort().find((code) => /^2\d\d$/.test(code));
    const schema = deref(deref(op.responses[status]).content?.["application/json"]?.schema);
    if (!schema) throw new Error(`${method} ${path}: no JSON answer for ${status}`);
    response = {
      status: Number(status),
      needs: Array.isArray(needs) ? needs : "hand-written (GitHub's oneOf)",
      schema: Array.isArray(needs) ? prune(schema, needs.map((n) => n.split(".")), resolveRef, `${method} ${path}`) : needs.schema,
    };
  }

  return {
    operationId: op.operationId,
    method,
    path,
    usedFor: why,
    docs: op.externalDocs?.url,
    parameters,
    requestBody,
    responses: Object.keys(op.responses ?? {}).sort(),
    response,
  };
}

/** GitHub's `schema`, cut down to the dotted `paths` (see RESPONSE_NEEDS). */
function prune(schema, paths, resolveRef, where) {
  schema = resolveFully(schema, resolveRef);
  const kept = {};
  for (const key of ["type", "nullable", "enum", "format"]) if (schema[key] !== undefined) kept[key] = schema[key];
  const deeper = paths.filter((p) => p.length > 0);
  if (deeper.length === 0) return kept;
  const groups = new Map();
  for (const [head, ...rest] of deeper) {
    const optional = head.endsWith("?");
    const name = head.replace(/\?$/, "");
    const group = groups.get(name) ?? { optional: true, rest: [] };
    group.optional &&= optional;
    group.rest.push(rest);
    groups.set(name, group);
  }
  if (groups.has("[]")) {
    if (schema.type !== "array") throw new Error(`${where}: expected an array`);
    return { ...kept, items: prune(schema.items, groups.get("[]").rest, resolveRef, where) };
  }
  const properties = {};
  const required = [];
  for (const [name, group] of groups) {
    const array = name.endsWith("[]");
    const prop = name.replace(/\[\]$/, "");
    const sub = schema.properties?.[prop];
    if (!sub) throw new Error(`${where}: GitHub's answer has no field ${prop}`);
    properties[prop] = array
      ? (() => {
          const list = resolveFully(sub, resolveRef);
          if (list.type !== "array") throw new Error(`${where}: ${prop} is not an array`);
          return { type: "array", ...(list.nullable ? { nullable: true } : {}), items: prune(list.items, group.rest, resolveRef, where) };
        })()
      : prune(sub, group.rest, resolveRef, where);
    if (!group.optional) required.push(prop);
  }
  return { ...kept, type: "object", properties, ...(required.length > 0 ? { required } : {}) };
}

/** Inline `$ref`s and merge `allOf` at the top of a schema. */
function resolveFully(schema, resolveRef) {
  while (schema && typeof schema.$ref === "string") schema = resolveRef(schema.$ref);
  if (Array.isArray(schema?.allOf)) {
    const parts = schema.allOf.map((part) => resolveFully(part, resolveRef));
    const merged = { ...schema, allOf: undefined, type: "object", properties: {}, required: [] };
    for (const part of parts) {
      Object.assign(merged.properties, part.properties ?? {});
      merged.required.push(...(part.required ?? []));
    }
    return merged;
  }
  return schema;
}

/** Inline `$ref`s and drop prose. `stack` holds the refs being inlined, to detect recursion. */
function cleanSchema(schema, resolveRef, stack) {
  if (Array.isArray(schema)) return schema.map((s) => cleanSchema(s, resolveRef, stack));
  if (!schema || typeof schema !== "object") return schema;
  if (typeof schema.$ref === "string") {
    if (stack.includes(schema.$ref)) throw new Error(`recursive schema ${[...stack, schema.$ref].join(" → ")}`);
    return cleanSchema(resolveRef(schema.$ref), resolveRef, [...stack, schema.$ref]);
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (PROSE_KEYS.has(key) || key.startsWith("x-")) continue;
    if (SCHEMA_MAPS.has(key) && value && typeof value === "object") {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, cleanSchema(s, resolveRef, stack)]));
    } else if (SCHEMA_VALUES.has(key) && value && typeof value === "object") {
      out[key] = cleanSchema(value, resolveRef, stack);
    } else {
      out[key] = value;
    }
  }
  return out;
}

main();
