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

export function parallelSequences(): number {
  const n = Number(process.env.SECONDREAD_PARALLEL ?? 4);
  return Number.isInteger(n) && n > 0 ? n : 4;
}

export class Worker {
  private engines = new Map<string, Promise<Engine | OpenAiEngine>>();
  private boss: PgBoss | null = null;
  readonly id = `${os.hostname()}:${process.pid}`;

  constructor(private db: Db, private url: string, private log: Log = (l) => console.log(`[worker] ${l}`)) {}

  async start() {
    this.boss = await queueFor(this.url, { supervise: true });
    const parallel = parallelSequences();
    await this.boss.work<JobData>(QUEUE, { batchSize: parallel, pollingIntervalSeconds: 0.5 }, (jobs) => this.handle(jobs));
    this.log(`ready (${this.id}, ${parallel} parallel sequences)`);
  }

  async stop() {
    if (this.boss) await this.boss.offWork(QUEUE);
    for (const e of this.engines.values()) await (await e.catch(() => null))?.dispose();
    this.engines.clear();
  }

  /** One loaded model (or endpoint client) per configuration, reused by every job. */
  private engine(kind: string, rawConfig: unknown) {
    const key = `${kind}:${JSON.stringify(rawConfig)}:${parallelSequences()}`;
    if (!this.engines.has(key)) {
      const loading: Promise<Engine | OpenAiEngine> =
        kind === "OPENAI_COMPATIBLE" ? Promise.resolve().then(() => new OpenAiEngine(openAiConfigSchema.parse(rawConfig))) : Engine.load(llamaConfigSchema.parse(rawConfig), parallelSequences());
      loading.catch(() => this.engines.delete(key)); // a fixed file can be retried
      this.engines.set(key, loading);
    }
    return this.engines.get(key)!;
  }

  /** One batch of jobs; each job completes, or fails alone with its reason. */
  private async handle(jobs: PgBoss.Job<JobData>[]) {
    const bySystem = new Map<string, PgBoss.Job<JobData>[]>();
    for (const j of jobs) bySystem.set(j.data.systemId, [...(bySystem.get(j.data.systemId) ?? []), j]);
    for (const [systemId, group] of bySystem) {
      try {
        await this.runGroup(systemId, group);
      } catch (e) {
        const message = (e as Error).message;
        this.log(`system ${systemId}: ${message}`);
        for (const j of group) await this.boss!.fail(QUEUE, j.id, { message });
      }
    }
  }

  /** What an output records about how it was made (shown to admins, exported). */
  private provenance(engine: Engine | OpenAiEngine, g: Generated & { attempts?: number; responseId?: string | null }) {
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
    return { engine: "node-llama-cpp", engineVersion: engine.engineVersion, model: engine.config.model, adapters: engine.config.adapters, ...common };
  }

  private async runGroup(systemId: string, jobs: PgBoss.Job<JobData>[]) {
    const system = await this.db.system.findUnique({ where: { id: systemId } });
    if (!system) return; // deleted since: nothing to do
    const have = new Set((await this.db.output.findMany({ where: { systemId, caseId: { in: jobs.map((j) => j.data.caseId) } }, select: { caseId: true } })).map((o) => o.caseId));
    const todo = jobs.filter((j) => !have.has(j.data.caseId));
    if (todo.length === 0) return;
    const engine = await this.engine(system.kind, system.config);
    const cases = new Map((await this.db.case.findMany({ where: { id: { in: todo.map((j) => j.data.caseId) } } })).map((c) => [c.id, c]));

    await Promise.all(
      todo.map(async (job) => {
        const c = cases.get(job.data.caseId);
        if (!c) return;
        try {
          const g = await engine.generate(c);
          if (!g.text) throw new Error(`The model wrote nothing for case ${c.sourceId} (stop reason: ${g.stopReason}).`);
          await this.db.$transaction((tx) => addOutputs(tx, systemId, [{ caseId: c.id, text: g.text, provenance: this.provenance(engine, g) }]));
        } catch (e) {
          await this.boss!.fail(QUEUE, job.id, { message: (e as Error).message });
        }
      }),
    );
  }
}
