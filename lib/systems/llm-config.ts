// What both kinds of LLM system share (kinds/llama.ts, kinds/openai.ts): a prompt template,
// generation settings, what their outputs record. Used by the admin UI and by the worker.
import { z } from "zod";
import { UserInputError } from "../platform/errors.ts";
import { normalizeText } from "../platform/text.ts";
import type { OutputFacts } from "./kinds/kind.ts";

/** Radiology-Llama2's instruction format (Alpaca style), as in the paper. */
export const DEFAULT_TEMPLATE = `Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.

### Instruction:
Derive the impression from findings in the radiology report

### Input:
Findings: {{findings}}

### Response:
`;

export const settingsSchema = z.object({
  maxTokens: z.coerce.number().int().min(1).max(4096).default(96),
  temperature: z.coerce.number().min(0).max(2).default(0),
  topK: z.coerce.number().int().min(0).max(1000).default(40),
  topP: z.coerce.number().min(0).max(1).default(0.95),
  repeatPenalty: z.coerce.number().min(0.5).max(2).default(1),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  stop: z.array(z.string().min(1).max(100)).max(10).default(["###", "\n\n\n"]),
  contextSize: z.coerce.number().int().min(128).max(32768).default(512),
});
export type Settings = z.output<typeof settingsSchema>;

/** The fields both LLM forms have: the template, and the settings as JSON text. */
export const llmFormFields = z.object({
  name: z.string().default(""),
  template: z.string().default(""),
  settings: z
    .string()
    .default("")
    .transform((text, ctx) => {
      try {
        const value: unknown = JSON.parse(text || "{}");
        if (typeof value === "object" && value !== null && !Array.isArray(value))
          return value as Record<string, unknown>;
      } catch {}
      ctx.addIssue({ code: "custom", message: 'must be a JSON object, such as {"temperature": 0}.' });
      return z.NEVER;
    }),
});
export const LLM_LABELS = { name: "Name", template: "Prompt template", settings: "Generation settings" };

/** How strongly a LoRA adapter is applied: llama.cpp accepts any number; past ±4 outputs are noise. */
export const ADAPTER_SCALE = { min: -4, max: 4 } as const;

/** The template, or the default (Radiology-Llama2's) when none is given; a UserInputError for a useless one. */
export function templateOrDefault(template: string | undefined): string {
  const chosen = template?.trim() ? template : DEFAULT_TEMPLATE;
  const problem = checkTemplate(chosen);
  if (problem) throw new UserInputError(problem);
  return chosen;
}

/** What every generated output records, whichever engine wrote it (lib/generation/engine.ts). */
export const generatedOutput = z.object({
  settings: settingsSchema,
  seed: z.number(),
  prompt: z.string(),
  rawText: z.string(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  ms: z.number(),
  stopReason: z.string(),
  warning: z.string().optional(),
  /** The worker process that wrote it (host:pid). */
  worker: z.string().optional(),
});

export function generatedFacts(p: z.output<typeof generatedOutput>): OutputFacts {
  const { settings, seed, prompt, tokensIn, tokensOut, ms, stopReason, warning } = p;
  return { settings, seed, prompt, tokensIn, tokensOut, ms, stopReason, warning };
}

/** Fails early on a template that would send the model nothing about the case. */
export function checkTemplate(template: string): string | null {
  if (!template.includes("{{findings}}"))
    return "The template must contain {{findings}}, where the case's findings go.";
  const unknown = [...template.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)]
    .map((m) => m[1])
    .filter((n) => !["findings", "indication"].includes(n));
  return unknown.length
    ? `Unknown placeholder(s): ${unknown.map((n) => `{{${n}}}`).join(", ")}. Use {{findings}} and {{indication}}.`
    : null;
}

export function renderPrompt(template: string, c: { findings: string; metadata?: unknown }): string {
  const meta = (c.metadata ?? {}) as Record<string, unknown>;
  const indication = typeof meta.indication === "string" ? meta.indication : "";
  const values: Record<string, string> = { findings: c.findings, indication };
  // One pass with a function: "$&" in findings, or "{{indication}}" inside them, stay as written.
  return template.replace(/\{\{\s*(findings|indication)\s*\}\}/g, (_, name: string) => values[name]);
}

/**
 * Model text becomes a candidate exactly like every other system's text: special tokens and
 * a runaway next section removed, then the shared normalisation (lib/platform/text.ts). A format
 * peculiar to the model would unblind it.
 */
export function normalizeModelOutput(raw: string, stop: string[] = []): string {
  let text = raw.replace(/<\/?s>|<\|[^|>]*\|>|\[\/?INST\]/g, " ");
  for (const s of stop) {
    const at = text.indexOf(s);
    if (at >= 0) text = text.slice(0, at);
  }
  text = text.replace(/^\s*(impression|response)\s*:\s*/i, "");
  return normalizeText(text);
}
