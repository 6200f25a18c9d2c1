/**
 * Classification throughput: 3,000 paths against a policy of 200 patterns, through the same
 * `compileClassifier` the evaluator uses. Best of N runs, so the figure is the code's cost rather
 * than the machine's noise.
 */
import { compileClassifier } from "../evaluate/classify.js";
import { parsePolicy } from "../policy/index.js";

export interface ClassificationResult {
  paths: number;
  patterns: number;
  runs: number;
  /** Compiling the 200 patterns (a fresh policy each run, so the cache does not hide it). */
  compile_ms: number;
  /** Classifying every path once, with the compiled classifier. */
  classify_ms: number;
  paths_per_sec: number;
}

export function benchPolicyYaml(classes = 20, perClass = 10): string {
  const lines = ["version: 1", "classes:"];
  for (let c = 0; c < classes; c++) {
    lines.push(`  c${c}:`);
    for (let p = 0; p < perClass; p++) {
      const kind = (c * perClass + p) % 5;
      const pattern = [`evals/suite${c}/task${p}/**`, `data/part${c}/**/*.csv`, `**/shard${c}-${p}.parquet`, `benchmarks/b${c}/**/tasks/t${p}*.json`, `!data/part${c}/README.md`][kind];
      lines.push(`    - "${pattern}"`);
    }
  }
  lines.push("rules:", "  - name: r", `    classes: [${Array.from({ length: classes }, (_, c) => `c${c}`).join(", ")}]`);
  return lines.join("\n") + "\n";
}

export function benchPaths(n = 3000): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 23;
    const p = i % 11;
    out.push(
      [`evals/suite${c}/task${p}/case${i}.yaml`, `data/part${c}/x/y/rows${i}.csv`, `lake/z/shard${c}-${p}.parquet`, `benchmarks/b${c}/v2/tasks/t${p}-${i}.json`, `src/module${c}/file${i}.ts`, `Data/Part${c}/README.md`][i % 6],
    );
  }
  return out;
}

export function measureClassification(runs = 7): ClassificationResult {
  const yaml = benchPolicyYaml();
  const paths = benchPaths();
  let compile = Infinity;
  let classify = Infinity;
  let sink = 0;
  for (let r = 0; r < runs; r++) {
    const parsed = parsePolicy(yaml);
    if (!parsed.ok) throw new Error("bench policy does not parse: " + JSON.stringify(parsed.errors[0]));
    const t0 = performance.now();
    const classifier = compileClassifier(parsed.policy);
    classifier("warm/up.txt");
    const t1 = performance.now();
    for (const p of paths) sink += classifier(p).length;
    const t2 = performance.now();
    compile = Math.min(compile, t1 - t0);
    classify = Math.min(classify, t2 - t1);
  }
  if (sink === 0) throw new Error("bench paths matched no class: the measurement would be meaningless");
  return {
    paths: paths.length,
    patterns: 200,
    runs,
    compile_ms: round(compile),
    classify_ms: round(classify),
    paths_per_sec: Math.round(paths.length / (classify / 1000)),
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
