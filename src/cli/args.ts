/** Flag parsing on `node:util` parseArgs (strict), with its errors turned into one-line UsageErrors. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export function parseFlags(command: string, args: string[], options: Options, allowPositionals: boolean): Parsed {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals, allowNegative: false });
    return { values: values as Parsed["values"], positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    if (typeof err.code === "string" && err.code.startsWith("ERR_PARSE_ARGS")) {
      // Node's messages carry a second sentence about `--`; the first one is what the user needs.
      const first = err.message.split(/\.\s/)[0].replace(/\.$/, "");
      throw new UsageError(`${command}: ${first} (see 'provenance-gate help ${command}')`);
    }
    throw e;
  }
}

export function stringFlag(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

/** A repeatable flag that also takes comma-separated lists: `--label a --label b,c`. */
export function listFlag(p: Parsed, name: string): string[] {
  const v = p.values[name];
  const raw = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return raw
    .flatMap((x) => String(x).split(","))
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

export type Format = "text" | "json" | "jsonl" | "markdown";

export function formatFlag(p: Parsed, command: string, allowed: readonly Format[]): Format {
  const v = stringFlag(p, "format") ?? "text";
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`${command}: --format must be one of ${allowed.join(", ")} (got "${v}")`);
  }
  return v as Format;
}

export const FORMAT_OPTION = { format: { type: "string" } } as const satisfies Options;
export const CONFIG_OPTION = { config: { type: "string" } } as const satisfies Options;
