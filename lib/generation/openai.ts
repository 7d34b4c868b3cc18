// Systems of kind OPENAI_COMPATIBLE: the same rendered prompt sent to an OpenAI-compatible
// completions endpoint (vLLM, llama.cpp's server, Ollama), with retries and back-off.
import { readBodyLimited } from "../platform/body-limit.ts";
import { apiKey } from "../platform/env.ts";
import { normalizeModelOutput, renderPrompt } from "../systems/llm-config.ts";
import { openAi, openAiConfig, type OpenAiConfig, type OpenAiOutput } from "../systems/kinds/openai.ts";
import { type Engine, type EngineSource, type Generated, generatedProvenance } from "./engine.ts";

const ANSWER_MAX_BYTES = 4 * 1024 * 1024;

class Retryable extends Error {}

export class OpenAiEngine implements Engine<OpenAiConfig> {
  constructor(
    readonly config: OpenAiConfig,
    private retries = 4,
    private backoffMs = 500,
  ) {}

  private async call(prompt: string) {
    const { settings, baseUrl, model, apiKeyEnv } = this.config;
    const key = apiKeyEnv ? apiKey(apiKeyEnv) : undefined;
    if (apiKeyEnv && !key)
      throw new Error(`The environment variable ${apiKeyEnv} (the endpoint's API key) is not set on the worker.`);
    const res = await fetch(`${baseUrl}/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({
        model,
        prompt,
        max_tokens: settings.maxTokens,
        temperature: settings.temperature,
        top_p: settings.topP,
        top_k: settings.topK,
        seed: settings.seed,
        stop: settings.stop.slice(0, 4),
        repeat_penalty: settings.repeatPenalty, // llama.cpp server
        repetition_penalty: settings.repeatPenalty, // vLLM
      }),
      signal: AbortSignal.timeout(120_000),
    }).catch((e: Error) => {
      throw new Retryable(`cannot reach ${baseUrl}: ${e.message}`);
    });
    // A completion is a few KB: an endpoint sending more is refused before it fills the worker's memory.
    const body = new TextDecoder().decode(
      await readBodyLimited(
        res,
        ANSWER_MAX_BYTES,
        () => new Error(`${baseUrl} sent an answer over ${ANSWER_MAX_BYTES / 1048576} MB.`),
      ),
    );
    if (res.status === 429 || res.status >= 500)
      throw new Retryable(`${baseUrl} answered ${res.status}: ${body.slice(0, 200)}`);
    if (!res.ok) throw new Error(`${baseUrl} answered ${res.status}: ${body.slice(0, 300)}`);
    const json = JSON.parse(body) as {
      id?: string;
      system_fingerprint?: string;
      choices?: { text?: string; finish_reason?: string }[];
      usage?: { prompt_tokens?: number; completion_tokens?: number };
    };
    const choice = json.choices?.[0];
    if (typeof choice?.text !== "string") throw new Error(`${baseUrl} sent no completion text.`);
    return { json, choice };
  }

  async generate(
    c: { findings: string; metadata?: unknown },
    _config: OpenAiConfig = this.config, // the engine's own: its key is the whole configuration
  ): Promise<Generated & { attempts: number; responseId: string | null }> {
    const prompt = renderPrompt(this.config.template, c);
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const { json, choice } = await this.call(prompt);
        return {
          text: normalizeModelOutput(choice.text!, this.config.settings.stop),
          raw: choice.text!,
          tokensIn: json.usage?.prompt_tokens ?? 0,
          tokensOut: json.usage?.completion_tokens ?? 0,
          ms: Math.round(performance.now() - started),
          stopReason: choice.finish_reason ?? "unknown",
          truncatedFindings: false,
          prompt,
          attempts: attempt,
          responseId: json.id ?? null,
        };
      } catch (e) {
        if (!(e instanceof Retryable) || attempt > this.retries) throw e;
        await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 1)));
      }
    }
  }

  provenance(g: Generated & { attempts?: number; responseId?: string | null }, config: OpenAiConfig, worker: string) {
    const output: OpenAiOutput = {
      engine: "openai-compatible",
      endpoint: config.baseUrl,
      model: config.model,
      responseId: g.responseId ?? null,
      attempts: g.attempts ?? 1,
      ...generatedProvenance(g, config.settings, worker),
    };
    return output;
  }

  async dispose() {}
}

/** The worker's way to endpoints: one client per configuration. */
export const openAiEngines: EngineSource<OpenAiConfig> = {
  kind: openAi.kind,
  config: openAiConfig,
  key: (config) => JSON.stringify(config),
  load: async (config) => new OpenAiEngine(config),
};
