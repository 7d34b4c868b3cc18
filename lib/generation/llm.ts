// Generation with node-llama-cpp, used only by the worker process: a model is loaded once,
// with its LoRA adapters, into a context of several sequences so cases run side by side.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LlamaCompletion, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";

type Lane = { sequence: LlamaContextSequence; completion: LlamaCompletion };
import { normalizeModelOutput, renderPrompt, type Settings } from "../systems/llm-config.ts";
import { llama, llamaConfig, type LlamaConfig, type LlamaOutput } from "../systems/kinds/llama.ts";
import { env } from "../platform/env.ts";
import { checkLlamaFiles, resolveModelPath, sha256File } from "../systems/models.ts";
import { type Engine, type EngineSource, type Generated, generatedProvenance } from "./engine.ts";

/** Below this size a model runs on one thread (see threadCount). */
export const SMALL_MODEL_BYTES = 64 * 1024 * 1024;

/**
 * Threads for a model: SECONDREAD_THREADS if set, else the machine's cores (node-llama-cpp's
 * default oversubscribes small machines badly) — but one for a small model, whose matrices are
 * too small to share: measured here, radiology-mini (4 MB) decodes 907 tokens/s on one thread
 * and 78 on two, the threads spending their time waiting for each other.
 */
export function threadCount(modelBytes = Infinity): number {
  const fromEnv = env().SECONDREAD_THREADS;
  if (fromEnv) return fromEnv;
  return modelBytes < SMALL_MODEL_BYTES ? 1 : Math.max(1, os.availableParallelism());
}

/** Batching must beat one case at a time by this much to be used (it costs memory, and the side-by-side arithmetic differs slightly). */
const BATCH_GAIN = 1.2;
/** A model slower than this per case is not measured (it would take minutes); it is batched. */
const CALIBRATION_MAX_CASE_MS = 1000;
/** Findings written for the measurement (not from any dataset), varied in length like real ones. */
const CALIBRATION_FINDINGS = [
  "The heart is normal in size. The mediastinum is unremarkable. The lungs are clear.",
  "Stable cardiomegaly. No focal airspace consolidation. No pleural effusion or pneumothorax.",
  "Low lung volumes with bibasilar atelectasis. No large effusion. Degenerative changes of the spine.",
  "There is a right lower lobe opacity concerning for pneumonia. Heart size is normal. No pneumothorax.",
  "Lungs are hyperexpanded. Calcified granuloma in the left upper lobe. No acute bony abnormality.",
  "Small left pleural effusion with adjacent atelectasis. The cardiac silhouette is mildly enlarged.",
  "No focal consolidation, effusion, or pneumothorax. Normal cardiomediastinal silhouette. Surgical clips in the upper abdomen.",
  "Interval placement of a right internal jugular catheter with tip in the superior vena cava. Lungs are clear.",
];

/** How many sequences an engine uses: all of them only when the measurement shows that batching pays. */
type Calibration = { sequences: number; oneMs?: number; batchedMs?: number; note: string };

export function chooseSequences(available: number, oneMs: number, batchedMs: number): number {
  return available > 1 && oneMs >= BATCH_GAIN * batchedMs ? available : 1;
}

/** getLlama's gpu option from SECONDREAD_GPU. */
export function gpuOption(): false | "auto" | "cuda" | "vulkan" {
  const gpu = env().SECONDREAD_GPU;
  return gpu === "off" ? false : gpu;
}

/** What may differ between systems that share an engine: the context is the same, the run is not. */
export type Run = { template: string; settings: Settings };

/**
 * What an engine's context depends on. Systems that agree on it share one engine (a study
 * comparing settings or templates on one model loads it once).
 */
function engineKey(config: LlamaConfig): string {
  return JSON.stringify({ model: config.model, adapters: config.adapters, contextSize: config.settings.contextSize });
}

// Weights are loaded once per process and shared by every engine using the file; adapters live
// in each engine's context. Radiology-Llama2 next to its base model costs one copy of the weights.
const loadedModels = new Map<string, { model: Promise<LlamaModel>; users: number }>();

/** Files whose weights are loaded now ("path@sha256"), with the engines using each. */
export function sharedModels(): Record<string, number> {
  return Object.fromEntries([...loadedModels].map(([key, m]) => [key, m.users]));
}

export class LlamaEngine implements Engine<LlamaConfig> {
  // One completion per context sequence, lent to one case at a time (sequences are not
  // freed promptly on dispose, so they are kept and cleared instead).
  private free: Lane[];
  private waiting: ((lane: Lane) => void)[] = [];
  calibration: Calibration;

  private constructor(
    readonly config: LlamaConfig,
    private model: LlamaModel,
    private modelKey: string,
    private context: LlamaContext,
    private lanes: Lane[],
    readonly engineVersion: string,
    readonly backend: string,
  ) {
    this.free = [...lanes];
    this.calibration = { sequences: lanes.length, note: "set by the caller" };
  }

  /** Sequences lent to cases at once. */
  get sequences() {
    return this.calibration.sequences;
  }

  /** Lends only the first n sequences from now on (called while none is in use). */
  private setLanes(n: number) {
    this.free = this.lanes.slice(0, n).reverse();
  }

  /**
   * Several cases side by side pay only where one decode of many tokens costs much less than
   * many of one token: on a GPU, or a CPU model big enough to be limited by memory. On a small
   * CPU they can be slower (radiology-mini on this project's 2-core machine: 0.9x), so the
   * engine times both on the system's own template and settings and keeps the faster.
   */
  private async calibrate(limitMs: number): Promise<Calibration> {
    const all = this.lanes.length;
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        findings: CALIBRATION_FINDINGS[(from + i) % CALIBRATION_FINDINGS.length]!,
      }));
    const timed = async (cases: { findings: string }[]) => {
      const t = performance.now();
      // Every generation ends before the next step, failed or not (the lanes must be back).
      const settled = await Promise.allSettled(cases.map((c) => this.generate(c)));
      const failed = settled.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
      return performance.now() - t;
    };
    try {
      // Every sequence first holds the template (as it would after its first real case).
      const warm = await timed(batch(0, all));
      if (warm > limitMs)
        return {
          sequences: all,
          note: `not measured (the first cases took ${(warm / 1000).toFixed(1)} s): ${all} sequences`,
        };
      const cases = batch(all, 2 * all);
      const batchedMs = await timed(cases);
      this.setLanes(1);
      const oneMs = await timed(cases);
      const sequences = chooseSequences(all, oneMs, batchedMs);
      this.setLanes(sequences);
      const gain = (oneMs / batchedMs).toFixed(2);
      return {
        sequences,
        oneMs: Math.round(oneMs),
        batchedMs: Math.round(batchedMs),
        note: `${all} sequences side by side measured ${gain}x one at a time: ${sequences === 1 ? "one at a time" : `${all} side by side`}`,
      };
    } finally {
      // Real cases start from empty sequences: nothing of the measurement stays in the context.
      await Promise.all(this.lanes.map((l) => l.sequence.clearHistory()));
      this.peakLent = 0;
    }
  }

  /** Most sequences lent at once since the engine was ready (what calibration decided, tested). */
  peakLent = 0;
  private lent = 0;

  private async acquire(): Promise<Lane> {
    const lane = this.free.pop() ?? (await new Promise<Lane>((resolve) => this.waiting.push(resolve)));
    this.peakLent = Math.max(this.peakLent, ++this.lent);
    return lane;
  }

  private release(lane: Lane) {
    this.lent--;
    const next = this.waiting.shift();
    if (next) next(lane);
    else this.free.push(lane);
  }

  /**
   * Checks the files again (they may have changed since the system was set up), then loads with
   * `parallel` sequences; with `measure`, keeps them only if batching is faster (see calibrate).
   */
  static async load(
    config: LlamaConfig,
    parallel: number,
    { measure = false, measureLimitMs = CALIBRATION_MAX_CASE_MS } = {},
  ): Promise<LlamaEngine> {
    await checkLlamaFiles(config.model.file, config.adapters);
    for (const f of [config.model, ...config.adapters]) {
      const actual = await sha256File(resolveModelPath(f.file));
      if (actual !== f.sha256)
        throw new Error(
          `${path.basename(f.file)} changed since the system was set up (sha256 ${actual.slice(0, 12)}…, expected ${f.sha256.slice(0, 12)}…).`,
        );
    }
    const { getLlama, LlamaCompletion, getModuleVersion, LlamaLogLevel } = await import("node-llama-cpp");
    const modelPath = resolveModelPath(config.model.file);
    const threads = threadCount(fs.statSync(modelPath).size);
    const gpu = gpuOption();
    const llama = await getLlama({
      gpu,
      build: "never",
      maxThreads: threadCount(),
      logLevel: LlamaLogLevel.error,
    }).catch((e: Error) => {
      throw new Error(
        `SECONDREAD_GPU=${gpu || "off"}: node-llama-cpp has no ${gpu || "CPU"} backend that works on this machine (${e.message}); try "auto" or "off".`,
      );
    });
    // Keyed by content too: the file at a path may have been replaced since it was loaded.
    const modelKey = `${modelPath}@${config.model.sha256}`;
    let shared = loadedModels.get(modelKey);
    if (!shared) {
      shared = { model: llama.loadModel({ modelPath }), users: 0 };
      loadedModels.set(modelKey, shared);
      shared.model.catch(() => loadedModels.delete(modelKey));
    }
    shared.users++;
    let model: LlamaModel;
    try {
      model = await shared.model;
    } catch (e) {
      shared.users--;
      throw e;
    }
    const context = await model
      .createContext({
        contextSize: config.settings.contextSize, // per sequence
        sequences: parallel,
        threads,
        lora: config.adapters.length
          ? { adapters: config.adapters.map((a) => ({ filePath: resolveModelPath(a.file), scale: a.scale })) }
          : undefined,
      })
      .catch(async (e: Error) => {
        await releaseModel(modelKey);
        throw e;
      });
    try {
      const lanes = Array.from({ length: parallel }, () => {
        const sequence = context.getSequence();
        return { sequence, completion: new LlamaCompletion({ contextSequence: sequence }) };
      });
      const engine = new LlamaEngine(
        config,
        model,
        modelKey,
        context,
        lanes,
        await getModuleVersion(),
        llama.gpu || "cpu",
      );
      if (measure && parallel > 1) engine.calibration = await engine.calibrate(measureLimitMs);
      return engine;
    } catch (e) {
      // A failed load keeps nothing: the worker tries again on the next job.
      await context.dispose().catch(() => {});
      await releaseModel(modelKey);
      throw e;
    }
  }

  /** The prompt for a case, its findings shortened (from the end) when they would not fit the context. */
  fitPrompt(c: { findings: string; metadata?: unknown }, { template, settings }: Run = this.config) {
    const budget = settings.contextSize - settings.maxTokens;
    let prompt = renderPrompt(template, c);
    if (this.model.tokenize(prompt, false).length + 1 <= budget) return { prompt, truncated: false };
    const words = c.findings.split(" ");
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const candidate = renderPrompt(template, { ...c, findings: `${words.slice(0, mid).join(" ")} …` });
      if (this.model.tokenize(candidate, false).length + 1 <= budget) lo = mid;
      else hi = mid - 1;
    }
    if (lo === 0)
      throw new Error(
        `The prompt template alone does not fit a context of ${settings.contextSize} tokens with ${settings.maxTokens} to generate.`,
      );
    prompt = renderPrompt(template, { ...c, findings: `${words.slice(0, lo).join(" ")} …` });
    return { prompt, truncated: true };
  }

  /** One case, with the engine's own template and settings or another system's (same context). */
  async generate(c: { findings: string; metadata?: unknown }, run: Run = this.config): Promise<Generated> {
    const { settings } = run;
    if (settings.contextSize !== this.config.settings.contextSize)
      throw new Error("This engine was loaded for another context size.");
    const { prompt, truncated } = this.fitPrompt(c, run);
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

  provenance(g: Generated, config: LlamaConfig, worker: string): LlamaOutput {
    return {
      engine: "node-llama-cpp",
      engineVersion: this.engineVersion,
      backend: this.backend,
      model: config.model,
      adapters: config.adapters,
      parallelSequences: this.sequences,
      ...generatedProvenance(g, config.settings, worker),
    };
  }

  async dispose() {
    try {
      await this.context.dispose();
    } finally {
      await releaseModel(this.modelKey);
    }
  }
}

async function releaseModel(modelKey: string) {
  const shared = loadedModels.get(modelKey);
  if (!shared || --shared.users > 0) return;
  loadedModels.delete(modelKey);
  await (await shared.model).dispose();
}

/** The worker's way to local models: systems on the same files and context size share an engine. */
export const llamaEngines: EngineSource<LlamaConfig> = {
  kind: llama.kind,
  config: llamaConfig,
  key: engineKey,
  async load(config, { parallel, measure, log }) {
    const engine = await LlamaEngine.load(config, parallel, { measure });
    log(`loaded ${config.model.file} (${engine.backend}): ${engine.calibration.note}`);
    return engine;
  },
};
