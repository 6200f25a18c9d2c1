/** The ledger's text, JSON, JSON Lines and CSV forms, and the exclude list (SPEC §9). Pure. */
import type { Ledger, LedgerFile } from "./model.js";
import type { ToolFilter } from "./origins.js";

export function ledgerJson(ledger: Ledger): string {
  return `${JSON.stringify(ledger, null, 2)}\n`;
}

export function ledgerJsonl(ledger: Ledger): string {
  return ledger.files.map((f) => `${JSON.stringify(f)}\n`).join("");
}

const CSV_COLUMNS = ["path", "classes", "lines", "ai_lines", "status", "tools", "commits"] as const;

/** RFC 4180 quoting; paths are kept exactly as they are, so a pipeline can match them. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function ledgerCsv(ledger: Ledger): string {
  const rows = [CSV_COLUMNS.join(",")];
  for (const f of ledger.files) {
    rows.push(
      [
        f.path,
        f.classes.join(" "),
        f.lines === null ? "" : String(f.lines),
        f.ai_lines === null ? "" : String(f.ai_lines),
        f.status,
        Object.entries(f.tools).map(([t, n]) => (n === null ? t : `${t}:${n}`)).join(" "),
        f.commits.map((c) => c.sha).join(" "),
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${rows.join("\r\n")}\r\n`;
}

/** Files with any line from a selected tool: one path a line, for a pipeline to filter on. */
export function excludeList(ledger: Ledger, selected: ToolFilter): string {
  return ledger.files
    .filter((f) => f.status !== "human" && Object.keys(f.tools).some(selected))
    .map((f) => `${f.path}\n`)
    .join("");
}

function share(ai: number, all: number): string {
  if (all === 0) return "0%";
  const p = (100 * ai) / all;
  return p > 0 && p < 1 ? "<1%" : `${Math.round(p)}%`;
}

function toolsText(f: LedgerFile): string {
  return Object.entries(f.tools).map(([t, n]) => (n === null ? t : `${t} ${n}`)).join(", ");
}

export function ledgerText(ledger: Ledger): string {
  const t = ledger.totals;
  const out: string[] = [];
  out.push(`Provenance ledger of ${ledger.repository} at ${ledger.revision.slice(0, 7)} (policy ${ledger.policy.path}${ledger.tools === "all" ? "" : `; tools: ${ledger.tools}`})`);
  out.push("");
  out.push(
    `${t.files} file${t.files === 1 ? "" : "s"} in scope: ${t.ai_files} all AI, ${t.mixed_files} mixed, ${t.files - t.ai_files - t.mixed_files} human; ` +
      `${t.ai_lines} of ${t.lines} lines AI (${share(t.ai_lines, t.lines)})`,
  );
  const tools = Object.entries(t.by_tool);
  if (tools.length > 0) out.push(`by tool: ${tools.map(([k, n]) => `${k} ${n}`).join(", ")}`);
  const classes = Object.entries(t.by_class);
  if (classes.length > 0) out.push(`by class: ${classes.map(([k, c]) => `${k} ${c.ai_lines}/${c.lines}`).join(", ")}`);
  const touched = ledger.files.filter((f) => f.status !== "human");
  if (touched.length > 0) {
    out.push("");
    const width = Math.min(60, Math.max(4, ...touched.map((f) => f.path.length)));
    out.push(`${"file".padEnd(width)}  ${"AI lines".padStart(14)}  status  tools`);
    for (const f of touched) {
      const lines = f.lines === null ? `whole (${f.whole})` : `${f.ai_lines}/${f.lines} ${share(f.ai_lines!, f.lines).padStart(4)}`;
      out.push(`${f.path.padEnd(width)}  ${lines.padStart(14)}  ${f.status.padEnd(6)}  ${toolsText(f)}`);
      for (const c of f.commits) {
        out.push(`${"".padEnd(width)}    ${c.sha.slice(0, 7)} ${c.lines === null ? "" : `${c.lines} lines `}${c.tools.join(",")} [${c.sources.join(",")}]`);
      }
    }
  }
  for (const w of ledger.warnings) out.push(`warning: ${w} (ignored)`);
  return `${out.join("\n")}\n`;
}
