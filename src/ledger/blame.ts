/**
 * `git blame --incremental` output, read into groups: a run of `count` lines of the file at the
 * revision (from `final`) that came from `sha`, where they were lines `orig…` of `filename`.
 * Incremental output carries no line contents, so it stays small for large files.
 */
export interface BlameGroup {
  sha: string;
  orig: number;
  final: number;
  count: number;
  /** The path in `sha` the lines were at (blame follows renames). */
  filename: string;
}

const HEADER = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) (\d+) (\d+) (\d+)$/;

export function parseIncrementalBlame(output: string): BlameGroup[] {
  const groups: BlameGroup[] = [];
  let open: Omit<BlameGroup, "filename"> | undefined;
  for (const line of output.split("\n")) {
    const m = HEADER.exec(line);
    if (m) {
      open = { sha: m[1], orig: Number(m[2]), final: Number(m[3]), count: Number(m[4]) };
    } else if (open && line.startsWith("filename ")) {
      groups.push({ ...open, filename: unquote(line.slice("filename ".length)) });
      open = undefined;
    }
  }
  return groups.sort((a, b) => a.final - b.final);
}

const ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", '"': '"', "\\": "\\" };

/** git's C-style quoting of unusual paths (`"dir/\303\251.txt"`). */
export function unquote(path: string): string {
  if (!(path.length >= 2 && path.startsWith('"') && path.endsWith('"'))) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(ESCAPES[next] ?? next, "utf8"));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
