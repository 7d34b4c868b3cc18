// Retrains the bundled radiology-mini model from scratch and ships it:
//
//   npm run train [-- --steps N] [--out DIR]     (default: models/)
//
// 1. Splits the OpenI reports by uid (scripts/lib/openi-split.ts) and writes the train and dev splits as
//    prompts rendered with SecondRead's default template (lib/systems/llm-config.ts) — the test split is
//    never written here.
// 2. Runs models/training/train.py with Debian's /usr/bin/python3 (python3-torch,
//    python3-sentencepiece, libopenblas0-openmp): tokenizer + network, fixed seed.
// 3. Writes models/radiology-mini.gguf with the project's GGUF writer (Q8_0 matrices, F32 norms),
//    checks that llama.cpp tokenizes like SentencePiece did in training, evaluates the model on the
//    test split (scripts/lib/evaluation.ts) and writes the description file with the training card.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { encodeGguf, llamaModelMetadata, type GgufTensor } from "./lib/gguf-writer.ts";
import { DEFAULT_TEMPLATE, renderPrompt } from "../lib/systems/llm-config.ts";
import { readReports, splitOf } from "./lib/openi-split.ts";
import { formatTables } from "./lib/evaluation.ts";
import { runEvaluation } from "./eval.ts";
import { rereadEnv } from "../lib/platform/env.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
export const REPORTS_CSV = path.join(ROOT, "prisma", "demo", "indiana_reports.csv");
export const MODEL_NAME = "radiology-mini";
const PYTHON = "/usr/bin/python3";
const APT = "python3-torch python3-sentencepiece libopenblas0-openmp";

type Hp = {
  vocab: number;
  embd: number;
  layers: number;
  heads: number;
  ffn: number;
  ctx: number;
  rope_base: number;
  eps: number;
};
type WeightsIndex = { hp: Hp; tensors: { name: string; shape: number[]; offset: number }[] };
type Vocab = { pieces: string[]; scores: number[]; types: number[] };

/** Step 1: the training and dev splits as JSONL prompt/response pairs. */
export function writeSplits(dataDir: string, csvPath = REPORTS_CSV): Record<string, number> {
  fs.mkdirSync(dataDir, { recursive: true });
  const reports = readReports(csvPath);
  const counts: Record<string, number> = {};
  for (const split of ["train", "dev"] as const) {
    const rows = reports.filter((r) => r.split === split);
    counts[split] = rows.length;
    const lines = rows.map((r) =>
      JSON.stringify({ uid: r.uid, prompt: renderPrompt(DEFAULT_TEMPLATE, r), response: r.impression }),
    );
    fs.writeFileSync(path.join(dataDir, `${split}.jsonl`), `${lines.join("\n")}\n`);
  }
  counts.test = reports.filter((r) => splitOf(r.uid) === "test").length;
  return counts;
}

/** Step 3: the GGUF bytes from what train.py wrote into `runDir`. */
export function buildGguf(runDir: string): { bytes: Uint8Array; hp: Hp; parameters: number } {
  const index = JSON.parse(fs.readFileSync(path.join(runDir, "weights.json"), "utf8")) as WeightsIndex;
  const vocab = JSON.parse(fs.readFileSync(path.join(runDir, "vocab.json"), "utf8")) as Vocab;
  const raw = fs.readFileSync(path.join(runDir, "weights.bin"));
  const floats = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const { hp } = index;
  const tensors: GgufTensor[] = index.tensors.map((t) => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const data = floats.subarray(t.offset / 4, t.offset / 4 + n);
    // Matrices in Q8_0 (2–3× faster decode than F16 on the CPU); the small norm vectors stay F32.
    return { name: t.name, shape: t.shape, type: t.shape.length === 2 ? "Q8_0" : "F32", data };
  });
  const meta = llamaModelMetadata({
    name: MODEL_NAME,
    fileType: 7, // mostly Q8_0
    shape: {
      ctx: hp.ctx,
      embd: hp.embd,
      layers: hp.layers,
      ffn: hp.ffn,
      heads: hp.heads,
      ropeBase: hp.rope_base,
      eps: hp.eps,
    },
    vocab: { tokens: vocab.pieces, scores: vocab.scores, types: vocab.types },
    addSpacePrefix: false, // trained without SentencePiece's dummy prefix: the prompt starts "Below", not "▁Below"
  });

  const parameters = tensors.reduce((n, t) => n + t.data.length, 0);
  return { bytes: encodeGguf({ metadata: meta, tensors }), hp, parameters };
}

/** Token ids llama.cpp gives each text must equal SentencePiece's in training; returns mismatches. */
export async function tokenizerMismatches(
  ggufPath: string,
  checks: { text: string; ids: number[] }[],
): Promise<string[]> {
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, maxThreads: 2, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: ggufPath });
  try {
    const bad: string[] = [];
    for (const c of checks) {
      const got = Array.from(model.tokenize(c.text, false), Number);
      if (got.join(",") !== c.ids.join(","))
        bad.push(
          `${JSON.stringify(c.text.slice(0, 60))}: llama.cpp ${got.slice(0, 12).join(",")}… vs ${c.ids.slice(0, 12).join(",")}…`,
        );
    }
    return bad;
  } finally {
    await model.dispose();
    await llama.dispose();
  }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const outDir = path.resolve(arg("--out") ?? path.join(ROOT, "models"));
  const work = path.resolve(arg("--work") ?? path.join(ROOT, ".data", "training"));
  const runDir = path.join(work, "run");
  if (!process.argv.includes("--convert-only")) {
    const probe = spawnSync(PYTHON, ["-c", "import torch, sentencepiece"], { encoding: "utf8" });
    if (probe.status !== 0)
      throw new Error(`Training needs ${PYTHON} with torch and sentencepiece: apt-get install ${APT}`);
    const counts = writeSplits(work);
    console.log(`split by uid: train ${counts.train}, dev ${counts.dev}, test ${counts.test} (not written)`);
    const pass = ["--steps", "--seed", "--lr", "--batch"].flatMap((k) => (arg(k) ? [k, arg(k)!] : []));
    run(PYTHON, [path.join(ROOT, "models", "training", "train.py"), "--data", work, "--out", runDir, ...pass]);
  }
  const { bytes, hp, parameters } = buildGguf(runDir);
  fs.mkdirSync(outDir, { recursive: true });
  const ggufPath = path.join(outDir, `${MODEL_NAME}.gguf`);
  fs.writeFileSync(ggufPath, bytes);
  const checks = JSON.parse(fs.readFileSync(path.join(runDir, "tokenizer-check.json"), "utf8")) as {
    text: string;
    ids: number[];
  }[];
  const bad = await tokenizerMismatches(ggufPath, checks);
  if (bad.length) throw new Error(`llama.cpp tokenizes differently from training:\n${bad.join("\n")}`);
  console.log(`tokenizer: llama.cpp matches SentencePiece on ${checks.length} texts`);
  // The parity texts stay in the repo: the shipped-model test re-checks them against llama.cpp.
  fs.copyFileSync(
    path.join(runDir, "tokenizer-check.json"),
    path.join(ROOT, "models", "training", "tokenizer-check.json"),
  );
  const card = JSON.parse(fs.readFileSync(path.join(runDir, "card.json"), "utf8")) as Record<string, unknown>;

  // The test split, used only here, after every choice was made on dev.
  process.env.SECONDREAD_MODEL_DIRS = [process.env.SECONDREAD_MODEL_DIRS, outDir].filter(Boolean).join(":");
  rereadEnv(); // settings are read once per process: the new folder must be seen
  const ev = await runEvaluation({
    cases: REPORTS_CSV,
    split: "test",
    limit: Infinity,
    model: ggufPath,
    adapters: [],
    systems: [],
  });
  console.log(formatTables(ev.results));
  const evaluation = {
    test: {
      cases: ev.cases.length,
      ...ev.stops,
      ...Object.fromEntries(ev.results.map((r) => [r.system === MODEL_NAME ? "model" : r.system, r.scores])),
    },
  };
  const sha256 = crypto.createHash("sha256").update(bytes).digest("hex");
  const description = {
    name: MODEL_NAME,
    file: `${MODEL_NAME}.gguf`,
    sha256,
    size: bytes.length,
    role: "base",
    architecture: "llama",
    template: "radiology-llama2-alpaca",
    source: "trained by `npm run train` (models/training/train.py) on the OpenI train split; see models/README.md",
    licence: "Apache-2.0 (weights); trained on the Indiana University chest X-ray reports (OpenI, CC BY-NC-ND)",
    note: "A small model trained on about 2,300 OpenI reports to show the whole pipeline: it writes plausible impressions and often names the main finding, but it is not a clinical tool. See models/README.md for its evaluation.",
    default: true,
    parameters,
    contextLength: hp.ctx,
    vocabularySize: hp.vocab,
    training: {
      data: "prisma/demo/indiana_reports.csv (OpenI), reports with findings and impression",
      split: "sha256('openi:' + uid)[0] % 10: 0 test, 1 dev, else train",
      ...card,
    },
    evaluation,
  };
  fs.writeFileSync(path.join(outDir, `${MODEL_NAME}.json`), `${JSON.stringify(description, null, 2)}\n`);
  console.log(`${sha256}  ${ggufPath}  (${bytes.length} bytes, ${parameters} parameters)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
