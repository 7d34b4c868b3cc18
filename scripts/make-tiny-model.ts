// Writes the tiny test-fixture model pair: test/fixtures/models/tiny-radiology-base.gguf (Llama architecture, random
// weights) and tiny-radiology-lora.gguf (a LoRA adapter for it), with their description files
// tiny-radiology-{base,lora}.json. Fully deterministic: running it twice gives byte-identical
// files (no Math.random, no dates, no transcendental functions in the weights; only IEEE arithmetic).
//
//   npx tsx scripts/make-tiny-model.ts [--out DIR]        (default DIR: test/fixtures/models/)
//
// The weights are random and the model is not clinically meaningful. It exists so that the tests
// exercise the real node-llama-cpp path (base GGUF + LoRA GGUF, as Radiology-Llama2 is
// served) without downloading anything. Its output is word salad, but word-like:
// - Vocabulary: a SentencePiece-style BPE vocabulary (<unk>, <s>, </s>, 256 byte tokens, "▁", the 94
//   printable ASCII characters, then ~2,100 merges) learnt from the findings and impressions of
//   prisma/demo/indiana_reports.csv laid out as Alpaca prompts, so real findings and the prompt
//   tokenize into word pieces ("▁pleural", "▁effusion", "###", "Response").
// - A frequency prior: residual dimension 0 carries a constant (every token embedding has it, no
//   layer writes to it, the layer norms ignore it), so column 0 of output.weight acts as a logit bias:
//   log-frequency for whole words and "." / ",", strongly negative for sub-word pieces and bytes.
//   Dimensions 1..4 work the same way for a little syntax (capitalised words after ".", no ".." and
//   </s> mostly after a full stop, so 32 tokens sometimes end by themselves). The other dimensions
//   are random, so the context still matters.
// The adapter has rank-8 LoRA pairs on attn_q and attn_v of every layer (as convert_lora_to_gguf.py
// writes for a PEFT q_proj/v_proj adapter) and on output.weight, where it shifts the prior towards the
// vocabulary of impressions, so the same prompt and seed give a different text with the adapter.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";
import { encodeGguf, gguf, llamaModelMetadata, type GgufTensor } from "./lib/gguf-writer.ts";
import { mulberry32 } from "../lib/platform/random.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
export const DEFAULT_CSV = path.join(ROOT, "prisma", "demo", "indiana_reports.csv");
export const DEFAULT_OUT = path.join(ROOT, "test", "fixtures", "models");

export const BASE_NAME = "tiny-radiology-base";
export const LORA_NAME = "tiny-radiology-lora";
const SEED = 20261127;
const HP = { embd: 64, layers: 2, heads: 4, ffn: 172, ctx: 512, loraRank: 8, loraAlpha: 8, merges: 2100 } as const;
const SPACE = "▁";

// ---------------------------------------------------------------- deterministic random numbers
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}
/** One independent mulberry32 stream per tensor name. */
const rng = (name: string) => mulberry32((fnv1a(name) ^ SEED) >>> 0);
/** Approximately N(0, 1): Irwin–Hall sum of four uniforms, rescaled (arithmetic only). */
const normal = (u: () => number) => (u() + u() + u() + u() - 2) * 1.7320508075688772;
/** log(x) rounded to 1/1024 so a last-bit difference in Math.log cannot change a weight. */
const qlog = (x: number) => Math.round(Math.log(x) * 1024) / 1024;

// ---------------------------------------------------------------- vocabulary (SentencePiece-style BPE)
/**
 * Pre-tokens as llama.cpp's SPM tokenizer sees text: a space is "▁" (one is added at the start of the
 * text), other whitespace such as "\n" stays a separate byte. Letter runs, digit runs and runs of one
 * punctuation mark ("###"); "▁" marks one that follows a space.
 */
export function pretokens(text: string): string[] {
  const out: string[] = [];
  for (const m of ` ${text}`.matchAll(/( *)([A-Za-z]+|[0-9]+|([^\sA-Za-z0-9])\3*)/g))
    out.push((m[1] ? SPACE : "") + m[2]);
  return out;
}

/**
 * A prompt in Radiology-Llama2's Alpaca-style format (template "radiology-llama2-alpaca"; the same text
 * as DEFAULT_TEMPLATE in lib/systems/llm-config.ts, copied so that the model files do not change when the
 * app's template is edited). The vocabulary is learnt from the reports laid out this way.
 */
export function alpacaPrompt(findings: string): string {
  return (
    "Below is an instruction that describes a task, paired with an input that provides further context. " +
    "Write a response that appropriately completes the request.\n\n" +
    "### Instruction:\nDerive the impression from findings in the radiology report\n\n" +
    `### Input:\nFindings: ${findings}\n\n### Response:\n`
  );
}

interface Vocab {
  tokens: string[];
  scores: number[];
  types: number[];
  wordCounts: Map<string, number>;
  impressionCounts: Map<string, number>;
}

function buildVocab(reports: readonly { findings: string; impression: string }[]): Vocab {
  const wordCounts = new Map<string, number>();
  const impressionCounts = new Map<string, number>();
  const add = (m: Map<string, number>, w: string, n = 1) => m.set(w, (m.get(w) ?? 0) + n);
  for (const r of reports) {
    for (const w of pretokens(r.findings)) add(wordCounts, w);
    for (const w of pretokens(r.impression)) {
      add(wordCounts, w);
      add(impressionCounts, w);
    }
  }
  // The merges are learnt from the reports laid out as prompts: the template's words and the first
  // word after a newline (no "▁") become pieces too.
  const training = new Map<string, number>();
  for (const r of reports) for (const w of pretokens(alpacaPrompt(r.findings) + r.impression)) add(training, w);

  // Byte-pair merges over the word types, ties broken by the pair's text: deterministic. Pair counts
  // are kept up to date incrementally (only the words containing the merged pair are revisited).
  const words = [...training].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([w, n]) => ({ syms: [...w], n }));
  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const countPairs = (i: number, sign: 1 | -1) => {
    const { syms, n } = words[i]!;
    for (let k = 0; k + 1 < syms.length; k++) {
      const p = `${syms[k]}\u0000${syms[k + 1]}`;
      add(pairCounts, p, sign * n);
      if (sign > 0) {
        let set = pairWords.get(p);
        if (!set) {
          set = new Set();
          pairWords.set(p, set);
        }
        set.add(i);
      }
    }
  };
  for (let i = 0; i < words.length; i++) countPairs(i, 1);
  const pieces: string[] = [];
  for (let m = 0; m < HP.merges; m++) {
    let best = "",
      bestN = 0;
    for (const [p, n] of pairCounts)
      if (n > bestN || (n === bestN && p < best)) {
        best = p;
        bestN = n;
      }
    if (bestN < 2) break;
    const [l, r] = best.split("\u0000") as [string, string];
    pieces.push(l + r);
    for (const i of [...pairWords.get(best)!].sort((x, y) => x - y)) {
      const w = words[i]!;
      countPairs(i, -1);
      const merged: string[] = [];
      for (let k = 0; k < w.syms.length; k++) {
        if (k + 1 < w.syms.length && w.syms[k] === l && w.syms[k + 1] === r) {
          merged.push(l + r);
          k++;
        } else merged.push(w.syms[k]!);
      }
      w.syms = merged;
      countPairs(i, 1);
    }
    pairWords.delete(best);
  }

  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  const ordinary = [SPACE, ...Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)), ...pieces];
  const seen = new Set<string>(tokens);
  for (const p of ordinary)
    if (!seen.has(p)) {
      seen.add(p);
      tokens.push(p);
      types.push(1);
    }
  // Descending scores: the SPM tokenizer merges the highest-scoring pair first (earliest BPE merge).
  const scores = tokens.map((_, i) => (i < 259 ? 0 : 259 - i));
  return { tokens, scores, types, wordCounts, impressionCounts };
}

// ---------------------------------------------------------------- weights
const randomTensor = (name: string, shape: number[], scale: number, type: "F32" | "F16" = "F32"): GgufTensor => {
  const u = rng(name);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = normal(u) * scale;
  return { name, type, shape, data };
};
// Residual dimensions 0..3 are "structure channels" that only the token embedding writes (no layer
// writes to them) and that the layer norms hide from the layers; their output.weight columns:
//   0: the constant EMBD_CONST           → a logit bias (the prior);
//   1: +C after "." or "\n", -C otherwise → capitalised words and </s> after a sentence end, lower-case
//                                           words and punctuation inside a sentence;
//   2: +C after "." or ","               → no punctuation right after punctuation;
//   3: +C after "\n" (prompt end)        → no punctuation and no </s> as the first token;
//   4: +C after a capitalised word        → no one-word sentences ("No.").
const CHANNELS = 5;
const zeroChannelRows = (t: GgufTensor): GgufTensor => {
  (t.data as Float32Array).fill(0, 0, CHANNELS * t.shape[0]!);
  return t;
};
const normWeights = (name: string): GgufTensor => {
  const data = new Float32Array(HP.embd).fill(1);
  data.fill(0, 0, CHANNELS);
  return { name, type: "F32", shape: [HP.embd], data };
};

const EMBD_CONST = 1; // value of channel 0, and the scale of the other channels and of the random part
const BIAS_GAIN = 1 / 4.5; // ≈ 1 / (channel 0 after output_norm), measured: the prior keeps its scale
const EOS_LOG_PROB = -3.3; // </s> prior: with +SYNTAX after ".", 32 tokens end by themselves now and then
const PIECE_LOG_PROB = -14; // sub-word pieces, bytes, <unk>, <s>: practically never sampled
// Added to every logit: no effect on the distribution, but llama.cpp's repeat penalty divides positive
// logits (and multiplies negative ones), so with positive logits a penalty of 1.1 (the app's default)
// costs a recently seen token ≈ 0.5–1 logit: enough to keep greedy decoding out of short loops ("There
// limits. There limits. …"), small enough that sentences still end.
const LOGIT_OFFSET = 12;
const OUT_RAND = 0.35; // random (context-dependent) part of the logits
const LAYER_GAIN = 0.1; // how much the layers add to the residual stream
const SYNTAX = 3; // logit shift from channels 1 to 4
const ANTI_REPEAT = 0.7; // ≈ 3 logits against a token following itself
const LORA_EOS_SHIFT = 0.5; // the adapter ("impression style") ends a little sooner

type TokenClass = "capital" | "lower" | "punct" | "eos" | "other";
function classify(vocab: Vocab): TokenClass[] {
  return vocab.tokens.map((t, id) => {
    if (id === 2) return "eos";
    if (t === "." || t === ",") return (vocab.wordCounts.get(t) ?? 0) >= 2 ? "punct" : "other";
    if (!/^▁[A-Za-z0-9]+$/.test(t) || t.includes("XXXX") || (vocab.wordCounts.get(t) ?? 0) < 2) return "other";
    return /^▁[A-Z]/.test(t) ? "capital" : "lower";
  });
}

/** The prior used as logit bias: log-frequency of whole words and of "." and ",". */
function wordPrior(vocab: Vocab, counts: Map<string, number>): Float32Array {
  let total = 0;
  for (const [, n] of counts) total += n;
  const classes = classify(vocab);
  return Float32Array.from(vocab.tokens, (t, id) => {
    const c = classes[id]!;
    if (c === "eos") return EOS_LOG_PROB;
    if (c === "other") return PIECE_LOG_PROB;
    return qlog(Math.max(counts.get(t) ?? 0, 0.5) / total);
  });
}

function baseTensors(vocab: Vocab): GgufTensor[] {
  const { embd: E, ffn: F, layers } = HP;
  const V = vocab.tokens.length;
  const classes = classify(vocab);
  const newline = (id: number) => id === 3 + 0x0a; // the byte token <0x0A>
  const sentenceEnd = (id: number) => vocab.tokens[id] === "." || newline(id);
  const punctuation = (id: number) => vocab.tokens[id] === "." || vocab.tokens[id] === ",";
  const embd = randomTensor("token_embd.weight", [E, V], EMBD_CONST / Math.sqrt(E - CHANNELS), "F16");
  const e = embd.data as Float32Array;
  for (let t = 0; t < V; t++) {
    e[t * E] = EMBD_CONST;
    e[t * E + 1] = sentenceEnd(t) ? EMBD_CONST : -EMBD_CONST;
    e[t * E + 2] = punctuation(t) ? EMBD_CONST : 0;
    e[t * E + 3] = newline(t) ? EMBD_CONST : 0;
    e[t * E + 4] = classes[t] === "capital" ? EMBD_CONST : 0;
  }
  const prior = wordPrior(vocab, vocab.wordCounts);
  const output = randomTensor("output.weight", [E, V], OUT_RAND, "F16");
  const o = output.data as Float32Array;
  for (let t = 0; t < V; t++) {
    const c = classes[t]!;
    if (c === "eos")
      o.fill(0, t * E, (t + 1) * E); // </s> depends on the channels only
    // anti-correlate each word's output row with its own embedding: a word rarely follows itself
    else for (let d = CHANNELS; d < E; d++) o[t * E + d]! -= ANTI_REPEAT * e[t * E + d]!;
    o[t * E] = (prior[t]! + LOGIT_OFFSET) * BIAS_GAIN;
    o[t * E + 1] = (c === "capital" ? SYNTAX : c === "eos" ? SYNTAX : c === "other" ? 0 : -SYNTAX) * BIAS_GAIN;
    o[t * E + 2] = (c === "punct" ? -2 * SYNTAX : 0) * BIAS_GAIN;
    o[t * E + 3] = (c === "punct" ? -2 * SYNTAX : c === "eos" ? -3 * SYNTAX : 0) * BIAS_GAIN;
    o[t * E + 4] = (c === "punct" ? -2 * SYNTAX : 0) * BIAS_GAIN;
  }
  const out: GgufTensor[] = [
    embd,
    { name: "output_norm.weight", type: "F32", shape: [E], data: new Float32Array(E).fill(1) },
    output,
  ];
  for (let l = 0; l < layers; l++) {
    const b = `blk.${l}`;
    out.push(
      normWeights(`${b}.attn_norm.weight`),
      randomTensor(`${b}.attn_q.weight`, [E, E], 2 / Math.sqrt(E)),
      randomTensor(`${b}.attn_k.weight`, [E, E], 2 / Math.sqrt(E)),
      randomTensor(`${b}.attn_v.weight`, [E, E], 1 / Math.sqrt(E)),
      zeroChannelRows(randomTensor(`${b}.attn_output.weight`, [E, E], LAYER_GAIN / Math.sqrt(E))),
      normWeights(`${b}.ffn_norm.weight`),
      randomTensor(`${b}.ffn_gate.weight`, [E, F], 1 / Math.sqrt(E)),
      randomTensor(`${b}.ffn_up.weight`, [E, F], 1 / Math.sqrt(E)),
      zeroChannelRows(randomTensor(`${b}.ffn_down.weight`, [F, E], LAYER_GAIN / Math.sqrt(F))),
    );
  }
  return out;
}

/**
 * LoRA pairs as llama.cpp's llama-adapter.cpp expects: "<base tensor>.lora_a" with shape
 * [n_in, rank] and "<base tensor>.lora_b" with shape [rank, n_out] (ggml order); W' = W + s·B·A with
 * s = scale · alpha / rank.
 */
function loraTensors(vocab: Vocab): GgufTensor[] {
  const { embd: E, layers, loraRank: r } = HP;
  const V = vocab.tokens.length;
  const out: GgufTensor[] = [];
  for (let l = 0; l < layers; l++) {
    for (const target of ["attn_q", "attn_v"]) {
      const name = `blk.${l}.${target}.weight`;
      out.push(
        randomTensor(`${name}.lora_a`, [E, r], 1 / Math.sqrt(E)),
        randomTensor(`${name}.lora_b`, [r, E], 0.6 / Math.sqrt(r)),
      );
    }
  }
  // output.weight: rank 0 reads channel 0 (the constant) and shifts the prior towards the vocabulary
  // of impressions; ranks 1..7 are random but read only the random dimensions and write only words.
  const a = randomTensor("output.weight.lora_a", [E, r], 0.5 / Math.sqrt(E));
  const b = randomTensor("output.weight.lora_b", [r, V], 0.3);
  const ad = a.data as Float32Array,
    bd = b.data as Float32Array;
  ad.fill(0, 0, E);
  ad[0] = 1;
  for (let k = 1; k < r; k++) ad.fill(0, k * E, k * E + CHANNELS);
  const classes = classify(vocab);
  const base = wordPrior(vocab, vocab.wordCounts);
  const impressions = wordPrior(vocab, vocab.impressionCounts);
  for (let t = 0; t < V; t++) {
    const c = classes[t]!;
    if (c === "other" || c === "eos") bd.fill(0, t * r, (t + 1) * r); // never surface pieces or bytes
    if (c === "eos") bd[t * r] = LORA_EOS_SHIFT * BIAS_GAIN;
    else if (c !== "other") bd[t * r] = Math.max(-3, Math.min(3, impressions[t]! - base[t]!)) * BIAS_GAIN;
  }
  out.push(a, b);
  return out;
}

// ---------------------------------------------------------------- files
export interface ModelFile {
  fileName: string;
  descriptionName: string;
  bytes: Uint8Array;
  description: Record<string, unknown>;
}

const sha256 = (b: Uint8Array) => crypto.createHash("sha256").update(b).digest("hex");
const countParams = (ts: GgufTensor[]) => ts.reduce((n, t) => n + t.data.length, 0);
const COMMON = {
  architecture: "llama",
  template: "radiology-llama2-alpaca",
  source: "generated by scripts/make-tiny-model.ts; random weights, not clinically meaningful",
  licence: "Apache-2.0, same as the project",
  note: "Test fixture with random weights: it exercises the real generation path (node-llama-cpp, base + LoRA adapter), but its impressions are not clinically meaningful.",
};

/** Build both GGUF files and their descriptions in memory from the report CSV's text. */
export function buildTinyModels(csv: string | Buffer): ModelFile[] {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<string, string | undefined>[];
  const vocab = buildVocab(rows.map((r) => ({ findings: r.findings ?? "", impression: r.impression ?? "" })));
  const { embd: E, layers, heads, ffn, ctx } = HP;
  // mostly F16 (embeddings and output; norms and layers F32)
  const meta = llamaModelMetadata({
    name: BASE_NAME,
    fileType: 1,
    shape: { ctx, embd: E, layers, ffn, heads, ropeBase: 10000, eps: 1e-5 },
    vocab,
  });

  const base = baseTensors(vocab);
  const baseBytes = encodeGguf({ metadata: meta, tensors: base });
  const lora = loraTensors(vocab);
  const loraBytes = encodeGguf({
    metadata: [
      ["general.architecture", gguf.string("llama")],
      ["general.type", gguf.string("adapter")],
      ["general.name", gguf.string(LORA_NAME)],
      ["general.license", gguf.string("apache-2.0")],
      ["adapter.type", gguf.string("lora")],
      ["adapter.lora.alpha", gguf.f32(HP.loraAlpha)],
    ],
    tensors: lora,
  });
  return [
    {
      fileName: `${BASE_NAME}.gguf`,
      descriptionName: `${BASE_NAME}.json`,
      bytes: baseBytes,
      description: {
        name: BASE_NAME,
        file: `${BASE_NAME}.gguf`,
        sha256: sha256(baseBytes),
        size: baseBytes.length,
        role: "base",
        ...COMMON,
        parameters: countParams(base),
        contextLength: ctx,
        vocabularySize: vocab.tokens.length,
      },
    },
    {
      fileName: `${LORA_NAME}.gguf`,
      descriptionName: `${LORA_NAME}.json`,
      bytes: loraBytes,
      description: {
        name: LORA_NAME,
        file: `${LORA_NAME}.gguf`,
        sha256: sha256(loraBytes),
        size: loraBytes.length,
        role: "adapter",
        base: `${BASE_NAME}.gguf`,
        ...COMMON,
        parameters: countParams(lora),
        lora: { rank: HP.loraRank, alpha: HP.loraAlpha, targets: ["attn_q", "attn_v", "output"] },
      },
    },
  ];
}

/** Write the two GGUF files and their JSON descriptions into `outDir`. */
export function writeTinyModels(outDir = DEFAULT_OUT, csvPath = DEFAULT_CSV): ModelFile[] {
  const files = buildTinyModels(fs.readFileSync(csvPath));
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of files) {
    fs.writeFileSync(path.join(outDir, f.fileName), f.bytes);
    fs.writeFileSync(path.join(outDir, f.descriptionName), `${JSON.stringify(f.description, null, 2)}\n`);
  }
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const i = process.argv.indexOf("--out");
  const outDir = i > 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]!) : DEFAULT_OUT;
  for (const f of writeTinyModels(outDir)) {
    console.log(
      `${f.description.sha256}  ${path.join(outDir, f.fileName)}  (${f.bytes.length} bytes, ${f.description.parameters} parameters)`,
    );
  }
}
