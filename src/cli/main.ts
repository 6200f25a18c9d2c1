#!/usr/bin/env node
/**
 * `provenance-gate`: the command line. `run` is the whole program minus the process, so tests
 * drive it in-process; the bottom of the file wires it to the real process when run as a binary.
 */
import { readFileSync, realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { formatConfigError } from "../policy/errors.js";
import { GitError } from "../load/git/index.js";
import { auditCommand } from "./audit.js";
import { checkCommand } from "./check.js";
import { detectCommand } from "./detect.js";
import { ConfigFileError, UsageError } from "./errors.js";
import { evaluateCommand } from "./evaluate.js";
import { explainCommand } from "./explain.js";
import { ledgerCommand } from "./ledger.js";
import { COMMAND_HELP, OVERVIEW } from "./help.js";
import { EXIT_PASS, EXIT_USAGE, type CliIO } from "./io.js";
import { validateCommand } from "./validate.js";
import { nearest } from "../shared/did-you-mean.js";

export type { CliIO } from "./io.js";

type Command = (args: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  evaluate: evaluateCommand,
  validate: validateCommand,
  explain: explainCommand,
  detect: detectCommand,
  ledger: ledgerCommand,
  audit: auditCommand,
  demo: demoCommand,
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    return reportError(e, io);
  }
}

async function dispatch(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(OVERVIEW);
    return EXIT_USAGE;
  }
  if (first === "--help" || first === "-h") {
    io.stdout.write(OVERVIEW);
    return EXIT_PASS;
  }
  if (first === "--version" || first === "-V" || first === "version") {
    io.stdout.write(`${version()}\n`);
    return EXIT_PASS;
  }
  if (first === "help") {
    const topic = rest[0];
    if (topic === undefined) io.stdout.write(OVERVIEW);
    else if (COMMAND_HELP[topic]) io.stdout.write(COMMAND_HELP[topic]);
    else throw new UsageError(`help: unknown command "${topic}"${suggest(topic)}`);
    return EXIT_PASS;
  }
  const command = COMMANDS[first];
  if (!command) {
    throw new UsageError(first.startsWith("-") ? `unknown option "${first}" (a command comes first; see 'provenance-gate --help')` : `unknown command "${first}"${suggest(first)}`);
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(COMMAND_HELP[first]);
    return EXIT_PASS;
  }
  return command(rest, io);
}

function reportError(e: unknown, io: CliIO): number {
  if (e instanceof ConfigFileError) {
    for (const err of e.errors) io.stderr.write(`${formatConfigError(err)}\n`);
    io.stderr.write(`provenance-gate: error: ${e.message}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof UsageError || e instanceof GitError) {
    io.stderr.write(`provenance-gate: error: ${oneLine(e.message)}\n`);
    return EXIT_USAGE;
  }
  // A bug, not bad input: still one line, and the stack only on request.
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  io.stderr.write(`provenance-gate: error: unexpected ${oneLine(message)} (set PROVENANCE_GATE_DEBUG=1 for details)\n`);
  if (io.env.PROVENANCE_GATE_DEBUG === "1" && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  return EXIT_USAGE;
}

/**
 * Line breaks and the blanks around them become one space. Split first, then trim each piece:
 * a pattern like `\s*[\r\n]+\s*` retries every start in a long run of spaces (quadratic).
 */
export function oneLine(s: string): string {
  return s
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");
}

function suggest(word: string): string {
  const names = [...Object.keys(COMMANDS), "help"];
  const w = word.toLowerCase();
  const near = names.find((n) => n.startsWith(w) || w.startsWith(n)) ?? nearest(w, names);
  return near ? ` (did you mean "${near}"?)` : " (see 'provenance-gate --help')";
}


function version(): string {
  // Same relative path from src/cli (tests) and lib/cli (the built binary).
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** The sandbox demo is optional in a build: import it only when asked for. */
async function demoCommand(args: string[]): Promise<number> {
  const specifier = "../sandbox/demo.js";
  let mod: { runDemo?: (argv: string[]) => Promise<number> };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String((e as Error).message).includes("sandbox/demo")) {
      throw new UsageError("demo: the sandbox is not part of this build");
    }
    throw e;
  }
  if (typeof mod.runDemo !== "function") throw new UsageError("demo: the sandbox is not part of this build");
  return mod.runDemo(args);
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    // npm installs the binary as a symlink; compare real paths.
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isMain()) {
  // `provenance-gate detect | head` closes the pipe early; that is not an error worth a trace.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
  run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = EXIT_USAGE;
    },
  );
}
