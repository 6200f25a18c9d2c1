/**
 * `npm run bench -- --window`: the second-pull-request window. Pull request 1 from branch `b`
 * into `scratch` (no policy) is green on head X; pull request 2 from `b` into `main` (a policy)
 * is opened. Until the app has written a run for pull request 2 on X, X's newest run is pull
 * request 1's `success`, and GitHub's required check on `main` reads that one. Measured: the time
 * from sending pull request 2's `opened` to the first run for pull request 2 on X (it is never
 * green: the merge is held from then on), and to its completed result, with and without a backlog
 * of other pull requests' evaluations queued in the same installation. The app runs in its own
 * process with the client as shipped (throttling on: one GraphQL query or write a second per
 * installation), which is where a backlog waits.
 */
import { Sandbox } from "../sandbox/sandbox.js";
import { DEMO_POLICY } from "../sandbox/story.js";
import { startAppProcess } from "./app-process.js";
import { scenarioCommits, SCENARIOS } from "./scenarios.js";

export interface WindowFigures {
  backlog: number;
  runs: number;
  /** `opened` sent → the first run for pull request 2 on X (ms). */
  held_median_ms: number;
  held_p95_ms: number;
  /** `opened` sent → pull request 2's completed result on X (ms). */
  result_median_ms: number;
  result_p95_ms: number;
  /** The newest run on X when pull request 2's first run landed. */
  first_status: string;
}

export interface WindowResult {
  without_backlog: WindowFigures;
  with_backlog: WindowFigures;
}

const REPO = "bench/window";
/** How long one measurement may take on a loaded machine before the bench gives up. */
const BOUND_MS = 180_000;

export async function measureWindow(quick: boolean, progress: (s: string) => void): Promise<WindowResult> {
  const sandbox = await Sandbox.start();
  sandbox.addUser("alice", { name: "Alice", email: "alice@acme.example" });
  sandbox.addUser("carol", { name: "Carol", email: "carol@acme.example" });
  sandbox.createRepo({ repo: REPO, files: { ".provenance.yml": DEMO_POLICY, "README.md": "x\n" }, collaborators: { alice: "write", carol: "write" } });
  const r = sandbox.repo(REPO);
  r.branches.set("scratch", r.branches.get("main")!);
  await sandbox.setBaseFile(REPO, ".provenance.yml", null, { branch: "scratch" });
  const app = await startAppProcess(sandbox, { throttle: true });
  const typical = SCENARIOS.find((s) => s.name === "10f-5c-ai")!;
  let seq = 0;
  try {
    // Warm-up: the installation token, the app's identity and the JIT, which a running app already has.
    await once(sandbox, typical, ++seq, 0);
    const runs = quick ? 2 : 5;
    const backlog = quick ? 4 : 6;
    const measure = async (queued: number) => {
      progress(`bench: window, ${runs} runs with ${queued} other evaluations queued…`);
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) samples.push(await once(sandbox, typical, ++seq, queued));
      return figures(queued, samples);
    };
    return { without_backlog: await measure(0), with_backlog: await measure(backlog) };
  } finally {
    await app.stop();
    await sandbox.close();
  }

  async function once(sb: Sandbox, s: typeof typical, n: number, queued: number): Promise<Sample> {
    // Pull request 1: `w<n>` into `scratch`, green on X.
    const head = `w${n}`;
    const lenient = await sb.openPullRequest(REPO, { author: "carol", head, base: "scratch", commits: scenarioCommits(s, `w${n}`) });
    const first = await sb.waitForCheckRun(REPO, lenient.head_sha, (run) => run.status === "completed", BOUND_MS);
    if (first.conclusion !== "success") throw new Error(`pull request 1 into scratch posted ${first.conclusion}, not success`);
    await sb.waitForIdle(BOUND_MS);
    // The backlog: other pull requests' `opened`, delivered before pull request 2's.
    const others = [];
    for (let k = 0; k < queued; k++) others.push(await sb.openPullRequest(REPO, { author: "carol", head: `w${n}-other${k}`, deliver: false, commits: scenarioCommits(s, `w${n}o${k}`) }));
    const strict = await sb.openPullRequest(REPO, { author: "carol", head, base: "main", deliver: false, commits: [] });
    if (strict.head_sha !== lenient.head_sha) throw new Error("pull request 2 does not share pull request 1's head");
    const deliveries = others.map((o) => sb.deliver("pull_request", sb.pullRequestEvent(REPO, o.number, "opened")));
    // Pull request 2's delivery is sent once the backlog's are on their way, as GitHub would send them.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ours = (run: { external_id: string | null }) => run.external_id === String(strict.number);
    const t0 = performance.now();
    deliveries.push(sb.deliver("pull_request", sb.pullRequestEvent(REPO, strict.number, "opened")));
    const held = await sb.waitForCheckRun(REPO, strict.head_sha, ours, BOUND_MS);
    const heldMs = performance.now() - t0;
    const firstStatus = held.status === "completed" ? (held.conclusion ?? "completed") : held.status;
    await sb.waitForCheckRun(REPO, strict.head_sha, (run) => ours(run) && run.status === "completed", BOUND_MS);
    const resultMs = performance.now() - t0;
    for (const d of await Promise.all(deliveries)) if (d.status >= 300) throw new Error(`the app answered ${d.status} to a delivery`);
    for (const o of others) await sb.waitForCheckRun(REPO, o.head_sha, (run) => run.status === "completed", BOUND_MS);
    await sb.waitForIdle(BOUND_MS);
    return { heldMs, resultMs, firstStatus };
  }
}

interface Sample {
  heldMs: number;
  resultMs: number;
  firstStatus: string;
}

function figures(backlog: number, samples: Sample[]): WindowFigures {
  const held = samples.map((s) => s.heldMs);
  const result = samples.map((s) => s.resultMs);
  return {
    backlog,
    runs: samples.length,
    held_median_ms: Math.round(percentile(held, 50)),
    held_p95_ms: Math.round(percentile(held, 95)),
    result_median_ms: Math.round(percentile(result, 50)),
    result_p95_ms: Math.round(percentile(result, 95)),
    first_status: [...new Set(samples.map((s) => s.firstStatus))].join("/"),
  };
}

/** Nearest-rank percentile: with few runs, p95 is the slowest. */
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export function renderWindow(w: WindowResult): string {
  const rows = [w.without_backlog, w.with_backlog].map((f) =>
    `  ${String(f.backlog).padStart(2)} queued  ${String(f.runs).padStart(2)} runs   first run for PR 2 on X (${f.first_status}): median ${f.held_median_ms} ms, p95 ${f.held_p95_ms} ms   its result: median ${f.result_median_ms} ms, p95 ${f.result_p95_ms} ms`,
  );
  return ["Second-pull-request window (opened sent → a run for PR 2 on the shared head; throttling as shipped):", ...rows].join("\n");
}
