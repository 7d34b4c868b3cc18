// ROUGE and abnormality mentions of systems' impressions against the reference impressions:
//
//   npm run eval -- [--cases FILE.csv] [--split test|dev|train|all] [--model FILE.gguf|none]
//                   [--adapter FILE.gguf[:SCALE]]… [--system NAME=OUTPUTS.csv|.jsonl]… [--limit N] [--out FILE.csv]
//
// Cases: a CSV with uid, findings and impression columns (default: the OpenI reports), filtered to
// one split of the fixed uid rule (scripts/lib/openi-split.ts; default: test). Systems: the model (default
// models/radiology-mini.gguf, generated here with node-llama-cpp and SecondRead's default template
// and settings), three baselines — the constant "No acute cardiopulmonary abnormality.", TF-IDF
// retrieval from the training split, the findings copied — and any outputs CSV (case id, text).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { extractOutputs, guessOutputMapping, parseTable } from "../lib/tables/tables.ts";
import { formatTables, scoreSystem, type SystemScores } from "./lib/evaluation.ts";
import { LlamaEngine } from "../lib/generation/llm.ts";
import { buildLlamaConfig } from "../lib/systems/systems.ts";
import { readReports, type Report } from "./lib/openi-split.ts";
import { retrieveImpressions } from "../lib/systems/tfidf.ts";
import { csvField } from "../lib/results/export.ts";
import { normalizeText } from "../lib/platform/text.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const CONSTANT = "No acute cardiopulmonary abnormality.";

function args() {
  const argv = process.argv.slice(2);
  const all = (name: string) => argv.flatMap((a, i) => (a === name && argv[i + 1] ? [argv[i + 1]!] : []));
  const one = (name: string) => all(name).at(-1);
  const split = one("--split") ?? "test";
  if (!["test", "dev", "train", "all"].includes(split))
    throw new Error(`--split must be test, dev, train or all, not "${split}".`);
  const limit = one("--limit") ? Number(one("--limit")) : Infinity;
  if (!(limit > 0)) throw new Error("--limit must be a positive number.");
  return {
    cases: path.resolve(one("--cases") ?? path.join(ROOT, "prisma", "demo", "indiana_reports.csv")),
    split,
    limit,
    model: one("--model") ?? "radiology-mini.gguf",
    adapters: all("--adapter").map((a) => {
      const [file, scale] = a.split(":");
      return { file: file!, scale: scale ? Number(scale) : 1 };
    }),
    systems: all("--system").map((s) => {
      const i = s.indexOf("=");
      if (i < 1) throw new Error(`--system needs NAME=FILE.csv, not "${s}".`);
      return { name: s.slice(0, i), file: path.resolve(s.slice(i + 1)) };
    }),
    out: one("--out"),
  };
}

/** Another system's outputs: CSV or JSONL, read like an imported system's file (lib/tables/tables.ts). */
function readOutputs(file: string): Map<string, string> {
  const table = parseTable(fs.readFileSync(file), { fileName: file, maxBytes: 100 * 1024 * 1024 });
  const { sourceId, text } = guessOutputMapping(table.columns);
  if (!sourceId || !text)
    throw new Error(
      `${file}: needs a case id column (e.g. uid) and a text column (e.g. output); found ${table.columns.join(", ")}.`,
    );
  return new Map(extractOutputs(table, { sourceId, text }).outputs.map((o) => [o.sourceId, normalizeText(o.text)]));
}

async function generate(model: string, adapters: { file: string; scale: number }[], cases: Report[]) {
  const config = await buildLlamaConfig({ model, adapters });
  const parallel = Math.max(1, Math.min(4, os.availableParallelism()));
  const engine = await LlamaEngine.load(config, parallel);
  const out = new Map<string, string>();
  let eos = 0,
    tokens = 0,
    done = 0;
  const started = performance.now();
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < cases.length) {
          const c = cases[next++]!;
          const g = await engine.generate(c);
          out.set(c.uid, g.text);
          if (g.stopReason === "eogToken") eos++;
          tokens += g.tokensOut;
          if (++done % 50 === 0) process.stderr.write(`  ${done}/${cases.length} generated\n`);
        }
      }),
    );
  } finally {
    await engine.dispose();
  }
  const s = (performance.now() - started) / 1000;
  const note = `${path.basename(model)}: stopped by itself (EOS) in ${eos} of ${cases.length} cases; ${(tokens / cases.length).toFixed(1)} tokens per impression; ${s.toFixed(0)} s`;
  return { out, note, eos, tokensPerImpression: tokens / cases.length };
}

export type EvalOptions = {
  cases: string;
  split: string;
  limit: number;
  model: string;
  adapters: { file: string; scale: number }[];
  systems: { name: string; file: string }[];
};

/** Scores the model, the three baselines and any outputs files on the chosen cases. */
export async function runEvaluation(a: EvalOptions) {
  const reports = readReports(a.cases);
  const cases = reports.filter((r) => a.split === "all" || r.split === a.split).slice(0, a.limit);
  if (!cases.length) throw new Error(`${a.cases}: no cases with findings and impression in split "${a.split}".`);
  const systems: { name: string; outputs: Map<string, string> }[] = [];
  const notes: string[] = [];
  let stops: { eos: number; tokensPerImpression: number } | null = null;
  if (a.model !== "none") {
    const { out, note, eos, tokensPerImpression } = await generate(a.model, a.adapters, cases);
    systems.push({ name: path.basename(a.model, ".gguf"), outputs: out });
    notes.push(note);
    stops = { eos, tokensPerImpression };
  }
  systems.push({ name: "constant normal", outputs: new Map(cases.map((c) => [c.uid, CONSTANT])) });
  // Retrieval from the training split; on "all", from the other cases (leave one out).
  const library = (a.split === "all" ? reports : reports.filter((r) => r.split === "train")).map((r) => ({
    id: r.uid,
    findings: r.findings,
    impression: r.impression,
  }));
  const hits = retrieveImpressions(
    cases.map((c) => ({ id: c.uid, findings: c.findings })),
    library,
    { leaveOneOut: true },
  );
  systems.push({ name: "TF-IDF retrieval", outputs: new Map([...hits].map(([id, h]) => [id, h.impression])) });
  systems.push({ name: "copy findings", outputs: new Map(cases.map((c) => [c.uid, normalizeText(c.findings)])) });
  for (const s of a.systems) systems.push({ name: s.name, outputs: readOutputs(s.file) });

  const evalCases = cases.map((c) => ({ id: c.uid, reference: c.impression }));
  const results: { system: string; scores: SystemScores }[] = systems.map((s) => ({
    system: s.name,
    scores: scoreSystem(evalCases, s.outputs),
  }));
  return { cases, systems, results, notes, stops };
}

async function main() {
  const a = args();
  const { cases, systems, results, notes } = await runEvaluation(a);
  console.log(
    `${path.basename(a.cases)}, split ${a.split}: ${cases.length} cases. ROUGE F1, no stemming (see models/README.md).\n`,
  );
  console.log(formatTables(results));
  for (const n of notes) console.log(`\n${n}`);
  if (a.out) {
    const lines = ["uid,system,output,reference"];
    for (const c of cases)
      for (const s of systems)
        lines.push([c.uid, s.name, s.outputs.get(c.uid) ?? "", c.impression].map(csvField).join(","));
    fs.writeFileSync(a.out, `${lines.join("\n")}\n`);
    console.log(`\nOutputs written to ${a.out}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
