// A model behind an OpenAI-compatible completions endpoint (vLLM, llama.cpp's server, Ollama),
// called by SecondRead's worker (the engine: lib/generation/openai.ts) with the same prompt.
import { z } from "zod";
import type { Actor } from "../../accounts/users.ts";
import { assertAdmin } from "../../accounts/access.ts";
import type { Db } from "../../platform/db.ts";
import { parseInput } from "../../platform/validation.ts";
import {
  generatedFacts,
  generatedOutput,
  LLM_LABELS,
  llmFormFields,
  settingsSchema,
  templateOrDefault,
} from "../llm-config.ts";
import { assertStudy, saveSystem, systemName } from "../save.ts";
import { type KindModule, readFacts } from "./kind.ts";

const KIND = "OPENAI_COMPATIBLE" as const;

export const openAiConfig = z.object({
  baseUrl: z
    .string()
    .url("must be a URL such as http://gpu-host:8000/v1.")
    .regex(/^https?:\/\//, "must start with http:// or https://."),
  model: z.string().trim().min(1, "name the model the endpoint serves.").max(200),
  /** Name of the environment variable holding the API key: keys stay in configuration, never in the database. */
  // Only variables named for this purpose: an admin must not be able to send DATABASE_URL or
  // AUTH_SECRET to a server of their choice as a "key".
  apiKeyEnv: z
    .string()
    .regex(/^SECONDREAD_API_KEY_[A-Z0-9_]+$/, "must be an environment variable named SECONDREAD_API_KEY_<something>.")
    .optional(),
  template: z.string().min(1).max(20_000),
  settings: settingsSchema,
});
export type OpenAiConfig = z.output<typeof openAiConfig>;
const openAiProvenance = z.object({
  engine: z.literal("openai-compatible"),
  endpoint: z.string(),
  model: z.string(),
});
export const openAiOutput = generatedOutput.extend({
  engine: z.literal("openai-compatible"),
  endpoint: z.string(),
  model: z.string(),
  /** The endpoint's id of the completion, when it gives one. */
  responseId: z.string().nullable().optional(),
  attempts: z.number().optional(),
});
export type OpenAiOutput = z.output<typeof openAiOutput>;

const CONFIG_LABELS = {
  baseUrl: "Base URL",
  model: "Model name",
  apiKeyEnv: "API key variable",
  template: "Prompt template",
  settings: "Generation settings",
};

type OpenAiInput = {
  baseUrl: string;
  model: string;
  apiKeyEnv?: string;
  template?: string;
  settings?: Record<string, unknown>;
};

export function buildOpenAiConfig(input: OpenAiInput): OpenAiConfig {
  const template = templateOrDefault(input.template);
  const config = {
    ...input,
    baseUrl: input.baseUrl.replace(/\/+$/, ""),
    apiKeyEnv: input.apiKeyEnv || undefined,
    template,
    settings: input.settings ?? {},
  };
  return parseInput(openAiConfig, config, CONFIG_LABELS);
}

/** Adds the system; its outputs come from the worker once the admin starts generation. */
export async function addOpenAiSystem(db: Db, actor: Actor, studyId: string, input: OpenAiInput & { name: string }) {
  assertAdmin(actor);
  const name = parseInput(systemName, input.name);
  await assertStudy(db, studyId);
  const config = buildOpenAiConfig(input);
  const provenance: z.input<typeof openAiProvenance> = {
    engine: "openai-compatible",
    endpoint: config.baseUrl,
    model: config.model,
  };
  return saveSystem(db, actor, studyId, { name, kind: KIND, config, provenance }, []);
}

const addFields = llmFormFields.extend({
  baseUrl: z.string().default(""),
  endpointModel: z.string().default(""),
  apiKeyEnv: z.string().default(""),
});

export const openAi: KindModule = {
  kind: KIND,
  schemas: { config: openAiConfig, provenance: openAiProvenance, output: openAiOutput },
  label: "LLM (HTTP endpoint)",
  generated: true,
  adding: {
    choice: "LLM over HTTP (OpenAI-compatible)",
    form: "endpoint",
    defaultName: "",
    async add(db, actor, studyId, fields) {
      const { endpointModel, ...input } = parseInput(addFields, fields, LLM_LABELS);
      const system = await addOpenAiSystem(db, actor, studyId, { ...input, model: endpointModel });
      return { id: system.id };
    },
  },
  completion: { refusal: "Generate the missing outputs of an LLM system under Generation." },
  outputFacts: (provenance) =>
    readFacts(openAiOutput, provenance, (p) => ({ ...generatedFacts(p), engine: p.engine, model: p.model })),
};
