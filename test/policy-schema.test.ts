/**
 * The published JSON Schema (what editors validate against) and `parsePolicy` (what the app
 * enforces) must accept and reject the same files, so an editor never shows green on a policy
 * the app will treat as broken, nor red on one it accepts.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../src/policy/index.js";

const root = join(import.meta.dirname, "fixtures", "policies");
const schema = JSON.parse(readFileSync(join(import.meta.dirname, "..", "schema", "provenance.schema.json"), "utf8"));

/**
 * Fixtures the schema cannot judge: rejecting them needs knowledge across the document that
 * JSON Schema (draft-07) has no way to state. Each is checked below to be accepted by the
 * schema and rejected by the parser, so the list cannot silently grow stale.
 */
const SCHEMA_CANNOT_EXPRESS: Record<string, string> = {
  // A rule's `classes` entries must be keys of the top-level `classes` map: a cross-reference.
  "unknown-class-ref.yml": "a rule names a class that is not defined",
  // Uniqueness of one property across array items (`uniqueItems` compares whole items).
  "duplicate-rule-names.yml": "two rules share a name",
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

/**
 * What an editor does: read the YAML into plain data (the YAML layer itself rejects syntax
 * errors, duplicate keys, several documents and alias bombs), then apply the schema.
 */
function schemaAccepts(text: string): boolean {
  let data: unknown;
  try {
    data = parseYaml(text, { uniqueKeys: true, maxAliasCount: 100, logLevel: "error" });
  } catch {
    return false;
  }
  return validate(data) === true;
}

function fixtures(kind: "valid" | "invalid"): Array<[string, string]> {
  return readdirSync(join(root, kind))
    .filter((f) => f.endsWith(".yml"))
    .sort()
    .map((f) => [f, readFileSync(join(root, kind, f), "utf8")]);
}

const valid = fixtures("valid");
const invalid = fixtures("invalid");

describe("JSON Schema and parsePolicy agree", () => {
  it("has enough fixtures of both kinds", () => {
    expect(valid.length).toBeGreaterThanOrEqual(10);
    expect(invalid.length).toBeGreaterThanOrEqual(15);
    expect(valid.length + invalid.length).toBeGreaterThanOrEqual(25);
  });

  it.each(valid)("valid/%s: both accept", (_name, text) => {
    const parsed = parsePolicy(text);
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    expect(schemaAccepts(text), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(invalid.filter(([name]) => !(name in SCHEMA_CANNOT_EXPRESS)))("invalid/%s: both reject", (_name, text) => {
    const parsed = parsePolicy(text);
    expect(parsed.ok).toBe(false);
    expect(schemaAccepts(text)).toBe(false);
  });

  it.each(Object.keys(SCHEMA_CANNOT_EXPRESS))("invalid/%s: beyond the schema, only the parser rejects it", (name) => {
    const entry = invalid.find(([n]) => n === name);
    expect(entry, `fixture ${name} is missing`).toBeDefined();
    const text = entry![1];
    expect(parsePolicy(text).ok).toBe(false);
    expect(schemaAccepts(text)).toBe(true);
  });

  it("the schema is shipped with the package", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8"));
    expect(pkg.files).toContain("schema");
  });
});
