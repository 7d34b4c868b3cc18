// The generation worker: takes jobs from the queue, loads each model once, generates several
// cases at a time in parallel sequences, and stores each output exactly once. Any number of
// workers may share one database: pg-boss hands each job to one of them, and the Output
// table's unique (case, system) key makes a repeated job harmless.
import os from "node:os";
import type PgBoss from "pg-boss";
import type { Db } from "./db.ts";
import { llamaConfigSchema } from "./llm-config.ts";
import { Engine, type Generated } from "./llm.ts";
import { OpenAiEngine, openAiConfigSchema } from "./openai.ts";
import { addOutputs } from "./outputs.ts";
import { QUEUE, queueFor, type JobData } from "./generation.ts";

type Log = (line: string) => void;
type AnyEngine = Engine | OpenAiEngine;

export function parallelSequences(): number {
  const n = Number(process.env.SECONDREAD_PARALLEL ?? 4);
  return Number.isInteger(n) && n > 0 ? n : 4;
}

const IDLE_POLL_MS = 500;

export class Worker {
  private engines = new Map<string, Promise<AnyEngine>>();
  private boss: PgBoss | null = null;
  private stopping = false;
  private lanes: Promise<void>[] = [];
  readonly id = `${os.hostname()}:${process.pid}`;

  constructor(private db: Db, private url: string, private log: Log = (l) => console.log(`[worker] ${l}`)) {}

  /**
   * One lane per context sequence. Each lane fetches one job, generates, stores, completes it,
   * and fetches the next at once: no job waits in a worker's hands while another worker is idle,
   * and a fast model is not slowed by queue polling.
   */
  async start() {
    this.boss = await queueFor(this.url, { supervise: true });
    const parallel = parallelSequences();
    this.lanes = Array.from({ length: parallel }, () => this.lane());
    this.log(`ready (${this.id}, ${parallel} parallel sequences)`);
  }

  async stop() {
    this.stopping = true;
    await Promise.all(this.lanes);
    for (const e of this.engines.values()) await (await e.catch(() => null))?.dispose();
    this.engines.clear();
  }

  private async lane() {
    while (!this.stopping) {
      let job: PgBoss.Job<JobData> | undefined;
      try {
        [job] = await this.boss!.fetch<JobData>(QUEUE, { batchSize: 1 });
      } catch (e) {
        this.log(`queue: ${(e as Error).message}`);
      }
      if (!job) {
        await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
        continue;
      }
      try {
        await this.run(job.data);
        await this.boss!.complete(QUEUE, job.id);
      } catch (e) {
        const message = (e as Error).message;
        this.log(`case ${job.data.caseId} of system ${job.data.systemId}: ${message}`);
        await this.boss!.fail(QUEUE, job.id, { message }).catch(() => {});
      }
    }
  }

  /** One loaded model (or endpoint client) per configuration, reused by every job. */
  private engine(kind: string, rawConfig: unknown) {
    const key = `${kind}:${JSON.stringify(rawConfig)}:${parallelSequences()}`;
    if (!this.engines.has(key)) {
      const loading: Promise<AnyEngine> =
        kind === "OPENAI_COMPATIBLE" ? Promise.resolve().then(() => new OpenAiEngine(openAiConfigSchema.parse(rawConfig))) : Engine.load(llamaConfigSchema.parse(rawConfig), parallelSequences());
      loading.catch(() => this.engines.delete(key)); // a fixed file can be retried
      this.engines.set(key, loading);
    }
    return this.engines.get(key)!;
  }

  private async run({ systemId, caseId }: JobData) {
    const [system, c] = await Promise.all([
      this.db.system.findUnique({ where: { id: systemId }, select: { kind: true, config: true } }),
      this.db.case.findUnique({ where: { id: caseId }, include: { outputs: { where: { systemId }, select: { id: true } } } }),
    ]);
    if (!system || !c || c.outputs.length > 0) return; // deleted since, or already done by an earlier attempt
    const engine = await this.engine(system.kind, system.config);
    const g = await engine.generate(c);
    if (!g.text) throw new Error(`The model wrote nothing for case ${c.sourceId} (stop reason: ${g.stopReason}).`);
    await addOutputs(this.db, systemId, [{ caseId, text: g.text, provenance: this.provenance(engine, g) }]);
  }

  /** What an output records about how it was made (shown to admins, exported). */
  private provenance(engine: AnyEngine, g: Generated & { attempts?: number; responseId?: string | null }) {
    const common = {
      settings: engine.config.settings,
      seed: engine.config.settings.seed,
      prompt: g.prompt,
      rawText: g.raw,
      tokensIn: g.tokensIn,
      tokensOut: g.tokensOut,
      ms: g.ms,
      stopReason: g.stopReason,
      ...(g.truncatedFindings ? { warning: "findings shortened to fit the context" } : {}),
      worker: this.id,
    };
    if (engine instanceof OpenAiEngine) {
      const { baseUrl, model } = engine.config;
      return { engine: "openai-compatible", endpoint: baseUrl, model, responseId: g.responseId ?? null, attempts: g.attempts ?? 1, ...common };
    }
    // Sequences decoded side by side change llama.cpp's arithmetic slightly: part of the recipe.
    return { engine: "node-llama-cpp", engineVersion: engine.engineVersion, model: engine.config.model, adapters: engine.config.adapters, parallelSequences: parallelSequences(), ...common };
  }
}
