// A small, deterministic GGUF v3 writer (little-endian, 32-byte alignment), enough to write tiny
// Llama-architecture models and LoRA adapters that llama.cpp / node-llama-cpp load.
//
// Layout written (see llama.cpp's ggml/src/gguf.cpp and gguf-py/gguf/gguf_writer.py):
//   "GGUF" | u32 version=3 | u64 tensor count | u64 metadata count
//   metadata: string key, u32 value type, value           (in the order given)
//   tensor infos: string name, u32 n_dims, u64 dims[n_dims] (ggml order: ne0, the contiguous
//                 dimension, first), u32 ggml type, u64 offset into the data section
//   zero padding to 32 bytes, then each tensor's data, each padded to 32 bytes.
// Strings are u64 byte length + UTF-8 bytes (no terminator). Nothing depends on time, locale or
// platform byte order, so the same input always gives byte-identical output.
//
// Usage:
//   const bytes = encodeGguf({
//     metadata: [["general.architecture", gguf.string("llama")], ["llama.block_count", gguf.u32(2)]],
//     tensors: [{ name: "output_norm.weight", type: "F32", shape: [64], data: new Float32Array(64).fill(1) }],
//   });
//   fs.writeFileSync("model.gguf", bytes);

/** A typed metadata value. Build one with the `gguf.*` helpers. */
export type GgufValue =
  | { readonly type: "u32"; readonly value: number }
  | { readonly type: "i32"; readonly value: number }
  | { readonly type: "f32"; readonly value: number }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "string[]"; readonly value: readonly string[] }
  | { readonly type: "f32[]"; readonly value: ArrayLike<number> }
  | { readonly type: "i32[]"; readonly value: ArrayLike<number> };

/** Metadata helpers: `gguf.u32(512)`, `gguf.string("llama")`, `gguf.f32Array(scores)` … */
export const gguf = {
  u32: (value: number): GgufValue => ({ type: "u32", value }),
  i32: (value: number): GgufValue => ({ type: "i32", value }),
  f32: (value: number): GgufValue => ({ type: "f32", value }),
  bool: (value: boolean): GgufValue => ({ type: "bool", value }),
  string: (value: string): GgufValue => ({ type: "string", value }),
  stringArray: (value: readonly string[]): GgufValue => ({ type: "string[]", value }),
  f32Array: (value: ArrayLike<number>): GgufValue => ({ type: "f32[]", value }),
  i32Array: (value: ArrayLike<number>): GgufValue => ({ type: "i32[]", value }),
};

export type GgufTensorType = "F32" | "F16" | "Q8_0";

export interface GgufTensor {
  /** e.g. "blk.0.attn_q.weight" (at most 63 bytes, llama.cpp's GGML_MAX_NAME - 1). */
  readonly name: string;
  readonly type: GgufTensorType;
  /** ggml order: shape[0] is the contiguous dimension. A [E, V] matrix is V rows of E values. */
  readonly shape: readonly number[];
  /** Row-major values in ggml order, length = product of shape. Converted to `type` when written. */
  readonly data: ArrayLike<number>;
}

export interface GgufFile {
  /** Written in this order; keys must be unique. */
  readonly metadata: ReadonlyArray<readonly [string, GgufValue]>;
  readonly tensors: readonly GgufTensor[];
}

export const GGUF_ALIGNMENT = 32;
const VALUE_TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
// Q8_0: blocks of 32 values along shape[0], each an f16 scale and 32 int8s (34 bytes).
const TENSOR_TYPE: Record<GgufTensorType, { id: number; bytes: number }> = {
  F32: { id: 0, bytes: 4 },
  F16: { id: 1, bytes: 2 },
  Q8_0: { id: 8, bytes: 34 / 32 },
};
const Q8_BLOCK = 32;

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE binary16 bits of `x` (rounded to float32 first, then to nearest-even half). */
export function float32ToFloat16Bits(x: number): number {
  f32Scratch[0] = x;
  const bits = u32Scratch[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    // subnormal half (or zero)
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++; // may carry into the exponent: correct
  return sign | half;
}

/** Append-only little-endian byte sink. */
class ByteSink {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u32(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`not a u32: ${v}`);
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  i32(v: number): void {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`not an i32: ${v}`);
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }
  u64(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a u64: ${v}`);
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  f32(v: number): void {
    if (typeof v !== "number") throw new TypeError(`not a number: ${String(v)}`);
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  f16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, float32ToFloat16Bits(v), true);
    this.length += 2;
  }
  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v & 0xff;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  pad(alignment: number): void {
    while (this.length % alignment !== 0) this.u8(0);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** As llama.cpp's quantize_row_q8_0_ref: d = max|x| / 127 (stored as f16), q = round(x / d). */
function writeQ8_0(out: ByteSink, data: ArrayLike<number>): void {
  for (let b = 0; b < data.length; b += Q8_BLOCK) {
    let amax = 0;
    for (let i = 0; i < Q8_BLOCK; i++) amax = Math.max(amax, Math.abs(data[b + i]!));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    out.f16(d);
    for (let i = 0; i < Q8_BLOCK; i++) {
      const x = Math.fround(data[b + i]! * id);
      out.u8(Math.sign(x) * Math.round(Math.abs(x))); // C's roundf: halves away from zero
    }
  }
}

function writeValue(out: ByteSink, key: string, v: GgufValue): void {
  const array = (elementType: number, n: number, each: (i: number) => void) => {
    out.u32(VALUE_TYPE.array);
    out.u32(elementType);
    out.u64(n);
    for (let i = 0; i < n; i++) each(i);
  };
  switch (v.type) {
    case "u32":
      out.u32(VALUE_TYPE.u32);
      out.u32(v.value);
      break;
    case "i32":
      out.u32(VALUE_TYPE.i32);
      out.i32(v.value);
      break;
    case "f32":
      out.u32(VALUE_TYPE.f32);
      out.f32(v.value);
      break;
    case "bool":
      out.u32(VALUE_TYPE.bool);
      out.u8(v.value ? 1 : 0);
      break;
    case "string":
      out.u32(VALUE_TYPE.string);
      out.string(v.value);
      break;
    case "string[]":
      array(VALUE_TYPE.string, v.value.length, (i) => out.string(v.value[i]!));
      break;
    case "f32[]":
      array(VALUE_TYPE.f32, v.value.length, (i) => out.f32(v.value[i]!));
      break;
    case "i32[]":
      array(VALUE_TYPE.i32, v.value.length, (i) => out.i32(v.value[i]!));
      break;
    default:
      throw new TypeError(`metadata ${key}: unknown value type`);
  }
}

/** Number of bytes a tensor's data takes (before padding). */
export function tensorByteSize(t: Pick<GgufTensor, "type" | "shape">): number {
  return t.shape.reduce((a, b) => a * b, 1) * TENSOR_TYPE[t.type].bytes;
}

/** Serialise a GGUF v3 file. Throws on duplicate keys/names, bad shapes or out-of-range values. */
export function encodeGguf(file: GgufFile): Uint8Array {
  const keys = new Set<string>();
  for (const [key] of file.metadata) {
    if (key.length === 0 || keys.has(key)) throw new Error(`metadata key empty or duplicated: "${key}"`);
    keys.add(key);
  }
  const names = new Set<string>();
  for (const t of file.tensors) {
    if (names.has(t.name) || t.name.length === 0 || new TextEncoder().encode(t.name).length > 63) {
      throw new Error(`tensor name empty, too long or duplicated: "${t.name}"`);
    }
    names.add(t.name);
    if (!(t.type in TENSOR_TYPE)) throw new Error(`tensor ${t.name}: unsupported type ${String(t.type)}`);
    if (t.shape.length < 1 || t.shape.length > 4 || t.shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`tensor ${t.name}: bad shape [${t.shape.join(", ")}]`);
    }
    if (t.type === "Q8_0" && t.shape[0]! % Q8_BLOCK !== 0)
      throw new Error(`tensor ${t.name}: Q8_0 needs shape[0] divisible by ${Q8_BLOCK}`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n)
      throw new Error(`tensor ${t.name}: ${t.data.length} values for shape [${t.shape.join(", ")}] (${n})`);
  }

  const out = new ByteSink();
  out.bytes(new TextEncoder().encode("GGUF"));
  out.u32(3);
  out.u64(file.tensors.length);
  out.u64(file.metadata.length);
  for (const [key, value] of file.metadata) {
    out.string(key);
    writeValue(out, key, value);
  }
  let offset = 0;
  for (const t of file.tensors) {
    out.string(t.name);
    out.u32(t.shape.length);
    for (const d of t.shape) out.u64(d);
    out.u32(TENSOR_TYPE[t.type].id);
    out.u64(offset);
    offset += Math.ceil(tensorByteSize(t) / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;
  }
  out.pad(GGUF_ALIGNMENT);
  for (const t of file.tensors) {
    if (t.type === "Q8_0") writeQ8_0(out, t.data);
    else {
      const write = t.type === "F32" ? (v: number) => out.f32(v) : (v: number) => out.f16(v);
      for (let i = 0; i < t.data.length; i++) write(t.data[i]!);
    }
    out.pad(GGUF_ALIGNMENT);
  }
  return out.result();
}

/** The metadata of a Llama-architecture model with a SentencePiece-style vocabulary (ids 0–2: unk, bos, eos). */
export function llamaModelMetadata(m: {
  name: string;
  fileType: number;
  shape: { ctx: number; embd: number; layers: number; ffn: number; heads: number; ropeBase: number; eps: number };
  vocab: { tokens: readonly string[]; scores: ArrayLike<number>; types: ArrayLike<number> };
  addSpacePrefix?: boolean;
}): [string, GgufValue][] {
  const { ctx, embd, layers, ffn, heads, ropeBase, eps } = m.shape;
  return [
    ["general.architecture", gguf.string("llama")],
    ["general.type", gguf.string("model")],
    ["general.name", gguf.string(m.name)],
    ["general.license", gguf.string("apache-2.0")],
    ["general.file_type", gguf.u32(m.fileType)],
    ["llama.vocab_size", gguf.u32(m.vocab.tokens.length)],
    ["llama.context_length", gguf.u32(ctx)],
    ["llama.embedding_length", gguf.u32(embd)],
    ["llama.block_count", gguf.u32(layers)],
    ["llama.feed_forward_length", gguf.u32(ffn)],
    ["llama.attention.head_count", gguf.u32(heads)],
    ["llama.attention.head_count_kv", gguf.u32(heads)],
    ["llama.rope.dimension_count", gguf.u32(embd / heads)],
    ["llama.rope.freq_base", gguf.f32(ropeBase)],
    ["llama.attention.layer_norm_rms_epsilon", gguf.f32(eps)],
    ["tokenizer.ggml.model", gguf.string("llama")],
    ["tokenizer.ggml.tokens", gguf.stringArray(m.vocab.tokens)],
    ["tokenizer.ggml.scores", gguf.f32Array(m.vocab.scores)],
    ["tokenizer.ggml.token_type", gguf.i32Array(m.vocab.types)],
    ["tokenizer.ggml.unknown_token_id", gguf.u32(0)],
    ["tokenizer.ggml.bos_token_id", gguf.u32(1)],
    ["tokenizer.ggml.eos_token_id", gguf.u32(2)],
    ["tokenizer.ggml.add_bos_token", gguf.bool(true)],
    ["tokenizer.ggml.add_eos_token", gguf.bool(false)],
    ...(m.addSpacePrefix === undefined
      ? []
      : [["tokenizer.ggml.add_space_prefix", gguf.bool(m.addSpacePrefix)] as [string, GgufValue]]),
  ];
}
