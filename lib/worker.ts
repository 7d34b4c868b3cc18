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
import { addOutputs, type NewOutput } from "./outputs.ts";
import { QUEUE, queueFor, type JobData } from "./generation.ts";

type Log = (line: string) => void;
type AnyEngine = Engine | OpenAiEngine;
type Claimed = {
  job: PgBoss.Job<JobData>;
  system: { kind: string; config: unknown } | null;
  case: { id: string; sourceId: string; findings: string; metadata: unknown; outputs: { id: string }[] } | null;
};

export function parallelSequences(): number {
  const n = Number(process.env.SECONDREAD_PARALLEL ?? 4);
  return Number.isInteger(n) && n > 0 ? n : 4;
}

const IDLE_POLL_MS = 500;

export class Worker {
  private engines = new Map<string, Promise<AnyEngine>>();
  private systems = new Map<string, { kind: string; config: unknown }>();
  private boss: PgBoss | null = null;
  private stopping = false;
  private lanes: Promise<void>[] = [];
  readonly id = `${os.hostname()}:${process.pid}`;

  constructor(private db: Db, private url: string, private log: Log = (l) => console.log(`[worker] ${l}`)) {}

  /**
   * One lane per context sequence. A lane is a small pipeline: while the model generates one
   * case, the next job and its case are already being fetched, and the previous output is being
   * written. The model never waits for the database, and a lane holds at most one job ahead, so
   * no job waits in this worker's hands while another worker is idle.
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
    let next = this.claim();
    let storing: Promise<void> = Promise.resolve();
    while (!this.stopping) {
      const claimed = await next;
      if (!claimed) {
        await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
        next = this.claim();
        continue;
      }
      next = this.claim();
      let result: { output?: NewOutput; error?: string } = {};
      try {
        result = { output: await this.generate(claimed) };
      } catch (e) {
        result = { error: (e as Error).message };
      }
      await storing; // one write in flight per lane
      storing = this.store(claimed.job, result);
    }
    await storing;
    // A job fetched ahead and not started goes back to the queue for any worker.
    const left = await next;
    if (left) await this.boss!.cancel(QUEUE, left.job.id).then(() => this.boss!.resume(QUEUE, left.job.id)).catch(() => {});
  }

  /** The next job with what it needs (system config cached: systems are never edited). */
  private async claim(): Promise<Claimed | null> {
    if (this.stopping) return null;
    try {
      const [job] = await this.boss!.fetch<JobData>(QUEUE, { batchSize: 1 });
      if (!job) return null;
      const { systemId, caseId } = job.data;
      let system = this.systems.get(systemId);
      const [found, c] = await Promise.all([
        system ? null : this.db.system.findUnique({ where: { id: systemId }, select: { kind: true, config: true } }),
        this.db.case.findUnique({ where: { id: caseId }, include: { outputs: { where: { systemId }, select: { id: true } } } }),
      ]);
      if (found) this.systems.set(systemId, (system = found));
      return { job, system: system ?? null, case: c };
    } catch (e) {
      this.log(`queue: ${(e as Error).message}`);
      return null;
    }
  }

  private async generate({ job, system, case: c }: Claimed): Promise<NewOutput | undefined> {
    if (!system || !c || c.outputs.length > 0) return undefined; // deleted since, or already done by an earlier attempt
    const engine = await this.engine(system.kind, system.config);
    const g = await engine.generate(c);
    if (!g.text) throw new Error(`The model wrote nothing for case ${c.sourceId} (stop reason: ${g.stopReason}).`);
    return { caseId: job.data.caseId, text: g.text, provenance: this.provenance(engine, g) };
  }

  private async store(job: PgBoss.Job<JobData>, result: { output?: NewOutput; error?: string }) {
    try {
      if (result.error) throw new Error(result.error);
      if (result.output) await addOutputs(this.db, job.data.systemId, [result.output]);
      await this.boss!.complete(QUEUE, job.id);
    } catch (e) {
      const message = (e as Error).message;
      this.log(`case ${job.data.caseId} of system ${job.data.systemId}: ${message}`);
      await this.boss!.fail(QUEUE, job.id, { message }).catch(() => {});
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
