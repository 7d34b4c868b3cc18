// A GGUF model (with LoRA adapters, e.g. Radiology-Llama2 on Llama-2-7B) that SecondRead's worker
// runs with node-llama-cpp (the engine: lib/generation/llm.ts). Adding one checks the files and
// records their sha256; the worker checks them again before loading.
import { z } from "zod";
import type { Actor } from "../../accounts/users.ts";
import { assertAdmin } from "../../accounts/access.ts";
import type { Db } from "../../platform/db.ts";
import { UserInputError } from "../../platform/errors.ts";
import { many, parseInput } from "../../platform/validation.ts";
import {
  ADAPTER_SCALE,
  generatedFacts,
  generatedOutput,
  LLM_LABELS,
  llmFormFields,
  settingsSchema,
  templateOrDefault,
} from "../llm-config.ts";
import { checkLlamaFiles, resolveModelPath, sha256File } from "../models.ts";
import { assertStudy, saveSystem, systemName } from "../save.ts";
import { type KindModule, readFacts } from "./kind.ts";

const KIND = "LLAMA" as const;

const fileRef = z.object({ file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), name: z.string() });
const adapterRef = fileRef.extend({ scale: z.number().min(ADAPTER_SCALE.min).max(ADAPTER_SCALE.max) });
export const llamaConfig = z.object({
  model: fileRef,
  adapters: z.array(adapterRef).max(8),
  template: z.string().min(1).max(20_000),
  settings: settingsSchema,
});
export type LlamaConfig = z.output<typeof llamaConfig>;
const llamaProvenance = z.object({ engine: z.literal("node-llama-cpp"), engineVersion: z.string() });
export const llamaOutput = generatedOutput.extend({
  engine: z.literal("node-llama-cpp"),
  engineVersion: z.string(),
  /** "cpu", "cuda", "vulkan", "metal". */
  backend: z.string().optional(),
  model: fileRef,
  adapters: z.array(adapterRef),
  /** Sequences decoded side by side change llama.cpp's arithmetic slightly: part of the recipe. */
  parallelSequences: z.number().optional(),
});
export type LlamaOutput = z.output<typeof llamaOutput>;

type LlamaInput = {
  model: string;
  adapters?: { file: string; scale: number }[];
  template?: string;
  settings?: Record<string, unknown>;
};

/** A checked configuration: the files exist and fit together, the settings fit the model. */
export async function buildLlamaConfig(input: LlamaInput): Promise<LlamaConfig> {
  const template = templateOrDefault(input.template);
  const settings = parseInput(settingsSchema, input.settings ?? {});
  const files = await checkLlamaFiles(input.model, input.adapters ?? []);
  if (files.base.contextLength && settings.contextSize > files.base.contextLength) {
    throw new UserInputError(
      `Context size ${settings.contextSize} is larger than the model's ${files.base.contextLength} tokens.`,
    );
  }
  if (settings.maxTokens >= settings.contextSize)
    throw new UserInputError("Max tokens must be smaller than the context size.");
  const ref = async (p: string, name: string) => ({ file: p, sha256: await sha256File(resolveModelPath(p)), name });
  return {
    model: await ref(input.model, files.base.name),
    adapters: await Promise.all(
      files.adapters.map(async (a, i) => ({ ...(await ref(input.adapters![i].file, a.info.name)), scale: a.scale })),
    ),
    template,
    settings,
  };
}

/** Adds the system; its outputs come from the worker once the admin starts generation. */
export async function addLlamaSystem(db: Db, actor: Actor, studyId: string, input: LlamaInput & { name: string }) {
  assertAdmin(actor);
  const name = parseInput(systemName, input.name);
  await assertStudy(db, studyId);
  const config = await buildLlamaConfig(input);
  const { getModuleVersion } = await import("node-llama-cpp");
  const provenance: z.input<typeof llamaProvenance> = {
    engine: "node-llama-cpp",
    engineVersion: await getModuleVersion(),
  };
  return saveSystem(db, actor, studyId, { name, kind: KIND, config, provenance }, []);
}

const fileOf = (f: { file: string }) => f.file;

const addFields = llmFormFields.extend({ model: z.string().default(""), adapter: many(z.string()) });

export const llama: KindModule = {
  kind: KIND,
  schemas: { config: llamaConfig, provenance: llamaProvenance, output: llamaOutput },
  label: "LLM (node-llama-cpp)",
  generated: true,
  adding: {
    choice: "LLM (GGUF model, generated here)",
    form: "model",
    defaultName: "",
    async add(db, actor, studyId, fields) {
      const { adapter, ...input } = parseInput(addFields, fields, { ...LLM_LABELS, model: "Model" });
      // Each adapter's scale comes in a field named after it (adapterScale:<file>).
      const scales = parseInput(z.record(z.string(), z.unknown()), fields);
      const adapters = adapter
        .filter(Boolean)
        .map((file) => ({ file, scale: Number(scales[`adapterScale:${file}`] ?? 1) }));
      const system = await addLlamaSystem(db, actor, studyId, { ...input, adapters });
      return { id: system.id };
    },
  },
  completion: { refusal: "Generate the missing outputs of an LLM system under Generation." },
  outputFacts: (provenance) =>
    readFacts(llamaOutput, provenance, (p) => ({
      ...generatedFacts(p),
      engine: p.engine,
      engineVersion: p.engineVersion,
      model: fileOf(p.model),
      modelSha256: p.model.sha256,
      adapters: p.adapters.map((a) => `${a.file}@${a.scale} (${a.sha256})`).join("; "),
    })),
};
