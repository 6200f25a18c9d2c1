/** Totals over a ledger's files (SPEC §9), pure. */
import type { LedgerFile, LedgerTotals } from "./model.js";
import { uniqueSorted } from "../evaluate/order.js";

export function ledgerTotals(files: readonly LedgerFile[]): LedgerTotals {
  const totals: LedgerTotals = { files: files.length, ai_files: 0, mixed_files: 0, lines: 0, ai_lines: 0, by_tool: {}, by_class: {} };
  const byTool = new Map<string, number>();
  const byClass = new Map<string, LedgerTotals["by_class"][string]>();
  for (const f of files) {
    if (f.status === "ai") totals.ai_files++;
    if (f.status === "mixed") totals.mixed_files++;
    totals.lines += f.lines ?? 0;
    totals.ai_lines += f.ai_lines ?? 0;
    for (const [tool, n] of Object.entries(f.tools)) byTool.set(tool, (byTool.get(tool) ?? 0) + (n ?? 0));
    for (const c of f.classes) {
      const entry = byClass.get(c) ?? { files: 0, ai_files: 0, mixed_files: 0, lines: 0, ai_lines: 0 };
      entry.files++;
      if (f.status === "ai") entry.ai_files++;
      if (f.status === "mixed") entry.mixed_files++;
      entry.lines += f.lines ?? 0;
      entry.ai_lines += f.ai_lines ?? 0;
      byClass.set(c, entry);
    }
  }
  totals.by_tool = Object.fromEntries(uniqueSorted(byTool.keys()).map((t) => [t, byTool.get(t)!]));
  totals.by_class = Object.fromEntries(uniqueSorted(byClass.keys()).map((c) => [c, byClass.get(c)!]));
  return totals;
}
