/**
 * `ledger --format html`: one self-contained page (SPEC §9). Everything is rendered here, into
 * the page; the only script toggles a file's detail row. A Content-Security-Policy that allows
 * no fetch of any kind makes "no network" a property of the page, not a promise. Every path and
 * evidence string is written by whoever pushed it, so all text is escaped.
 */
import type { Ledger, LedgerFile } from "./model.js";

const PALETTE = ["#d9485f", "#3b82c4", "#e0a526", "#7a5cc2", "#2f9e6e", "#e86f2d", "#c2418f", "#5b6b7a"];

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function pct(ai: number, all: number): string {
  if (all === 0) return "0%";
  const p = (100 * ai) / all;
  return p > 0 && p < 1 ? "<1%" : `${Math.round(p)}%`;
}

interface Bucket {
  name: string;
  lines: number;
  ai: number;
  tools: Map<string, number>;
  files: number;
}

/** Folders two levels deep (`evals/tasks`), where a data team thinks about its sets. */
export function folderOf(path: string): string {
  const parts = path.split("/");
  return parts.length <= 1 ? "(root)" : parts.slice(0, Math.min(2, parts.length - 1)).join("/");
}

function buckets(files: readonly LedgerFile[], keys: (f: LedgerFile) => string[]): Bucket[] {
  const map = new Map<string, Bucket>();
  for (const f of files) {
    for (const k of keys(f)) {
      const b = map.get(k) ?? { name: k, lines: 0, ai: 0, tools: new Map(), files: 0 };
      b.files++;
      b.lines += f.lines ?? 0;
      b.ai += f.ai_lines ?? 0;
      for (const [t, n] of Object.entries(f.tools)) b.tools.set(t, (b.tools.get(t) ?? 0) + (n ?? 0));
      map.set(k, b);
    }
  }
  return [...map.values()].sort((a, b) => b.ai - a.ai || (a.name < b.name ? -1 : 1));
}

function barRow(b: Bucket, colour: (t: string) => string, kind: string): string {
  const total = Math.max(1, b.lines);
  const segments = [...b.tools]
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `<span class="seg" style="width:${((100 * n) / total).toFixed(3)}%;background:${colour(t)}" title="${esc(t)}: ${n} lines"></span>`)
    .join("");
  return `<div class="bar-row" data-${kind}="${esc(b.name)}" data-ai-lines="${b.ai}" data-lines="${b.lines}"><span class="bar-label">${esc(b.name)}</span><span class="bar">${segments}</span><span class="bar-num">${b.ai} / ${b.lines} <small>${pct(b.ai, b.lines)}</small></span></div>`;
}

function fileRows(f: LedgerFile, i: number, colour: (t: string) => string): string {
  const lines = f.lines === null ? `<i>binary</i>` : String(f.lines);
  const ai = f.ai_lines === null ? (f.status === "ai" ? "whole" : "–") : String(f.ai_lines);
  const total = f.lines ?? 0;
  const shares = Object.entries(f.tools)
    .map(([t, n]) => `<span class="chip" style="border-color:${colour(t)}"><b style="background:${colour(t)}"></b>${esc(t)} ${n === null ? "whole file" : pct(n, total)}</span>`)
    .join(" ");
  const commits = f.commits.length
    ? f.commits
        .map(
          (c) =>
            `<li><code>${esc(c.sha.slice(0, 12))}</code> ${c.lines === null ? "whole file" : `${c.lines} line${c.lines === 1 ? "" : "s"}`}` +
            (c.ranges.length ? ` (lines ${c.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(", ")})` : "") +
            ` · ${c.tools.map(esc).join(", ")} · <span class="src">${c.sources.map(esc).join(", ")}</span>` +
            `<ul class="evidence">${c.evidence.map((e) => `<li>${esc(e)}</li>`).join("")}</ul></li>`,
        )
        .join("")
    : "<li>No AI lines.</li>";
  return (
    `<tr class="file status-${f.status}" data-path="${esc(f.path)}" data-ai-lines="${f.ai_lines ?? ""}" data-lines="${f.lines ?? ""}" aria-expanded="false" aria-controls="d${i}" tabindex="0">` +
    `<td class="path"><span class="caret">▸</span> ${esc(f.path)}</td><td>${f.classes.map(esc).join(", ")}</td><td class="num">${lines}</td><td class="num">${ai}</td>` +
    `<td class="num">${f.lines ? pct(f.ai_lines ?? 0, f.lines) : f.status === "ai" ? "100%" : "0%"}</td><td>${shares}</td><td>${f.status}</td></tr>` +
    `<tr class="detail" id="d${i}" hidden><td colspan="7"><ul class="commits">${commits}</ul></td></tr>`
  );
}

export function ledgerHtml(ledger: Ledger): string {
  const t = ledger.totals;
  const tools = Object.keys(t.by_tool);
  const colour = (tool: string) => PALETTE[Math.max(0, tools.indexOf(tool)) % PALETTE.length];
  const touched = ledger.files.filter((f) => f.status !== "human");
  const human = ledger.files.length - touched.length;
  const byClass = buckets(ledger.files, (f) => f.classes);
  const byFolder = buckets(ledger.files, (f) => [folderOf(f.path)]).slice(0, 30);
  const legend = tools.map((tool) => `<span class="chip" style="border-color:${colour(tool)}"><b style="background:${colour(tool)}"></b>${esc(tool)} <span data-tool-lines="${esc(tool)}">${t.by_tool[tool]}</span></span>`).join(" ");
  const sorted = [...touched].sort((a, b) => (b.ai_lines ?? 0) - (a.ai_lines ?? 0) || (a.path < b.path ? -1 : 1));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Provenance ledger · ${esc(ledger.repository)} @ ${esc(ledger.revision.slice(0, 7))}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#1d2430;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:28px 0 8px}.meta{color:#5b6472;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #d8dde5;border-radius:8px;padding:10px 14px;min-width:130px}
.card b{display:block;font-size:22px}.card > span{color:#5b6472}
.bar-row{display:grid;grid-template-columns:220px 1fr 150px;gap:10px;align-items:center;margin:4px 0}
.bar-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.bar{display:flex;height:14px;background:#e9edf2;border-radius:3px;overflow:hidden}
.seg{display:block;height:100%}.bar-num{font-variant-numeric:tabular-nums;text-align:right}
.chip{display:inline-flex;align-items:center;gap:4px;border:1px solid;border-radius:10px;padding:0 7px;font-size:12px;white-space:nowrap}
.chip b{width:8px;height:8px;border-radius:50%;display:inline-block}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e9ee;vertical-align:top}
th{font-weight:600;color:#5b6472}.num{text-align:right;font-variant-numeric:tabular-nums}
tr.file{cursor:pointer}tr.file:hover{background:#f4f6f9}tr.file[aria-expanded=true] .caret{display:inline-block;transform:rotate(90deg)}
.status-ai td:last-child{color:#b3263d;font-weight:600}.status-mixed td:last-child{color:#a06800}
.path{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;word-break:break-all}
.detail td{background:#fafbfc}.commits{margin:0;padding-left:18px}.evidence{color:#5b6472;font-size:12px;margin:2px 0 8px}
.src{color:#3b5a80}code{font-size:12px}
</style></head><body>
<h1>Provenance ledger</h1>
<p class="meta">${esc(ledger.repository)} at <code data-revision>${esc(ledger.revision)}</code> · policy ${esc(ledger.policy.path)}${ledger.policy.blob ? ` (blob ${esc(ledger.policy.blob.slice(0, 7))})` : ""} · tools: ${esc(ledger.tools)}</p>
<div class="cards">
<div class="card"><b data-total="files">${t.files}</b><span>files in scope</span></div>
<div class="card"><b data-total="ai_files">${t.ai_files}</b><span>all AI</span></div>
<div class="card"><b data-total="mixed_files">${t.mixed_files}</b><span>mixed</span></div>
<div class="card"><b data-total="human_files">${human}</b><span>human</span></div>
<div class="card"><b><span data-total="ai_lines">${t.ai_lines}</span> / <span data-total="lines">${t.lines}</span></b><span>AI lines (${pct(t.ai_lines, t.lines)})</span></div>
</div>
<h2>Where the AI lines are</h2>
<p>${legend || "No AI lines."}</p>
<h3>By class</h3>
<div class="bars" id="by-class">${byClass.map((b) => barRow(b, colour, "class")).join("\n")}</div>
<h3>By folder</h3>
<div class="bars" id="by-folder">${byFolder.map((b) => barRow(b, colour, "folder")).join("\n")}</div>
<h2>Files with AI lines (${touched.length})</h2>
<table id="files"><thead><tr><th>file</th><th>classes</th><th class="num">lines</th><th class="num">AI lines</th><th class="num">share</th><th>by tool</th><th>status</th></tr></thead>
<tbody>${sorted.map((f, i) => fileRows(f, i, colour)).join("\n")}</tbody></table>
${ledger.warnings.length ? `<h2>Warnings</h2><ul>${ledger.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : ""}
<script>
for (const row of document.querySelectorAll("tr.file")) {
  const toggle = () => {
    const detail = document.getElementById(row.getAttribute("aria-controls"));
    const open = row.getAttribute("aria-expanded") !== "true";
    row.setAttribute("aria-expanded", String(open));
    detail.hidden = !open;
  };
  row.addEventListener("click", toggle);
  row.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
}
</script>
</body></html>
`;
}
