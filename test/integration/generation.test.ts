// LLM systems end to end with the real node-llama-cpp and the bundled GGUF pair: files checked
// before loading, jobs through pg-boss, outputs with provenance, determinism, failures, kill -9.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UserInputError } from "../../lib/platform/errors.ts";
import {
  cancelGeneration,
  closeQueues,
  generationProgress,
  QUEUE,
  queueFor,
  startGeneration,
} from "../../lib/generation/generation.ts";
import { importCases } from "../../lib/studies/import.ts";
import { exportOutputsCsv } from "../../lib/results/export.ts";
import { addLlamaSystem } from "../../lib/systems/systems.ts";
import { llamaOutput } from "../../lib/systems/kinds/llama.ts";
import { sharedModels } from "../../lib/generation/llm.ts";
import { resolveModelPath } from "../../lib/systems/models.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { Worker } from "../../lib/generation/worker.ts";
import { encodeGguf, gguf } from "../../scripts/lib/gguf-writer.ts";
import { spawnSync } from "node:child_process";
import { freshDb, type TestDb } from "../helpers/db.ts";
import { demoBytes, makeUser, MAX } from "../helpers/fixtures.ts";
import { FIXTURE_MODELS, TINY_BASE, TINY_LORA } from "../helpers/models.ts";
import { waitFor } from "../helpers/wait.ts";
import { rereadEnv } from "../../lib/platform/env.ts";

process.env.GENERATION_JOB_TIMEOUT_S = "4"; // a killed worker's job goes back to the queue quickly
process.env.GENERATION_MAINTENANCE_S = "1";
process.env.SECONDREAD_PARALLEL = "2";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const BASE = TINY_BASE;
const LORA = TINY_LORA;
const settings = { maxTokens: 24, seed: 7 };
let t: TestDb;
let admin: Awaited<ReturnType<typeof makeUser>>;
let studyId: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "secondread-gen-"));
process.env.SECONDREAD_MODEL_DIRS = `${tmp}:${FIXTURE_MODELS}`; // the damaged and foreign files below live in tmp
rereadEnv(); // settings are read once: in case an import read them before the lines above

before(async () => {
  t = await freshDb();
  admin = await makeUser(t.db, "ADMIN");
  studyId = (await createStudy(t.db, admin, { name: "Generation" })).id;
  await importCases(t.db, admin, studyId, { bytes: demoBytes(), fileName: "demo.csv", maxBytes: MAX });
});
after(async () => {
  await closeQueues();
  await t.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Progress once nothing is queued or running and every case is done or one failed. */
async function waitDone(systemId: string, ms = 120_000) {
  const name = (await t.db.system.findUniqueOrThrow({ where: { id: systemId } })).name;
  return waitFor(
    `the generation of "${name}" finishing`,
    async () => {
      const p = await generationProgress(t.db, systemId);
      return p.queued + p.running === 0 && (p.done === p.total || p.failed > 0) ? p : null;
    },
    { timeoutMs: ms, intervalMs: 300, state: () => generationProgress(t.db, systemId) },
  );
}

const rejects = (p: Promise<unknown>, re: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof UserInputError && re.test(e.message));

test("bad model files are refused with the file and the problem named", async () => {
  await rejects(
    addLlamaSystem(t.db, admin, studyId, { name: "x", model: path.join(tmp, "missing.gguf") }),
    /missing\.gguf: no such file/,
  );
  await rejects(
    addLlamaSystem(t.db, admin, studyId, { name: "x", model: "/etc/passwd" }),
    /passwd: models are read only from the model folders/,
  );
  await rejects(
    addLlamaSystem(t.db, admin, studyId, { name: "x", model: "../package.json" }),
    /models are read only from the model folders/,
  );
  fs.writeFileSync(path.join(tmp, "notes.gguf"), "these are not weights");
  await rejects(
    addLlamaSystem(t.db, admin, studyId, { name: "x", model: path.join(tmp, "notes.gguf") }),
    /notes\.gguf: not a GGUF file/,
  );
  const full = fs.readFileSync(BASE);
  fs.writeFileSync(path.join(tmp, "half.gguf"), full.subarray(0, Math.floor(full.length / 2)));
  await rejects(
    addLlamaSystem(t.db, admin, studyId, { name: "x", model: path.join(tmp, "half.gguf") }),
    /half\.gguf: .*truncated/,
  );
  await rejects(addLlamaSystem(t.db, admin, studyId, { name: "x", model: LORA }), /is a LoRA adapter/);
  await rejects(
    addLlamaSystem(t.db, admin, studyId, { name: "x", model: BASE, adapters: [{ file: BASE, scale: 1 }] }),
    /is a model, not a LoRA adapter/,
  );
  await rejects(
    addLlamaSystem(t.db, admin, studyId, { name: "x", model: BASE, template: "no placeholder" }),
    /\{\{findings\}\}/,
  );
  // A LoRA made for a base with another width (32 instead of 64).
  const foreign = encodeGguf({
    metadata: [
      ["general.architecture", gguf.string("llama")],
      ["general.type", gguf.string("adapter")],
      ["adapter.type", gguf.string("lora")],
      ["adapter.lora.alpha", gguf.f32(8)],
    ],
    tensors: [
      { name: "blk.0.attn_q.weight.lora_a", type: "F32", shape: [32, 8], data: new Float32Array(256) },
      { name: "blk.0.attn_q.weight.lora_b", type: "F32", shape: [8, 32], data: new Float32Array(256) },
    ],
  });
  fs.writeFileSync(path.join(tmp, "foreign-lora.gguf"), foreign);
  await rejects(
    addLlamaSystem(t.db, admin, studyId, {
      name: "x",
      model: BASE,
      adapters: [{ file: path.join(tmp, "foreign-lora.gguf"), scale: 1 }],
    }),
    /foreign-lora\.gguf does not fit the base.*another base/,
  );
  assert.equal(await t.db.system.count({ where: { studyId, kind: "LLAMA" } }), 0);
});

test("a worker generates every case once, with provenance, normalised, reproducibly", {
  timeout: 300_000,
}, async () => {
  const worker = new Worker(t.db, t.url, () => {});
  await worker.start();
  try {
    const boss = await queueFor(t.url);
    const a = await addLlamaSystem(t.db, admin, studyId, {
      name: "Tiny + LoRA",
      model: BASE,
      adapters: [{ file: LORA, scale: 1 }],
      settings,
    });
    const { queued } = await startGeneration(t.db, boss, admin, a.id);
    assert.equal(queued, 20);
    assert.equal((await startGeneration(t.db, boss, admin, a.id)).queued, 0, "a second click queues nothing");
    const p = await waitDone(a.id);
    assert.equal(p.failed, 0, p.lastError ?? "");
    assert.equal(p.done, 20);
    const outputs = await t.db.output.findMany({ where: { systemId: a.id }, include: { case: true } });
    assert.equal(outputs.length, 20);
    for (const o of outputs) {
      assert.ok(o.text.length > 0);
      assert.equal(o.text, o.text.replace(/\s+/g, " ").trim(), "normalised like every other text");
      assert.doesNotMatch(o.text, /<\/?s>/);
      // Read through the kind's schema: a field the worker stopped writing fails here.
      const prov = llamaOutput.parse(o.provenance);
      assert.equal(prov.engine, "node-llama-cpp");
      assert.match(prov.engineVersion, /^3\.21\.1/);
      assert.equal(prov.model.file, BASE);
      assert.match(prov.model.sha256, /^[0-9a-f]{64}$/);
      assert.equal(prov.adapters[0].file, LORA);
      assert.equal(prov.adapters[0].scale, 1);
      assert.equal(prov.seed, 7);
      assert.equal(prov.backend, "cpu");
      assert.equal(prov.parallelSequences, 2, "SECONDREAD_PARALLEL set: used as given, not measured");
      assert.equal(prov.settings.maxTokens, 24);
      assert.ok(prov.prompt.includes(o.case.findings), "the rendered prompt holds the findings");
      assert.ok(prov.tokensIn > 10 && prov.tokensOut > 0 && prov.tokensOut <= 24 && prov.ms >= 0);
    }

    // The outputs export carries the provenance, one row per output.
    let csv = "";
    for await (const chunk of exportOutputsCsv(t.db, admin, studyId)) csv += chunk;
    const rows = csv
      .trim()
      .split("\r\n")
      .filter((l) => l.includes("Tiny + LoRA"));
    assert.equal(rows.length, 20);
    const { sha256 } = llamaOutput.parse(outputs[0].provenance).model;
    assert.ok(rows.every((l) => l.includes(sha256)));
    assert.ok(rows.every((l) => l.includes(`${LORA}@1`)));
    assert.match(csv, /Derive the impression from findings in the radiology report/);

    // Same model, adapters, seed and settings: the same texts.
    const b = await addLlamaSystem(t.db, admin, studyId, {
      name: "Tiny + LoRA again",
      model: BASE,
      adapters: [{ file: LORA, scale: 1 }],
      settings,
    });
    await startGeneration(t.db, boss, admin, b.id);
    await waitDone(b.id);
    const again = new Map((await t.db.output.findMany({ where: { systemId: b.id } })).map((o) => [o.caseId, o.text]));
    for (const o of outputs) assert.equal(again.get(o.caseId), o.text);

    // Without the adapter the model writes something else: the adapter is really applied (the
    // two engines share the base weights; the adapter lives in one context only).
    const c = await addLlamaSystem(t.db, admin, studyId, { name: "Tiny base", model: BASE, settings });
    await startGeneration(t.db, boss, admin, c.id);
    await waitDone(c.id);
    const base = await t.db.output.findMany({ where: { systemId: c.id } });
    assert.ok(base.some((o) => again.get(o.caseId) !== o.text));

    // Other settings on the same model and adapters: the loaded engine is shared, and each
    // system still generates with its own settings.
    assert.ok(
      outputs.some((o) => llamaOutput.parse(o.provenance).tokensOut > 2),
      "the first system writes more than 2 tokens somewhere",
    );
    const e = await addLlamaSystem(t.db, admin, studyId, {
      name: "Tiny + LoRA, short",
      model: BASE,
      adapters: [{ file: LORA, scale: 1 }],
      settings: { ...settings, maxTokens: 2 },
    });
    await startGeneration(t.db, boss, admin, e.id);
    assert.equal((await waitDone(e.id)).failed, 0);
    const short = await t.db.output.findMany({ where: { systemId: e.id } });
    assert.equal(short.length, 20);
    for (const o of short) {
      const prov = llamaOutput.parse(o.provenance);
      assert.equal(prov.settings.maxTokens, 2);
      assert.ok(prov.tokensOut <= 2, `${prov.tokensOut} tokens with a limit of 2`);
    }
    assert.ok(short.some((o) => o.text !== again.get(o.caseId)));
    const sha = llamaOutput.parse(outputs[0].provenance).model.sha256;
    assert.deepEqual(
      sharedModels(),
      { [`${resolveModelPath(BASE)}@${sha}`]: 2 },
      "one copy of the weights, two engines (with and without the adapter)",
    );

    // Findings longer than the context: shortened, with a warning on the output.
    const d = await addLlamaSystem(t.db, admin, studyId, {
      name: "Tiny small context",
      model: BASE,
      settings: { ...settings, contextSize: 128, maxTokens: 16 },
    });
    await startGeneration(t.db, boss, admin, d.id);
    assert.equal((await waitDone(d.id)).failed, 0);
    const warned = await t.db.output.findMany({ where: { systemId: d.id } });
    assert.ok(warned.some((o) => llamaOutput.parse(o.provenance).warning === "findings shortened to fit the context"));
  } finally {
    await worker.stop();
  }
  assert.deepEqual(sharedModels(), {}, "a stopped worker releases the weights");
});

test("cancelling empties the queue; starting again resumes with only the missing cases", async () => {
  const boss = await queueFor(t.url);
  const s = await addLlamaSystem(t.db, admin, studyId, { name: "Cancelled", model: BASE, settings });
  assert.equal((await startGeneration(t.db, boss, admin, s.id)).queued, 20);
  assert.equal((await cancelGeneration(t.db, boss, admin, s.id)).cancelled, 20);
  const p = await generationProgress(t.db, s.id);
  assert.equal(p.queued + p.running, 0);
  assert.equal((await startGeneration(t.db, boss, admin, s.id)).queued, 20);
  await cancelGeneration(t.db, boss, admin, s.id);
});

function spawnWorker(): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: ROOT,
    // Two jobs at a time, so outputs arrive in small steps and the kill lands mid-study.
    env: { ...process.env, DATABASE_URL: t.url, SECONDREAD_PARALLEL: "1", SECONDREAD_FETCH_BATCH: "2" },
    stdio: "ignore",
  });
}

/** The system's jobs as pg-boss holds them: the same id from the first delivery to the last. */
function jobsOf(systemId: string) {
  return t.db.$queryRaw<{ id: string; state: string; retryCount: number; startedOn: Date | null; caseId: string }[]>`
    SELECT id::text, state::text, retry_count AS "retryCount", started_on AS "startedOn", data->>'caseId' AS "caseId"
    FROM pgboss.job WHERE name = ${QUEUE} AND data->>'systemId' = ${systemId} ORDER BY id`;
}
/** What a worker process writes into the provenance of its outputs (lib/generation/worker.ts: Worker.id). */
const workerId = (child: ChildProcess) => `${os.hostname()}:${child.pid}`;
const madeBy = (o: { provenance: unknown }) => {
  const { worker } = llamaOutput.parse(o.provenance);
  assert.ok(worker, "the output records its worker");
  return worker;
};

test("kill -9 of a worker mid-study: the jobs it had in hand go to the other workers; exactly one output per case", {
  timeout: 300_000,
}, async () => {
  const boss = await queueFor(t.url);
  const s = await addLlamaSystem(t.db, admin, studyId, {
    name: "Survives kill -9",
    model: BASE,
    settings: { ...settings, maxTokens: 64 },
  });
  await startGeneration(t.db, boss, admin, s.id);
  // In flight: jobs pg-boss has handed out (active) that nobody has finished (no output yet).
  const outputsNow = () => t.db.output.findMany({ where: { systemId: s.id } });
  const inFlight = async () => {
    const written = new Set((await outputsNow()).map((o) => o.caseId));
    return (await jobsOf(s.id)).filter((j) => j.state === "active" && !written.has(j.caseId));
  };
  const first = spawnWorker();
  const firstExited = new Promise((r) => first.once("exit", r));
  let inHand: Awaited<ReturnType<typeof inFlight>> = [];
  const refreshInHand = async () => {
    inHand = await inFlight();
    return inHand;
  };
  await waitFor(
    "the first worker writing 2 outputs with more jobs in hand",
    async () => (await outputsNow()).length >= 2 && (await refreshInHand()).length > 0,
    {
      timeoutMs: 60_000,
      intervalMs: 100,
      state: async () => (await jobsOf(s.id)).map((j) => j.state).join(" "),
    },
  );
  first.kill("SIGKILL");
  await firstExited;
  // A statement the worker had sent may still finish on the server: wait until none runs, so that
  // from here on the database holds what the killed worker left.
  await waitFor(
    "the killed worker's last statements ending",
    async () =>
      (
        await t.db.$queryRaw<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`
      )[0].n === 0,
    { timeoutMs: 10_000, intervalMs: 50 },
  );
  const [{ killedAt }] = await t.db.$queryRaw<{ killedAt: Date }[]>`SELECT now() AS "killedAt"`;
  const atKill = await outputsNow();
  assert.ok(atKill.length < 20, "killed mid-study");
  for (const o of atKill) assert.equal(madeBy(o), workerId(first), "only the first worker was running");
  // Jobs in flight just before the kill that were still unfinished after it: in the hands of the
  // killed worker (the only one taking jobs) when it died.
  const written = new Set(atKill.map((o) => o.caseId));
  const jobsAtKill = await jobsOf(s.id);
  const killed = inHand.filter(
    (j) => !written.has(j.caseId) && jobsAtKill.find((x) => x.id === j.id)?.state !== "completed",
  );
  assert.ok(
    killed.length > 0,
    `no job was in flight in the killed worker: ${jobsAtKill.map((j) => j.state).join(" ")}`,
  );

  const others = [spawnWorker(), spawnWorker()]; // two workers share the rest
  try {
    const p = await waitDone(s.id, 180_000);
    assert.equal(p.failed, 0, p.lastError ?? "");
    const outputs = await t.db.output.findMany({ where: { systemId: s.id } });
    assert.equal(outputs.length, 20);
    assert.equal(new Set(outputs.map((o) => o.caseId)).size, 20);
    // Each job the killed worker held was delivered again (the same job, once more) and
    // completed by a worker that lived, which wrote the case's one output. (The job can lag
    // behind its output: on a busy machine a delivery may expire after writing it, and the next
    // one only completes it.)
    for (const j of killed) {
      const again = await waitFor(
        `job ${j.id} (killed in flight) completing`,
        async () => (await jobsOf(s.id)).find((x) => x.id === j.id && x.state === "completed"),
        {
          timeoutMs: 60_000,
          state: async () => (await jobsOf(s.id)).find((x) => x.id === j.id),
        },
      );
      assert.equal(again?.state, "completed", `job ${j.id}`);
      assert.ok(
        again.retryCount > j.retryCount && again.startedOn! > killedAt,
        `job ${j.id} was delivered again after the kill (retry count ${j.retryCount} at the kill, ${again.retryCount} at the end; last started ${again.startedOn?.toISOString()})`,
      );
      const output = outputs.find((o) => o.caseId === j.caseId);
      assert.ok(output, `case of job ${j.id} has its output`);
      assert.ok(
        others.map(workerId).includes(madeBy(output)),
        `the output of job ${j.id} was made by ${madeBy(output)}, not by a worker that lived`,
      );
    }
  } finally {
    for (const w of others) w.kill("SIGTERM");
  }
});

test("a model file damaged after the system was set up fails its cases with the file named; nothing else breaks", {
  timeout: 120_000,
}, async () => {
  const copy = path.join(tmp, "copy-of-base.gguf");
  fs.copyFileSync(BASE, copy);
  const s = await addLlamaSystem(t.db, admin, studyId, { name: "Damaged later", model: copy, settings });
  const full = fs.readFileSync(copy);
  fs.writeFileSync(copy, full.subarray(0, full.length - 4096));
  const worker = new Worker(t.db, t.url, () => {});
  await worker.start();
  try {
    await startGeneration(t.db, await queueFor(t.url), admin, s.id);
    const p = await waitFor(
      "every case of the damaged model failing",
      async () => {
        const p = await generationProgress(t.db, s.id);
        return p.failed === 20 ? p : null;
      },
      { timeoutMs: 100_000, intervalMs: 250, state: () => generationProgress(t.db, s.id) },
    );
    assert.match(p.lastError ?? "", /copy-of-base\.gguf: the file is truncated/);
    assert.equal(await t.db.output.count({ where: { systemId: s.id } }), 0);
  } finally {
    await worker.stop();
  }
});

test("npm run generate queues the missing cases and shows progress until done", { timeout: 180_000 }, async () => {
  const s = await addLlamaSystem(t.db, admin, studyId, { name: "From the CLI", model: BASE, settings });
  const worker = spawnWorker();
  try {
    const r = spawnSync(
      process.execPath,
      ["scripts/bootstrap.mjs", "generate.ts", "--study", studyId, "--system", s.id],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.url }, encoding: "utf8", timeout: 150_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /From the CLI: queued 20 case\(s\)\./);
    assert.match(r.stdout, /\[#{30}\] 20\/20 {2}failed 0/);
    const bad = spawnSync(
      process.execPath,
      ["scripts/bootstrap.mjs", "generate.ts", "--study", studyId, "--system", "nope"],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.url }, encoding: "utf8" },
    );
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /has no system nope/);
  } finally {
    worker.kill("SIGTERM");
  }
});
