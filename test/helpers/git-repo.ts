/**
 * Throwaway git repositories for the git-loader and CLI tests: fixed dates and identities, and no
 * influence from the machine's own git configuration.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface Person {
  name: string;
  email: string;
}

export const ALICE: Person = { name: "Alice", email: "1234+alice@users.noreply.github.com" };
export const BOB: Person = { name: "Bob", email: "bob@acme.example" };

/** An environment that ignores the user's and the system's git config. */
export const GIT_ENV: Record<string, string | undefined> = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
};

export class TestRepo {
  readonly dir: string;
  private tick = 0;

  constructor(branch: string | null = "main") {
    this.dir = mkdtempSync(join(tmpdir(), "provenance-gate-"));
    if (branch === null) return;
    this.git("init", "-q", "-b", branch);
    // Written directly rather than by three `git config` processes: the suite makes hundreds of
    // repositories, and each process costs tens of milliseconds on a loaded 2-core machine.
    appendFileSync(join(this.dir, ".git", "config"), `[user]\n\tname = ${ALICE.name}\n\temail = ${ALICE.email}\n[commit]\n\tgpgsign = false\n`);
  }

  /**
   * An independent copy of this repository (work tree, index and history), for tests that start
   * from the same history: copying files is far cheaper than replaying the commits through git.
   */
  copy(): TestRepo {
    const twin = new TestRepo(null);
    cpSync(this.dir, twin.dir, { recursive: true });
    twin.tick = this.tick;
    return twin;
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, env: { ...GIT_ENV, ...this.dateEnv() }, encoding: "utf8" });
  }

  write(path: string, content: string): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  /** Commits everything in the work tree; each commit is one minute after the previous one. */
  commit(message: string, opts: { author?: Person; committer?: Person } = {}): string {
    this.tick++;
    const author = opts.author ?? ALICE;
    const committer = opts.committer ?? author;
    this.git("add", "-A");
    execFileSync("git", ["commit", "-q", "--allow-empty", "-F", "-"], {
      cwd: this.dir,
      input: message,
      env: {
        ...GIT_ENV,
        ...this.dateEnv(),
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
      },
    });
    return this.head();
  }

  /** HEAD's commit, read from the refs git just wrote (no process); rev-parse if they are packed. */
  private head(): string {
    const gitDir = join(this.dir, ".git");
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    if (!head.startsWith("ref: ")) return head;
    const ref = join(gitDir, head.slice("ref: ".length));
    return existsSync(ref) ? readFileSync(ref, "utf8").trim() : this.git("rev-parse", "HEAD").trim();
  }

  /** The committer date of the latest commit made through `commit`. */
  date(tick = this.tick): string {
    return new Date(Date.UTC(2026, 10, 20, 10, tick, 0)).toISOString().replace(".000Z", "Z");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private dateEnv(): Record<string, string> {
    const d = this.date();
    return { GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d };
  }
}
