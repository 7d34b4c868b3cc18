// Generation throughput: raw node-llama-cpp vs SecondRead end to end (queue, worker,
// database), one case at a time and batched, on 100 OpenI cases with the bundled model.
// Run: npx tsx bench/generation.ts [--cases 100] [--parallel 8] [--max-tokens 64] [--model FILE.gguf]
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "100" },
    parallel: { type: "string", default: "8" },
    "max-tokens": { type: "string", default: "64" },
    model: { type: "string" },
  },
});
const N = Number(values.cases);
const PARALLEL = Number(values.parallel);
const ROOT = path.resolve(import.meta.dirname, "..");
process.env.GENERATION_MAINTENANCE_S = "5";

// Another GGUF may be benchmarked (--model PATH): its folder becomes a model folder for the run.
const MODEL_PATH = values.model ? path.resolve(values.model) : path.join(ROOT, "models", "radiology-mini.gguf");
process.env.SECONDREAD_MODEL_DIRS = [process.env.SECONDREAD_MODEL_DIRS, path.dirname(MODEL_PATH)]
  .filter(Boolean)
  .join(":");
const { readEnv, rereadEnv } = await import("../lib/platform/env.ts");
const { openDatabase } = await import("../lib/runtime/runtime.ts");
const { createDb } = await import("../lib/platform/db.ts");
const { createStudy } = await import("../lib/studies/studies.ts");
const { importCases } = await import("../lib/studies/import.ts");
const { addLlamaSystem } = await import("../lib/systems/systems.ts");
const { closeQueues, queueFor, startGeneration } = await import("../lib/generation/generation.ts");
const { Worker } = await import("../lib/generation/worker.ts");
const { createUser } = await import("../lib/accounts/users.ts");
const { gpuOption, threadCount } = await import("../lib/generation/llm.ts");
const threads = threadCount(fs.statSync(MODEL_PATH).size);
const { DEFAULT_TEMPLATE, renderPrompt, settingsSchema } = await import("../lib/systems/llm-config.ts");

const settings = settingsSchema.parse({ maxTokens: Number(values["max-tokens"]) });
const model = { model: MODEL_PATH, adapters: [] as { file: string; scale: number }[] };

// 100 cases: every 28th complete report of the OpenI file, a spread over the whole collection.
const rows = (
  parse(fs.readFileSync(path.join(ROOT, "prisma/demo/indiana_reports.csv")), { columns: true }) as Record<
    string,
    string
  >[]
).filter((r) => r.findings.trim() && r.impression.trim());
const picked = rows.filter((_, i) => i % 28 === 0).slice(0, N);
const header = "uid,findings,impression\n";
const csv =
  header +
  picked.map((r) => [r.uid, r.findings, r.impression].map((v) => `"${v.replaceAll('"', '""')}"`).join(",")).join("\n");

// 1. Raw node-llama-cpp, one sequence, the same prompts and settings (the sequence keeps its
// history, so the template prefix is reused as SecondRead's worker does).
async function raw() {
  const { getLlama, LlamaCompletion } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: gpuOption(), build: "never", maxThreads: threads });
  const m = await llama.loadModel({ modelPath: MODEL_PATH });
  const ctx = await m.createContext({ contextSize: settings.contextSize, threads });
  const seq = ctx.getSequence();
  const completion = new LlamaCompletion({ contextSequence: seq });
  let tokens = 0;
  const t0 = performance.now();
  for (const r of picked) {
    await completion.generateCompletion(
      renderPrompt(DEFAULT_TEMPLATE, { findings: r.findings.replace(/\s+/g, " ").trim() }),
      {
        maxTokens: settings.maxTokens,
        temperature: settings.temperature,
        topK: settings.topK,
        topP: settings.topP,
        seed: settings.seed,
        repeatPenalty: { penalty: settings.repeatPenalty },
        customStopTriggers: settings.stop,
        onToken: (t) => (tokens += t.length),
      },
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  await ctx.dispose();
  await m.dispose();
  return { tokens, seconds };
}

// 4. Decode only (raw): 64 tokens per prompt, end of text yielded and ignored, one sequence
// against `parallel` sequences of one context: what batching can give at best on this machine.
async function rawDecode(parallel: number, prompts: number, threadsUsed: number) {
  const { getLlama } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: gpuOption(), build: "never", maxThreads: threadsUsed });
  const m = await llama.loadModel({ modelPath: MODEL_PATH });
  const ctx = await m.createContext({ contextSize: settings.contextSize, sequences: parallel, threads: threadsUsed });
  const sequences = Array.from({ length: parallel }, () => ctx.getSequence());
  let tokens = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    sequences.map(async (sequence) => {
      while (next < prompts) {
        const r = picked[next++ % picked.length]!;
        await sequence.clearHistory();
        let n = 0;
        const input = m.tokenize(renderPrompt(DEFAULT_TEMPLATE, { findings: r.findings.replace(/\s+/g, " ").trim() }));
        for await (const _ of sequence.evaluate(input, { temperature: 0, yieldEogToken: true })) {
          tokens++;
          if (++n >= 64) break;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await ctx.dispose();
  await m.dispose();
  return { tokens, seconds };
}

// 2./3. SecondRead: jobs through pg-boss, the worker, outputs written to PostgreSQL.
async function endToEnd(parallel: number | "measured") {
  if (parallel === "measured") delete process.env.SECONDREAD_PARALLEL;
  else process.env.SECONDREAD_PARALLEL = String(parallel);
  rereadEnv(); // settings are read once per process; this benchmark changes one between runs
  const database = await openDatabase(readEnv(), { name: "secondread_bench", log: () => {} });
  const db = createDb(database.url);
  const stamp = Date.now();
  const admin = await createUser(db, null, {
    email: `bench-${stamp}@bench.secondread`,
    role: "ADMIN",
    password: "bench-password",
  });
  const study = await createStudy(db, admin, { name: `bench ${stamp} x${parallel}` });
  await importCases(db, admin, study.id, {
    bytes: new TextEncoder().encode(csv),
    fileName: "bench.csv",
    maxBytes: 1e8,
  });
  const system = await addLlamaSystem(db, admin, study.id, { name: "bench", ...model, settings });
  const worker = new Worker(db, database.url, () => {});
  await worker.start();
  // Load the model before the clock starts, as a running worker would have.
  // Same settings: the worker keeps one engine per configuration.
  const warm = await addLlamaSystem(db, admin, study.id, { name: "warm-up", ...model, settings });
  await startGeneration(db, await queueFor(database.url), admin, warm.id);
  while ((await db.output.count({ where: { systemId: warm.id } })) < N) await new Promise((r) => setTimeout(r, 100));
  // Timed by the database clock, from queueing to the last output written; the bench polls
  // gently so that it does not steal the CPU it is measuring.
  const [{ now: t0 }] = await db.$queryRaw<{ now: Date }[]>`SELECT now()`;
  await startGeneration(db, await queueFor(database.url), admin, system.id);
  const [{ now: queued }] = await db.$queryRaw<{ now: Date }[]>`SELECT now()`;
  while ((await db.output.count({ where: { systemId: system.id } })) < N) await new Promise((r) => setTimeout(r, 250));
  const last = await db.output.aggregate({
    where: { systemId: system.id },
    _max: { createdAt: true },
    _min: { createdAt: true },
  });
  if (process.env.BENCH_DEBUG)
    console.log(
      `  queued after ${queued.getTime() - t0.getTime()} ms; first output after ${last._min.createdAt!.getTime() - t0.getTime()} ms`,
    );
  const seconds = (last._max.createdAt!.getTime() - t0.getTime()) / 1000;
  const outputs = await db.output.findMany({ where: { systemId: system.id }, select: { provenance: true } });
  const tokens = outputs.reduce((a, o) => a + ((o.provenance as { tokensOut?: number }).tokensOut ?? 0), 0);
  const sequences = (outputs[0]?.provenance as { parallelSequences?: number } | undefined)?.parallelSequences;
  await worker.stop();
  await closeQueues();
  await db.$disconnect();
  await database.stop();
  return { tokens, seconds, outputs: outputs.length, sequences };
}

// 5. llama.cpp alone, below node-llama-cpp (its internal batch calls, version pinned in
// package.json): the same cases' prompts (after the shared template prefix) and as many generated
// tokens as the raw run wrote, one case per decode vs `parallel` cases in each decode. No sampling,
// no JavaScript per token: the most batching could give on this machine.
async function llamaCeiling(parallel: number, threadsUsed: number, generated: number) {
  const { getLlama } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: gpuOption(), build: "never", maxThreads: threadsUsed });
  const m = await llama.loadModel({ modelPath: MODEL_PATH });
  const ctx = await m.createContext({
    contextSize: settings.contextSize,
    sequences: parallel,
    threads: threadsUsed,
    batchSize: settings.contextSize * parallel,
  });
  const native = (
    ctx as unknown as {
      _ctx: {
        initBatch(n: number): void;
        addToBatch(seq: number, pos: number, tokens: Uint32Array, logits: Uint32Array): unknown;
        decodeBatch(): Promise<void>;
        removeTokenCellsFromSequence(seq: number, start: number, end: number): boolean;
      };
    }
  )._ctx;
  const prompts = picked.map((r) =>
    Array.from(m.tokenize(renderPrompt(DEFAULT_TEMPLATE, { findings: r.findings.replace(/\s+/g, " ").trim() }))),
  );
  let shared = 0;
  while (prompts.every((p) => p[shared] === prompts[0]![shared])) shared++;
  const decode = async (items: { seq: number; pos: number; tokens: number[] }[]) => {
    native.initBatch(items.reduce((n, i) => n + i.tokens.length, 0));
    for (const i of items)
      native.addToBatch(i.seq, i.pos, Uint32Array.from(i.tokens), Uint32Array.from([i.tokens.length - 1]));
    await native.decodeBatch();
  };
  // Cases in groups of k sequences: the prefix is already there (not timed), as in the worker.
  const run = async (k: number) => {
    let ms = 0;
    for (let at = 0; at < prompts.length; at += k) {
      const group = prompts.slice(at, at + k).map((p, seq) => ({ seq, p }));
      for (const { seq } of group) native.removeTokenCellsFromSequence(seq, 0, 1 << 30);
      await decode(group.map(({ seq, p }) => ({ seq, pos: 0, tokens: p.slice(0, shared) })));
      const t = performance.now();
      await decode(group.map(({ seq, p }) => ({ seq, pos: shared, tokens: p.slice(shared) })));
      for (let g = 0; g < generated; g++)
        await decode(group.map(({ seq, p }) => ({ seq, pos: p.length + g, tokens: [p[shared]!] })));
      ms += performance.now() - t;
    }
    return ms;
  };
  await run(parallel); // warm-up
  const one = await run(1);
  const batched = await run(parallel);
  await ctx.dispose();
  await m.dispose();
  return { one, batched };
}

const fmt = (r: { tokens: number; seconds: number }) =>
  `${(r.tokens / r.seconds).toFixed(0).padStart(6)} tokens/s  (${r.tokens} tokens in ${r.seconds.toFixed(2)} s)`;
console.log(
  `Model ${path.basename(MODEL_PATH)}, ${picked.length} OpenI cases, max ${settings.maxTokens} tokens, greedy, ${threads} thread(s), GPU ${gpuOption() || "off"}`,
);
const a = await raw();
console.log(`raw node-llama-cpp, one sequence:      ${fmt(a)}`);
const b = await endToEnd(1);
console.log(`SecondRead end to end, one at a time:  ${fmt(b)}  [${b.outputs} outputs]`);
const c = await endToEnd(PARALLEL);
console.log(`SecondRead end to end, ${PARALLEL} sequences:   ${fmt(c)}  [${c.outputs} outputs]`);
const d = await endToEnd("measured");
console.log(
  `SecondRead end to end, as configured:  ${fmt(d)}  [${d.outputs} outputs; the worker measured and chose ${d.sequences === 1 ? "one at a time" : `${d.sequences} sequences`}]`,
);
const rate = (r: { tokens: number; seconds: number }) => r.tokens / r.seconds;
console.log(`end-to-end / raw:     ${(rate(b) / rate(a)).toFixed(2)}×  (target ≥ 0.9×)`);
console.log(`batched / one-at-a-time: ${(rate(c) / rate(b)).toFixed(2)}×  (target ≥ 3× where batching pays)`);
const perCase = Math.round(a.tokens / picked.length);
const ceiling = await llamaCeiling(PARALLEL, threads, perCase);
console.log(
  `llama.cpp alone, ${PARALLEL} cases per decode vs one (prompt after the template + ${perCase} tokens each): ${(ceiling.one / picked.length).toFixed(1)} vs ${(ceiling.batched / picked.length).toFixed(1)} ms a case, ${(ceiling.one / ceiling.batched).toFixed(2)}×: what batching can give on this machine`,
);
console.log(`\nDecode only, raw node-llama-cpp (32 prompts × 64 tokens):`);
for (const t of [...new Set([threads, threadCount()])]) {
  const one = await rawDecode(1, 32, t);
  const many = await rawDecode(PARALLEL, 32, t);
  console.log(
    `  ${t} thread(s): one sequence ${fmt(one)};  ${PARALLEL} sequences ${fmt(many)};  ${(rate(many) / rate(one)).toFixed(2)}×`,
  );
}
process.exit(0);
