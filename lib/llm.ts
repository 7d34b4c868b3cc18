// Generation with node-llama-cpp, used only by the worker process: a model is loaded once,
// with its LoRA adapters, into a context of several sequences so cases run side by side.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LlamaCompletion, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";

type Lane = { sequence: LlamaContextSequence; completion: LlamaCompletion };
import { normalizeModelOutput, renderPrompt, type LlamaConfig } from "./llm-config.ts";
import { checkLlamaFiles } from "./llm-systems.ts";
import { resolveModelPath, sha256File } from "./models.ts";

/** Below this size a model runs on one thread (see threadCount). */
export const SMALL_MODEL_BYTES = 64 * 1024 * 1024;

/**
 * Threads for a model: SECONDREAD_THREADS if set, else the machine's cores (node-llama-cpp's
 * default oversubscribes small machines badly) — but one for a small model, whose matrices are
 * too small to share: measured here, radiology-mini (4 MB) decodes 907 tokens/s on one thread
 * and 78 on two, the threads spending their time waiting for each other.
 */
export function threadCount(modelBytes = Infinity): number {
  const fromEnv = Number(process.env.SECONDREAD_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return modelBytes < SMALL_MODEL_BYTES ? 1 : Math.max(1, os.availableParallelism());
}

export type Generated = {
  text: string;
  raw: string;
  tokensIn: number;
  tokensOut: number;
  ms: number;
  stopReason: string;
  truncatedFindings: boolean;
  prompt: string;
};

export class Engine {
  // One completion per context sequence, lent to one case at a time (sequences are not
  // freed promptly on dispose, so they are kept and cleared instead).
  private free: Lane[];
  private waiting: ((lane: Lane) => void)[] = [];

  private constructor(
    readonly config: LlamaConfig,
    private model: LlamaModel,
    private context: LlamaContext,
    lanes: Lane[],
    readonly engineVersion: string,
  ) {
    this.free = lanes;
  }

  private acquire(): Promise<Lane> {
    const lane = this.free.pop();
    return lane ? Promise.resolve(lane) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(lane: Lane) {
    const next = this.waiting.shift();
    if (next) next(lane);
    else this.free.push(lane);
  }

  /** Checks the files again (they may have changed since the system was set up), then loads. */
  static async load(config: LlamaConfig, parallel: number): Promise<Engine> {
    await checkLlamaFiles(config.model.file, config.adapters);
    for (const f of [config.model, ...config.adapters]) {
      const actual = await sha256File(resolveModelPath(f.file));
      if (actual !== f.sha256) throw new Error(`${path.basename(f.file)} changed since the system was set up (sha256 ${actual.slice(0, 12)}…, expected ${f.sha256.slice(0, 12)}…).`);
    }
    const { getLlama, LlamaCompletion, getModuleVersion, LlamaLogLevel } = await import("node-llama-cpp");
    const threads = threadCount(fs.statSync(resolveModelPath(config.model.file)).size);
    const llama = await getLlama({ gpu: false, build: "never", maxThreads: threadCount(), logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath: resolveModelPath(config.model.file) });
    const context = await model.createContext({
      contextSize: config.settings.contextSize, // per sequence
      sequences: parallel,
      threads,
      lora: config.adapters.length ? { adapters: config.adapters.map((a) => ({ filePath: resolveModelPath(a.file), scale: a.scale })) } : undefined,
    });
    const lanes = Array.from({ length: parallel }, () => {
      const sequence = context.getSequence();
      return { sequence, completion: new LlamaCompletion({ contextSequence: sequence }) };
    });
    return new Engine(config, model, context, lanes, await getModuleVersion());
  }

  /** The prompt for a case, its findings shortened (from the end) when they would not fit the context. */
  fitPrompt(c: { findings: string; metadata?: unknown }) {
    const { template, settings } = this.config;
    const budget = settings.contextSize - settings.maxTokens;
    let prompt = renderPrompt(template, c);
    if (this.model.tokenize(prompt, false).length + 1 <= budget) return { prompt, truncated: false };
    const words = c.findings.split(" ");
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const candidate = renderPrompt(template, { ...c, findings: words.slice(0, mid).join(" ") + " …" });
      if (this.model.tokenize(candidate, false).length + 1 <= budget) lo = mid;
      else hi = mid - 1;
    }
    if (lo === 0) throw new Error(`The prompt template alone does not fit a context of ${settings.contextSize} tokens with ${settings.maxTokens} to generate.`);
    prompt = renderPrompt(template, { ...c, findings: words.slice(0, lo).join(" ") + " …" });
    return { prompt, truncated: true };
  }

  async generate(c: { findings: string; metadata?: unknown }): Promise<Generated> {
    const { settings } = this.config;
    const { prompt, truncated } = this.fitPrompt(c);
    // The sequence keeps the previous case's tokens: node-llama-cpp reuses the shared template
    // prefix and evaluates only what differs. On the CPU each row of a product is computed on
    // its own, so the reused prefix is the same numbers as a fresh one (tested: same texts).
    const lane = await this.acquire();
    const { completion } = lane;
    const started = performance.now();
    let tokensOut = 0;
    try {
      const res = await completion.generateCompletionWithMeta(prompt, {
        maxTokens: settings.maxTokens,
        temperature: settings.temperature,
        topK: settings.topK,
        topP: settings.topP,
        seed: settings.seed,
        repeatPenalty: { penalty: settings.repeatPenalty },
        customStopTriggers: settings.stop,
        onToken: (t) => (tokensOut += t.length),
      });
      return {
        text: normalizeModelOutput(res.response, settings.stop),
        raw: res.response,
        tokensIn: this.model.tokenize(prompt, false).length + 1,
        tokensOut,
        ms: Math.round(performance.now() - started),
        stopReason: res.metadata.stopReason,
        truncatedFindings: truncated,
        prompt,
      };
    } finally {
      this.release(lane);
    }
  }

  async dispose() {
    await this.context.dispose();
    await this.model.dispose();
  }
}
