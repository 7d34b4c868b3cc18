// What an LLM system is: a GGUF model, LoRA adapters, a prompt template and generation
// settings. Shared by the admin UI (validation, preview) and the worker (generation).
import { z } from "zod";
import { normalizeText } from "../platform/text.ts";

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

/** How strongly a LoRA adapter is applied: llama.cpp accepts any number; past ±4 outputs are noise. */
export const ADAPTER_SCALE = { min: -4, max: 4 } as const;

const fileRef = z.object({ file: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), name: z.string() });
export const llamaConfigSchema = z.object({
  model: fileRef,
  adapters: z.array(fileRef.extend({ scale: z.number().min(ADAPTER_SCALE.min).max(ADAPTER_SCALE.max) })).max(8),
  template: z.string().min(1).max(20_000),
  settings: settingsSchema,
});
export type LlamaConfig = z.output<typeof llamaConfigSchema>;

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
