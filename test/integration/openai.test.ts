// Systems of kind OPENAI_COMPATIBLE against a local server that answers with the bundled model.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { UserInputError } from "../../lib/platform/errors.ts";
import { closeQueues, generationProgress, queueFor, startGeneration } from "../../lib/generation/generation.ts";
import { importCases } from "../../lib/studies/import.ts";
import { addOpenAiSystem } from "../../lib/systems/systems.ts";
import { openAiOutput } from "../../lib/systems/kinds/openai.ts";
import { createStudy } from "../../lib/studies/studies.ts";
import { Worker } from "../../lib/generation/worker.ts";
import { freshDb, type TestDb } from "../helpers/db.ts";
import { demoBytes, makeUser, MAX } from "../helpers/fixtures.ts";
import { startOpenAiServer } from "../helpers/openai-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { rereadEnv } from "../../lib/platform/env.ts";

process.env.SECONDREAD_API_KEY_TEST = "test-key";
process.env.SECONDREAD_PARALLEL = "2";
rereadEnv(); // settings are read once: in case an import read them before the lines above
let t: TestDb;
let server: Awaited<ReturnType<typeof startOpenAiServer>>;
let worker: Worker;
let admin: Awaited<ReturnType<typeof makeUser>>;
let studyId: string;

before(async () => {
  t = await freshDb();
  server = await startOpenAiServer({ apiKey: "test-key" });
  admin = await makeUser(t.db, "ADMIN");
  studyId = (await createStudy(t.db, admin, { name: "Endpoint" })).id;
  await importCases(t.db, admin, studyId, { bytes: demoBytes(), fileName: "demo.csv", maxBytes: MAX });
  worker = new Worker(t.db, t.url, () => {});
  await worker.start();
});
after(async () => {
  await worker.stop();
  await closeQueues();
  await server.close();
  await t.close();
});

/** Progress once nothing is queued or running any more. */
function finish(systemId: string, what: string, timeoutMs: number) {
  return waitFor(
    what,
    async () => {
      const p = await generationProgress(t.db, systemId);
      return p.queued + p.running === 0 ? p : null;
    },
    { timeoutMs, state: () => generationProgress(t.db, systemId) },
  );
}

test("the configuration is checked: URL, model name, key variable, template", async () => {
  const bad = (input: Partial<Parameters<typeof addOpenAiSystem>[3]>, re: RegExp) =>
    assert.rejects(
      addOpenAiSystem(t.db, admin, studyId, { name: "x", baseUrl: server.baseUrl, model: "tiny", ...input }),
      (e: unknown) => e instanceof UserInputError && re.test(e.message),
    );
  await bad({ baseUrl: "ftp://example.org" }, /http/);
  await bad({ model: " " }, /Model name: name the model the endpoint serves/);
  await bad({ apiKeyEnv: "lower case" }, /SECONDREAD_API_KEY_/);
  await bad({ apiKeyEnv: "DATABASE_URL" }, /SECONDREAD_API_KEY_/);
  await bad({ template: "nothing" }, /\{\{findings\}\}/);
});

test("generates through the endpoint with the same prompt, retrying its 503s, recording provenance", {
  timeout: 180_000,
}, async () => {
  const s = await addOpenAiSystem(t.db, admin, studyId, {
    name: "Endpoint model",
    baseUrl: `${server.baseUrl}/`,
    model: "tiny-radiology",
    apiKeyEnv: "SECONDREAD_API_KEY_TEST",
    settings: { maxTokens: 24, seed: 3 },
  });
  server.failNext(2);
  await startGeneration(t.db, await queueFor(t.url), admin, s.id);
  const p = await finish(s.id, "the generation through the endpoint finishing", 150_000);
  assert.equal(p.failed, 0, p.lastError ?? "");
  const outputs = await t.db.output.findMany({ where: { systemId: s.id }, include: { case: true } });
  assert.equal(outputs.length, 20);
  // Read through the kind's schema: a field the worker stopped writing fails here.
  const prov = outputs.map((o) => openAiOutput.parse(o.provenance));
  assert.ok(
    prov.some((x) => (x.attempts ?? 1) > 1),
    "the first answers were 503 and were retried",
  );
  for (const [i, x] of prov.entries()) {
    assert.equal(x.engine, "openai-compatible");
    assert.equal(x.endpoint, server.baseUrl);
    assert.equal(x.model, "tiny-radiology");
    assert.ok(x.prompt.includes(`Findings: ${outputs[i].case.findings}`));
    assert.ok(x.tokensOut > 0 && x.tokensIn > 0);
    assert.equal(x.seed, 3);
    assert.ok(outputs[i].text.length > 0);
  }
});

test("a wrong API key fails the cases with the endpoint's answer, without retrying", { timeout: 60_000 }, async () => {
  process.env.SECONDREAD_API_KEY_WRONG = "nope";
  const s = await addOpenAiSystem(t.db, admin, studyId, {
    name: "Wrong key",
    baseUrl: server.baseUrl,
    model: "tiny",
    apiKeyEnv: "SECONDREAD_API_KEY_WRONG",
  });
  const before = server.requests();
  await startGeneration(t.db, await queueFor(t.url), admin, s.id);
  const p = await waitFor(
    "every case failing with the wrong key",
    async () => {
      const p = await generationProgress(t.db, s.id);
      return p.failed === 20 ? p : null;
    },
    { timeoutMs: 50_000, state: () => generationProgress(t.db, s.id) },
  );
  assert.match(p.lastError ?? "", /answered 401/);
  assert.ok(server.requests() - before <= 20 * 3, "at most pg-boss's own retries, no back-off loop per request");
  assert.equal(await t.db.output.count({ where: { systemId: s.id } }), 0);
});
