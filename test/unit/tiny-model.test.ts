// The tiny test-fixture model pair (test/fixtures/models/tiny-radiology-*.gguf): reproducible from
// scripts/make-tiny-model.ts, readable by node-llama-cpp, and usable for real generation, with and
// without its LoRA adapter. Also checks scripts/lib/gguf-writer.ts on its own.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getLlama, LlamaCompletion, readGgufFileInfo, type Llama, type LlamaModel } from "node-llama-cpp";
import { encodeGguf, float32ToFloat16Bits, gguf, GGUF_ALIGNMENT } from "../../scripts/lib/gguf-writer.ts";
import { alpacaPrompt, BASE_NAME, LORA_NAME, writeTinyModels } from "../../scripts/make-tiny-model.ts";

const MODELS = path.resolve(import.meta.dirname, "../fixtures/models");
const sha256 = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
const description = (dir: string, name: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), "utf8")) as Record<string, unknown>;
const BASE_FILE = path.join(MODELS, `${BASE_NAME}.gguf`);
const LORA_FILE = path.join(MODELS, `${LORA_NAME}.gguf`);

test("gguf writer: header, alignment, F16 rounding, determinism, validation", async () => {
  const file = {
    metadata: [
      ["general.architecture", gguf.string("llama")],
      ["test.u32", gguf.u32(7)],
      ["test.i32", gguf.i32(-7)],
      ["test.f32", gguf.f32(0.5)],
      ["test.bool", gguf.bool(true)],
      ["test.strings", gguf.stringArray(["a", "▁b"])],
      ["test.f32s", gguf.f32Array([1, -2])],
      ["test.i32s", gguf.i32Array([3, -4])],
    ] as const,
    tensors: [
      { name: "a.weight", type: "F32" as const, shape: [3], data: [1, 2, 3] },
      { name: "b.weight", type: "F16" as const, shape: [2, 2], data: [1, -2, 0.5, 65504] },
    ],
  };
  const bytes = encodeGguf(file);
  assert.deepEqual(encodeGguf(file), bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), "GGUF");
  assert.equal(view.getUint32(4, true), 3);
  assert.equal(view.getBigUint64(8, true), 2n);
  assert.equal(view.getBigUint64(16, true), 8n);
  // data section: a.weight (12 bytes, padded to 32), then b.weight (8 bytes, padded to 32)
  assert.equal(bytes.length % GGUF_ALIGNMENT, 0);
  const data = bytes.length - 2 * GGUF_ALIGNMENT;
  assert.deepEqual(
    [0, 4, 8].map((o) => view.getFloat32(data + o, true)),
    [1, 2, 3],
  );
  assert.deepEqual(
    [0, 2, 4, 6].map((o) => view.getUint16(data + GGUF_ALIGNMENT + o, true)),
    [0x3c00, 0xc000, 0x3800, 0x7bff],
  );

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gguf-writer-"));
  try {
    fs.writeFileSync(path.join(tmp, "t.gguf"), bytes);
    const info = await readGgufFileInfo(path.join(tmp, "t.gguf"), { logWarnings: false });
    const meta = info.metadata as unknown as Record<string, Record<string, unknown>>;
    assert.equal(meta.general!.architecture, "llama");
    assert.deepEqual(meta.test, {
      u32: 7,
      i32: -7,
      f32: 0.5,
      bool: true,
      strings: ["a", "▁b"],
      f32s: [1, -2],
      i32s: [3, -4],
    });
    assert.deepEqual(
      info.tensorInfo?.map((t) => [t.name, t.dimensions.map(Number)]),
      [
        ["a.weight", [3]],
        ["b.weight", [2, 2]],
      ],
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  assert.equal(float32ToFloat16Bits(65520), 0x7c00); // rounds to +Inf
  assert.equal(float32ToFloat16Bits(2 ** -24), 0x0001); // smallest subnormal
  assert.equal(float32ToFloat16Bits(2 ** -26), 0x0000); // underflows to +0
  assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // tie → even
  assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
  assert.equal(float32ToFloat16Bits(Number.NaN) & 0x7e00, 0x7e00);
  assert.throws(
    () =>
      encodeGguf({
        metadata: [
          ["k", gguf.u32(1)],
          ["k", gguf.u32(2)],
        ],
        tensors: [],
      }),
    /duplicated/,
  );
  assert.throws(() => encodeGguf({ metadata: [["k", gguf.u32(-1)]], tensors: [] }), /u32/);
  assert.throws(
    () => encodeGguf({ metadata: [], tensors: [{ name: "x", type: "F32", shape: [2, 2], data: [1, 2, 3] }] }),
    /3 values/,
  );
});

test("regenerating the tiny models gives the committed, described files byte for byte", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tiny-model-"));
  try {
    writeTinyModels(tmp);
    for (const name of [BASE_NAME, LORA_NAME]) {
      const committed = description(MODELS, name);
      const file = String(committed.file);
      assert.equal(file, `${name}.gguf`);
      assert.equal(sha256(path.join(tmp, file)), committed.sha256, `${file}: regenerated differs from the description`);
      assert.equal(
        sha256(path.join(MODELS, file)),
        committed.sha256,
        `${file}: committed file differs from its description`,
      );
      assert.equal(fs.statSync(path.join(MODELS, file)).size, committed.size);
      assert.deepEqual(description(tmp, name), committed);
      assert.equal(committed.architecture, "llama");
      assert.equal(committed.template, "radiology-llama2-alpaca");
      assert.equal(committed.licence, "Apache-2.0, same as the project");
    }
    assert.equal(description(MODELS, BASE_NAME).role, "base");
    assert.equal(description(MODELS, LORA_NAME).role, "adapter");
    assert.equal(description(MODELS, LORA_NAME).base, `${BASE_NAME}.gguf`);
    const total = fs.statSync(BASE_FILE).size + fs.statSync(LORA_FILE).size;
    assert.ok(total < 3 * 1024 * 1024, `models too large to bundle: ${total} bytes`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("node-llama-cpp reads the GGUF metadata of both files", async () => {
  const base = await readGgufFileInfo(BASE_FILE, { logWarnings: false });
  assert.equal(base.metadata.general.architecture, "llama");
  assert.equal(base.metadata.general.name, BASE_NAME);
  const llamaMeta = (base.metadata as unknown as { llama: Record<string, unknown> }).llama;
  assert.equal(llamaMeta.context_length, 512);
  assert.equal(llamaMeta.block_count, 2);
  assert.equal(base.metadata.tokenizer.ggml.tokens.length, description(MODELS, BASE_NAME).vocabularySize);
  const lora = await readGgufFileInfo(LORA_FILE, { logWarnings: false });
  assert.equal(lora.metadata.general.architecture, "llama");
  assert.equal((lora.metadata.general as { type?: string }).type, "adapter");
  const adapter = (lora.metadata as unknown as { adapter: { type: string; lora: { alpha: number } } }).adapter;
  assert.equal(adapter.type, "lora");
  assert.equal(adapter.lora.alpha, 8);
  const names = lora.tensorInfo?.map((t) => t.name) ?? [];
  assert.ok(
    names.includes("blk.0.attn_q.weight.lora_a") && names.includes("blk.1.attn_v.weight.lora_b"),
    names.join(", "),
  );
});

describe("generation with node-llama-cpp", () => {
  let llama: Llama;
  let model: LlamaModel;
  const prompt = alpacaPrompt(
    "The cardiac silhouette and mediastinum size are within normal limits. There is no pulmonary edema. " +
      "There is no focal consolidation. There is no evidence of pneumothorax.",
  );
  const options = { maxTokens: 32, temperature: 0.8, seed: 7 };
  const generate = async (loraScale: number | null) => {
    const context = await model.createContext({
      contextSize: 512,
      threads: 1, // below ~5 M parameters one thread is faster than two
      ...(loraScale === null ? {} : { lora: { adapters: [{ filePath: LORA_FILE, scale: loraScale }] } }),
    });
    try {
      const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
      const first = await completion.generateCompletion(prompt, options);
      const second = await completion.generateCompletion(prompt, options);
      return [first, second] as const;
    } finally {
      await context.dispose();
    }
  };
  // The base model's run, made by whichever of the two tests below asks first (both only read it).
  let baseRun: ReturnType<typeof generate> | undefined;
  const base = () => (baseRun ??= generate(null));

  before(async () => {
    llama = await getLlama({ gpu: false, build: "never", maxThreads: 2 });
    model = await llama.loadModel({ modelPath: BASE_FILE });
  });
  after(async () => {
    await model?.dispose();
    await llama?.dispose();
  });

  test("the prompt tokenizes into word pieces", () => {
    const vocab = model.fileInfo.metadata.tokenizer.ggml.tokens;
    const pieces = model.tokenize(prompt).map((t) => vocab[t]);
    for (const word of ["###", "▁Response", "▁cardiac", "▁silhouette", "▁mediastinum", "▁pneumothorax"]) {
      assert.ok(pieces.includes(word), `"${word}" is not one token: ${pieces.join("|")}`);
    }
  });

  test("the base model generates the same non-empty, word-like text for the same seed", async () => {
    const [first, second] = await base();
    assert.equal(second, first);
    const words = first.trim().split(/\s+/);
    assert.ok(words.length >= 3, `too short: ${JSON.stringify(first)}`);
    assert.match(first, /^[A-Za-z0-9 .,]+$/, "only words and punctuation");
  });

  test("the LoRA adapter changes the text for the same prompt and seed (and does nothing at scale 0)", async () => {
    const [baseText] = await base();
    assert.ok(baseText.length > 0, "the base model wrote something");
    const [first, second] = await generate(1);
    assert.equal(second, first);
    assert.ok(first.trim().length > 0);
    assert.notEqual(first, baseText);
    const [unscaled] = await generate(0);
    assert.equal(unscaled, baseText);
  });
});

test("gguf writer: Q8_0 blocks as llama.cpp quantizes them (f16 scale, int8 rounded half away from zero)", () => {
  const data = new Array<number>(64).fill(0);
  data.splice(0, 4, 127, -2.5, 2.5, 0.4); // block 1: max 127, so the scale is exactly 1
  data[32] = -0.5; // block 2: scale 0.5 / 127
  const bytes = encodeGguf({ metadata: [], tensors: [{ name: "q.weight", type: "Q8_0", shape: [32, 2], data }] });
  const block = bytes.subarray(bytes.length - GGUF_ALIGNMENT * 3); // 68 bytes padded to 96
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  assert.equal(view.getUint16(0, true), 0x3c00);
  assert.deepEqual(
    [2, 3, 4, 5, 6].map((i) => view.getInt8(i)),
    [127, -3, 3, 0, 0],
  );
  // f16 of 0.5 / 127 = 0.0039370 = 2^-8 × 1.007874: exponent 7 (-8 + 15), mantissa 0.007874 × 1024 =
  // 8.06 → 8, so (7 << 10) | 8 = 0x1c08 (numpy 1.24: np.float16(np.float32(0.5) / 127).view(np.uint16)).
  assert.equal(view.getUint16(34, true), 0x1c08);
  assert.equal(view.getInt8(36), -127);
  assert.throws(
    () =>
      encodeGguf({ metadata: [], tensors: [{ name: "q", type: "Q8_0", shape: [16, 2], data: new Array(32).fill(0) }] }),
    /divisible by 32/,
  );
});
