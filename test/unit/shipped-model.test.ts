// The shipped model (models/radiology-mini.gguf): the file is the one its description records,
// llama.cpp tokenizes exactly as training did, and served the way SecondRead serves every GGUF
// (default template, greedy) it writes a normal impression for a normal OpenI test case and stops
// by itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isNormal } from "../../scripts/lib/evaluation.ts";
import { chooseSequences, LlamaEngine, sharedModels } from "../../lib/generation/llm.ts";
import { buildLlamaConfig } from "../../lib/systems/systems.ts";
import { listModels } from "../../lib/systems/models.ts";
import { readReports } from "../../scripts/lib/openi-split.ts";
import { tokenizerMismatches } from "../../scripts/train-model.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FILE = path.join(ROOT, "models", "radiology-mini.gguf");
type Description = {
  sha256: string;
  size: number;
  training: Record<string, unknown>;
  evaluation?: { test?: { model?: { rouge1: number } } };
};
const description = JSON.parse(
  fs.readFileSync(path.join(ROOT, "models", "radiology-mini.json"), "utf8"),
) as Description;

test("the shipped file matches its description and is the catalogue's default", () => {
  const bytes = fs.readFileSync(FILE);
  assert.equal(crypto.createHash("sha256").update(bytes).digest("hex"), description.sha256);
  assert.equal(bytes.length, description.size);
  assert.ok(bytes.length < 20 * 1024 * 1024, "small enough to clone quickly");
  assert.equal(listModels()[0]?.file, "radiology-mini.gguf");
  for (const k of ["steps", "kept_dev_loss", "curve", "seed"])
    assert.ok(k in description.training, `training card has ${k}`);
  assert.ok((description.evaluation?.test?.model?.rouge1 ?? 0) > 0, "the card records the test-split evaluation");
});

test("llama.cpp tokenizes like SentencePiece did in training", async () => {
  const checks = JSON.parse(fs.readFileSync(path.join(ROOT, "models", "training", "tokenizer-check.json"), "utf8")) as {
    text: string;
    ids: number[];
  }[];
  assert.ok(checks.length >= 40);
  assert.deepEqual(await tokenizerMismatches(FILE, checks), []);
});

test("a normal OpenI test case gets a normal impression, ended by EOS", async () => {
  const c = readReports(path.join(ROOT, "prisma", "demo", "indiana_reports.csv")).find((r) => r.uid === "52")!;
  assert.equal(c.split, "test");
  assert.equal(c.impression, "No acute cardiopulmonary abnormality.");
  const engine = await LlamaEngine.load(await buildLlamaConfig({ model: "radiology-mini.gguf" }), 1);
  try {
    const g = await engine.generate(c);
    assert.ok(isNormal(g.text), `normal impression expected, got "${g.text}"`);
    assert.equal(g.stopReason, "eogToken");
    assert.ok(g.tokensOut < 40);
    assert.equal((await engine.generate(c)).text, g.text, "greedy: the same text again");
  } finally {
    await engine.dispose();
  }
});

test("batching is used only when it beats one case at a time by the margin", () => {
  assert.equal(chooseSequences(4, 100, 100), 1);
  assert.equal(chooseSequences(4, 119, 100), 1);
  assert.equal(chooseSequences(4, 120, 100), 4);
  assert.equal(chooseSequences(4, 400, 100), 4);
  assert.equal(chooseSequences(1, 400, 100), 1);
});

test("a measuring engine times both ways on its own settings, keeps the faster, and lends no more sequences", async () => {
  const engine = await LlamaEngine.load(await buildLlamaConfig({ model: "radiology-mini.gguf" }), 4, {
    measure: true,
    measureLimitMs: 60_000,
  });
  try {
    const { sequences, oneMs, batchedMs, note } = engine.calibration;
    assert.ok(oneMs! > 0 && batchedMs! > 0, note);
    assert.equal(sequences, chooseSequences(4, oneMs!, batchedMs!));
    const cases = readReports(path.join(ROOT, "prisma", "demo", "indiana_reports.csv"))
      .filter((r) => r.split === "test")
      .slice(0, 6);
    const texts = await Promise.all(cases.map((c) => engine.generate(c)));
    assert.ok(texts.every((g) => g.text.length > 0));
    assert.equal(engine.peakLent, Math.min(6, sequences), "six cases at once run on the chosen number of sequences");
  } finally {
    await engine.dispose();
  }
  assert.deepEqual(sharedModels(), {}, "disposed: the weights are released");
});

test("a model too slow to measure keeps all its sequences; a load that fails keeps nothing", async () => {
  const engine = await LlamaEngine.load(await buildLlamaConfig({ model: "radiology-mini.gguf" }), 3, {
    measure: true,
    measureLimitMs: 0,
  });
  try {
    assert.equal(engine.sequences, 3);
    assert.match(engine.calibration.note, /not measured/);
    await Promise.all([1, 2, 3, 4].map(() => engine.generate({ findings: "The lungs are clear." })));
    assert.equal(engine.peakLent, 3);
  } finally {
    await engine.dispose();
  }
  // The measurement fails (the template alone is longer than the context): nothing stays loaded.
  const tooLong = await buildLlamaConfig({
    model: "radiology-mini.gguf",
    template: `Findings: {{findings}} ${"padding ".repeat(300)}`,
    settings: { contextSize: 128, maxTokens: 16 },
  });
  await assert.rejects(LlamaEngine.load(tooLong, 2, { measure: true }), /does not fit a context of 128/);
  assert.deepEqual(sharedModels(), {});
});
