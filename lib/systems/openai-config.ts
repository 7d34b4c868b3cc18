// The configuration of an OPENAI_COMPATIBLE system: the endpoint, the model it serves, the name of
// the variable holding its key, and the same template and settings as a local model.
import { z } from "zod";
import { UserInputError } from "../platform/errors.ts";
import { parseInput } from "../platform/validation.ts";
import { checkTemplate, DEFAULT_TEMPLATE, settingsSchema } from "./llm-config.ts";

export const openAiConfigSchema = z.object({
  baseUrl: z
    .string()
    .url("The base URL must be a URL such as http://gpu-host:8000/v1.")
    .regex(/^https?:\/\//, "The base URL must start with http:// or https://."),
  model: z.string().trim().min(1, "Name the model the endpoint serves.").max(200),
  /** Name of the environment variable holding the API key: keys stay in configuration, never in the database. */
  // Only variables named for this purpose: an admin must not be able to send DATABASE_URL or
  // AUTH_SECRET to a server of their choice as a "key".
  apiKeyEnv: z
    .string()
    .regex(
      /^SECONDREAD_API_KEY_[A-Z0-9_]+$/,
      "The API key variable must be an environment variable named SECONDREAD_API_KEY_<something>.",
    )
    .optional(),
  template: z.string().min(1).max(20_000),
  settings: settingsSchema,
});
export type OpenAiConfig = z.output<typeof openAiConfigSchema>;

export function buildOpenAiConfig(input: {
  baseUrl: string;
  model: string;
  apiKeyEnv?: string;
  template?: string;
  settings?: Record<string, unknown>;
}): OpenAiConfig {
  const template = input.template?.trim() ? input.template : DEFAULT_TEMPLATE;
  const problem = checkTemplate(template);
  if (problem) throw new UserInputError(problem);
  return parseInput(openAiConfigSchema, {
    ...input,
    baseUrl: input.baseUrl.replace(/\/+$/, ""),
    apiKeyEnv: input.apiKeyEnv || undefined,
    template,
    settings: input.settings ?? {},
  });
}
