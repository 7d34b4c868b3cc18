// Adding an LLM system (kind LLAMA): checked model files, a template, settings. Generation
// itself happens in the worker (lib/generation/worker.ts), never in a web request.
import type { Db } from "../platform/db.ts";
import { assertAdmin } from "../accounts/access.ts";
import { NotFoundError, UserInputError } from "../platform/errors.ts";
import { checkTemplate, DEFAULT_TEMPLATE, renderPrompt, settingsSchema, type LlamaConfig } from "./llm-config.ts";
import { checkLlamaFiles, resolveModelPath, sha256File } from "./models.ts";
import { parseInput } from "../platform/validation.ts";
import { saveSystem, systemName } from "./systems.ts";
import type { Actor } from "../accounts/users.ts";
import { buildOpenAiConfig } from "./openai-config.ts";

type LlamaSystemInput = {
  name: string;
  model: string;
  adapters?: { file: string; scale: number }[];
  template?: string;
  settings?: Record<string, unknown>;
};

export async function buildLlamaConfig(input: Omit<LlamaSystemInput, "name">): Promise<LlamaConfig> {
  const template = input.template?.trim() ? input.template : DEFAULT_TEMPLATE;
  const problem = checkTemplate(template);
  if (problem) throw new UserInputError(problem);
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

export async function addLlamaSystem(db: Db, actor: Actor, studyId: string, input: LlamaSystemInput) {
  assertAdmin(actor);
  const name = parseInput(systemName, input.name);
  if (!(await db.study.findUnique({ where: { id: studyId }, select: { id: true } })))
    throw new NotFoundError("No such study.");
  const config = await buildLlamaConfig(input);
  const { getModuleVersion } = await import("node-llama-cpp");
  return saveSystem(
    db,
    actor,
    studyId,
    { name, kind: "LLAMA", config, provenance: { engine: "node-llama-cpp", engineVersion: await getModuleVersion() } },
    [],
  );
}

/** The prompt as the model will see it, rendered on a real case of the study. */
export async function previewPrompt(db: Db, actor: Actor, studyId: string, template: string) {
  assertAdmin(actor);
  const problem = checkTemplate(template);
  if (problem) throw new UserInputError(problem);
  const first = await db.case.findFirst({ where: { studyId }, orderBy: { position: "asc" } });
  if (!first) throw new UserInputError("Import cases first: the preview uses the study's first case.");
  return { caseSourceId: first.sourceId, prompt: renderPrompt(template, first) };
}

/** A system whose texts come from an OpenAI-compatible endpoint (vLLM, llama.cpp server, Ollama). */
export async function addOpenAiSystem(
  db: Db,
  actor: Actor,
  studyId: string,
  input: {
    name: string;
    baseUrl: string;
    model: string;
    apiKeyEnv?: string;
    template?: string;
    settings?: Record<string, unknown>;
  },
) {
  assertAdmin(actor);
  const name = parseInput(systemName, input.name);
  if (!(await db.study.findUnique({ where: { id: studyId }, select: { id: true } })))
    throw new NotFoundError("No such study.");
  const config = buildOpenAiConfig(input);
  return saveSystem(
    db,
    actor,
    studyId,
    {
      name,
      kind: "OPENAI_COMPATIBLE",
      config,
      provenance: { engine: "openai-compatible", endpoint: config.baseUrl, model: config.model },
    },
    [],
  );
}
