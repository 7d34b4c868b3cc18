// The registry of system kinds (lib/systems/kinds/) is the one place that knows the kinds: every
// kind of the database has a module, the generated ones have exactly one engine, no other file
// names a kind, and provenance is read through each kind's schema.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { enginePools } from "../../lib/generation/engines.ts";
import { SystemKind } from "../../lib/generated/prisma/enums.ts";
import { ALL_KINDS, describeSystem, GENERATED_KINDS, kindOf } from "../../lib/systems/kinds/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const KINDS = Object.values(SystemKind);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" || e.name === "node_modules" ? [] : sourceFiles(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Lines that name a kind: a string literal of one, or Prisma's enum object. */
function kindMentions(source: string): string[] {
  const literal = new RegExp(`(["'\`])(${KINDS.join("|")})\\1|SystemKind\\.[A-Z_]+`);
  return source.split("\n").filter((line) => literal.test(line));
}

test("no file outside lib/systems/kinds/ names a kind", () => {
  const registry = path.join(ROOT, "lib", "systems", "kinds");
  const found = ["lib", "app", "components", "scripts", "bench"]
    .flatMap((d) => sourceFiles(path.join(ROOT, d)))
    .filter((f) => !f.startsWith(registry))
    .flatMap((f) => kindMentions(fs.readFileSync(f, "utf8")).map((l) => `${path.relative(ROOT, f)}: ${l.trim()}`));
  assert.deepEqual(found, []);
  // The scan finds what it looks for.
  assert.equal(kindMentions('if (s.kind === "LLAMA") x();\nconst k = SystemKind.IMPORTED;').length, 2);
  assert.equal(kindMentions("const llama = 1; // a LLAMA model").length, 0);
});

test("every kind of the database has its module, under its own name", () => {
  assert.deepEqual(ALL_KINDS.map((k) => k.kind).sort(), [...KINDS].sort());
  for (const kind of KINDS) assert.equal(kindOf(kind).kind, kind);
  assert.ok(new Set(ALL_KINDS.map((k) => k.label)).size === KINDS.length, "labels tell the kinds apart");
});

test("the generated kinds are exactly those with an engine, and only they refuse completion by file", () => {
  const pools = enginePools({ parallel: 1, measure: false, log: () => {} });
  assert.deepEqual([...pools.keys()].sort(), [...GENERATED_KINDS].sort());
  assert.deepEqual([...GENERATED_KINDS].sort(), ["LLAMA", "OPENAI_COMPATIBLE"]);
  for (const k of ALL_KINDS) {
    if (k.generated) assert.ok("refusal" in k.completion, `${k.kind} is completed by generation`);
  }
});

test("what the systems table shows: a retrieval system needs its library file only when made from one", () => {
  const file = { method: "tfidf-cosine", library: "file", fileName: "l.csv", sha256: "ab".repeat(32), size: 3 };
  const study = { method: "tfidf-cosine", library: "study", leaveOneOut: true, size: 3 };
  assert.deepEqual(describeSystem({ kind: "RETRIEVAL", config: file }).completion, {
    action: "Retrieve for them",
    fileLabel: "Library file",
    needsFile: true,
  });
  assert.equal(describeSystem({ kind: "RETRIEVAL", config: study }).completion?.needsFile, false);
  assert.equal(describeSystem({ kind: "IMPORTED", config: {} }).completion?.needsFile, true);
  assert.equal(describeSystem({ kind: "REFERENCE", config: {} }).completion, null);
  assert.equal(describeSystem({ kind: "LLAMA", config: {} }).completion, null);
  // A configuration that does not fit asks for the file (completing then says what is wrong), never a crash.
  assert.equal(describeSystem({ kind: "RETRIEVAL", config: { library: "elsewhere" } }).completion?.needsFile, true);
});

const settings = {
  maxTokens: 96,
  temperature: 0,
  topK: 40,
  topP: 0.95,
  repeatPenalty: 1,
  seed: 42,
  stop: ["###"],
  contextSize: 512,
};
const generated = {
  settings,
  seed: 42,
  prompt: "Findings: clear.",
  rawText: " No acute process.",
  tokensIn: 12,
  tokensOut: 5,
  ms: 31,
  stopReason: "eogToken",
  worker: "host:1",
};

test("an output's provenance is read through its kind's schema into the export's facts", () => {
  const model = { file: "m.gguf", sha256: "a".repeat(64), name: "m" };
  const adapter = { file: "l.gguf", sha256: "b".repeat(64), name: "l", scale: 0.5 };
  const llama = { ...generated, engine: "node-llama-cpp", engineVersion: "3.0", model, adapters: [adapter] };
  assert.deepEqual(kindOf("LLAMA").outputFacts(llama), {
    settings,
    seed: 42,
    prompt: "Findings: clear.",
    tokensIn: 12,
    tokensOut: 5,
    ms: 31,
    stopReason: "eogToken",
    warning: undefined,
    engine: "node-llama-cpp",
    engineVersion: "3.0",
    model: "m.gguf",
    modelSha256: "a".repeat(64),
    adapters: `l.gguf@0.5 (${"b".repeat(64)})`,
  });
  const http = { ...generated, engine: "openai-compatible", endpoint: "http://h/v1", model: "served", attempts: 2 };
  assert.equal(kindOf("OPENAI_COMPATIBLE").outputFacts(http).model, "served");
  assert.equal(kindOf("OPENAI_COMPATIBLE").outputFacts(http).engine, "openai-compatible");
  // A row that does not match its kind says so instead of breaking a streaming export.
  assert.match(kindOf("LLAMA").outputFacts({ ...llama, tokensOut: "five" }).warning ?? "", /tokensOut/);
  assert.match(kindOf("OPENAI_COMPATIBLE").outputFacts(llama).warning ?? "", /engine|endpoint/);
  assert.deepEqual(kindOf("RETRIEVAL").outputFacts({ librarySourceId: "x", cosine: 0.5 }), {});
});
