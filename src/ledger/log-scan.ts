/**
 * An incremental reader of `git log -z --name-status -M --format=LEDGER_LOG_FORMAT`: fed chunks
 * of output, it emits one commit at a time, so memory stays flat however long the history.
 *
 * Each record is `\x01%H\0%P\0%an\0%ae\0%cn\0%ce\0%B\0`, then (after git's own separator) the
 * name-status entries `X\0path\0` or `R100\0old\0new\0`. Fields are read by position, never by
 * content, so a message or a path holding `\x01` cannot shift them.
 */
import { StringDecoder } from "node:string_decoder";
import { identity } from "../load/git/parse.js";
import type { SnapshotCommit } from "../model/snapshot.js";
import { GitError } from "../load/git/run-git.js";

export const LEDGER_LOG_FORMAT = "%x01%H%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%B%x00";

export interface ScannedCommit {
  commit: SnapshotCommit;
  merge: boolean;
  /** Paths changed (both sides of a rename); empty for a merge, which git log shows no diff for. */
  paths: string[];
  renames: [from: string, to: string][];
}

const STATUS = /^[ACDMRTUXB]\d*$/;
const HEADER_FIELDS = 7;

export class LogScanner {
  private readonly decoder = new StringDecoder("utf8");
  private rest = "";
  private fields: string[] = [];
  private current: ScannedCommit | undefined;
  private pending: { code: string; paths: string[] } | undefined;

  constructor(private readonly emit: (c: ScannedCommit) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === "string" ? chunk : this.decoder.write(chunk));
    const tokens = text.split("\0");
    this.rest = tokens.pop()!;
    for (const token of tokens) this.token(token);
  }

  end(): void {
    const tail = this.rest + this.decoder.end();
    this.rest = "";
    if (tail !== "" && tail !== "\n") this.token(tail);
    if (this.fields.length > 0) throw new GitError("truncated `git log` output");
    this.flush();
  }

  private token(raw: string): void {
    if (this.fields.length > 0 || (this.current === undefined && this.pending === undefined && raw.replace(/^\n+/, "").startsWith("\u0001"))) {
      this.header(raw);
      return;
    }
    if (this.pending) {
      this.pending.paths.push(raw);
      const want = /^[RC]/.test(this.pending.code) ? 2 : 1;
      if (this.pending.paths.length === want) this.entry(this.pending.code, this.pending.paths);
      return;
    }
    const t = raw.replace(/^\n+/, "");
    if (t === "") return;
    if (t.startsWith("\u0001")) {
      this.flush();
      this.header(raw);
      return;
    }
    if (!STATUS.test(t)) throw new GitError(`unexpected \`git log\` output near "${t.slice(0, 20)}"`);
    this.pending = { code: t, paths: [] };
  }

  private header(raw: string): void {
    this.fields.push(this.fields.length === 0 ? raw.replace(/^\n*\u0001/, "") : raw);
    if (this.fields.length < HEADER_FIELDS) return;
    const [sha, parents, an, ae, cn, ce, message] = this.fields;
    this.fields = [];
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new GitError(`unexpected \`git log\` output near "${sha.slice(0, 20)}"`);
    this.current = {
      commit: { sha, message: message.replace(/\n+$/, ""), author: identity(an, ae), committer: identity(cn, ce) },
      merge: parents.split(" ").filter(Boolean).length > 1,
      paths: [],
      renames: [],
    };
  }

  private entry(code: string, paths: string[]): void {
    this.pending = undefined;
    const c = this.current;
    if (!c) throw new GitError("`git log` output: a file entry before any commit");
    if (code.startsWith("R")) {
      c.paths.push(paths[0], paths[1]);
      c.renames.push([paths[0], paths[1]]);
    } else c.paths.push(paths[paths.length - 1]);
  }

  private flush(): void {
    if (this.pending) throw new GitError("truncated `git log` name-status output");
    if (this.current) this.emit(this.current);
    this.current = undefined;
  }
}
