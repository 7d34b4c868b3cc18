// GGUF models: the catalogue in models/, and checks that a file is a usable model before any
// process tries to load it (a malformed GGUF can abort the process that loads it).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "../platform/env.ts";
import { UserInputError } from "../platform/errors.ts";
import { ADAPTER_SCALE } from "./llm-config.ts";

// From the working directory (every SecondRead process runs in the project root): bundled
// server code has no reliable import.meta.dirname.
/** models/ (the folder `npm start` runs in), or SECONDREAD_MODELS_DIR. */
const modelsDir = () => path.resolve(env().SECONDREAD_MODELS_DIR ?? path.join(process.cwd(), "models"));

type ModelDescription = {
  name: string;
  file: string;
  sha256: string;
  size: number;
  role: "base" | "adapter";
  base?: string;
  architecture?: string;
  template?: string;
  source?: string;
  licence?: string;
  note?: string;
  /** The model the admin UI offers first (the shipped radiology-mini). */
  default?: boolean;
};

/** The models shipped or registered in models/ (one JSON description per GGUF file). */
export function listModels(dir = modelsDir()): ModelDescription[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((f) => {
      try {
        return [JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as ModelDescription];
      } catch {
        console.error(`models/${f} is not valid JSON; it is left out of the catalogue.`);
        return [];
      }
    })
    .filter((m) => typeof m.file === "string" && fs.existsSync(path.join(dir, m.file)))
    .sort((a, b) => Number(b.default === true) - Number(a.default === true));
}

/** Folders models may be read from: models/ and those listed in SECONDREAD_MODEL_DIRS (":"-separated). */
function modelDirs(): string[] {
  return [
    modelsDir(),
    ...env()
      .SECONDREAD_MODEL_DIRS.split(":")
      .filter(Boolean)
      .map((d) => path.resolve(d)),
  ];
}

/** A file name from the catalogue, or an absolute path the admin typed. */
export function resolveModelPath(file: string): string {
  return path.resolve(modelsDir(), file);
}

/** Admins choose models, not arbitrary server files: the path (links followed) must lie in a model folder. */
function assertInModelDirs(p: string, label: string) {
  let real = p;
  try {
    real = fs.realpathSync(p);
  } catch {
    // missing: reported by the caller with a clearer message
  }
  const inside = modelDirs().some((d) => {
    const rel = path.relative(fs.existsSync(d) ? fs.realpathSync(d) : d, real);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  });
  if (!inside)
    throw new UserInputError(
      `${label}: models are read only from the model folders (models/, or folders listed in SECONDREAD_MODEL_DIRS).`,
    );
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

// Bytes per block and elements per block of the ggml tensor types a GGUF may hold.
const TYPE_SIZES: Record<number, [bytes: number, elements: number]> = {
  0: [4, 1],
  1: [2, 1],
  2: [18, 32],
  3: [20, 32],
  6: [22, 32],
  7: [24, 32],
  8: [34, 32],
  9: [36, 32],
  10: [84, 256],
  11: [110, 256],
  12: [144, 256],
  13: [176, 256],
  14: [210, 256],
  15: [292, 256],
  24: [1, 1],
  25: [2, 1],
  26: [4, 1],
  27: [8, 1],
  28: [8, 1],
  30: [2, 1],
};

type GgufSummary = {
  path: string;
  size: number;
  type: "model" | "adapter";
  architecture: string;
  name: string;
  contextLength: number | null;
  tensors: Map<string, number[]>;
};

/**
 * Reads and checks a GGUF file's header without loading it: it exists, it is a GGUF, its
 * metadata is readable, and it is as long as its tensors say (a truncated download is caught
 * here rather than crashing the worker).
 */
async function inspectGguf(file: string): Promise<GgufSummary> {
  const p = resolveModelPath(file);
  const label = path.basename(p);
  assertInModelDirs(p, label);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new UserInputError(`${label}: no such file.`);
  }
  if (!stat.isFile()) throw new UserInputError(`${label}: not a file.`);
  const magic = Buffer.alloc(4);
  let fd: number | null = null;
  try {
    fd = fs.openSync(p, "r");
    fs.readSync(fd, magic, 0, 4, 0);
  } catch (e) {
    throw new UserInputError(`${label}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"}).`);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
  if (magic.toString("latin1") !== "GGUF")
    throw new UserInputError(`${label}: not a GGUF file (it does not start with the GGUF signature).`);

  const { readGgufFileInfo } = await import("node-llama-cpp");
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(p, { readTensorInfo: true, logWarnings: false });
  } catch (e) {
    throw new UserInputError(
      `${label}: the GGUF header cannot be read (${(e as Error).message}). The file may be truncated or damaged.`,
    );
  }
  const meta = info.metadata as unknown as {
    general?: { architecture?: string; name?: string; type?: string };
  } & Record<string, Record<string, unknown>>;
  const architecture = meta.general?.architecture;
  if (!architecture) throw new UserInputError(`${label}: the GGUF metadata has no general.architecture.`);

  let end = 0;
  const tensors = new Map<string, number[]>();
  for (const t of info.fullTensorInfo ?? []) {
    const dims = t.dimensions.map(Number);
    tensors.set(t.name, dims);
    const size = TYPE_SIZES[t.ggmlType];
    if (!size) continue;
    const elements = dims.reduce((a, b) => a * b, 1);
    end = Math.max(end, Number(t.fileOffset) + (elements / size[1]) * size[0]);
  }
  if (end > stat.size)
    throw new UserInputError(
      `${label}: the file is truncated (${stat.size} bytes, its tensors need ${end}). Download or copy it again.`,
    );

  const archMeta = meta[architecture] ?? {};
  return {
    path: p,
    size: stat.size,
    type: meta.general?.type === "adapter" ? "adapter" : "model",
    architecture,
    name: meta.general?.name ?? label,
    contextLength: typeof archMeta.context_length === "number" ? archMeta.context_length : null,
    tensors,
  };
}

/** A LoRA adapter fits a base when every tensor it adapts exists in the base with matching sides. */
function checkAdapterFits(base: GgufSummary, adapter: GgufSummary): string | null {
  const label = path.basename(adapter.path);
  if (adapter.type !== "adapter") return `${label} is a model, not a LoRA adapter.`;
  if (base.type !== "model") return `${path.basename(base.path)} is an adapter, not a base model.`;
  if (adapter.architecture !== base.architecture)
    return `${label} is for ${adapter.architecture} models; the base is ${base.architecture}.`;
  for (const [name, dims] of adapter.tensors) {
    const m = /^(.*)\.lora_([ab])$/.exec(name);
    if (!m) continue;
    const target = base.tensors.get(m[1]);
    if (!target) return `${label} adapts ${m[1]}, which the base model does not have: it was made for another base.`;
    const fits = m[2] === "a" ? dims[0] === target[0] : dims[1] === target[1];
    if (!fits)
      return `${label} does not fit the base: ${name} has shape [${dims}] but ${m[1]} is [${target}]. It was made for another base.`;
  }
  return null;
}

/** Everything about the files that can be checked without loading them. */
export async function checkLlamaFiles(model: string, adapters: { file: string; scale: number }[]) {
  const base = await inspectGguf(model);
  if (base.type !== "model")
    throw new UserInputError(
      `${path.basename(base.path)} is a LoRA adapter; choose a base model and add the adapter below it.`,
    );
  const checked = [];
  for (const a of adapters) {
    if (!Number.isFinite(a.scale) || a.scale < ADAPTER_SCALE.min || a.scale > ADAPTER_SCALE.max)
      throw new UserInputError(
        `The scale of ${a.file} must be a number from ${ADAPTER_SCALE.min} to ${ADAPTER_SCALE.max}.`,
      );
    const info = await inspectGguf(a.file);
    const misfit = checkAdapterFits(base, info);
    if (misfit) throw new UserInputError(misfit);
    checked.push({ info, scale: a.scale });
  }
  return { base, adapters: checked };
}
