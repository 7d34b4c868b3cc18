// The generation worker: takes jobs from the queue, loads each model once, generates several
// cases at a time in parallel sequences, and stores each output exactly once. Any number of
// workers may share one database: pg-boss hands each job to one of them, and the Output
// table's unique (case, system) key makes a repeated job harmless.
import os from "node:os";
import type PgBoss from "pg-boss";
import type { Db } from "../platform/db.ts";
import type { SystemKind } from "../generated/prisma/client.ts";
import type { Pool } from "./engine.ts";
import { enginePools } from "./engines.ts";
import { addOutputs, type NewOutput } from "../systems/outputs.ts";
import { JOBS_CHANNEL, QUEUE, queueFor, type JobData } from "./generation.ts";
import pg from "pg";
import { env } from "../platform/env.ts";

type Log = (line: string) => void;
type Claimed = {
  job: PgBoss.Job<JobData>;
  system: { kind: SystemKind; config: unknown } | null;
  case: { id: string; sourceId: string; findings: string; metadata: unknown } | null;
  done: boolean;
};
type Result = { claimed: Claimed; output?: NewOutput; error?: string; giveBack?: boolean };

/** SECONDREAD_PARALLEL, when set, is used as given; otherwise an engine measures (see Engine.calibrate). */
function configuredParallel(): number | null {
  return env().SECONDREAD_PARALLEL ?? null;
}

/** Cases a worker works on at once (a local model may then lend fewer sequences: Engine.calibrate). */
export function parallelSequences(): number {
  return configuredParallel() ?? 4;
}

const IDLE_POLL_MS = 500;
/** A lane whose last case took longer than this fetches one job at a time. */
const SLOW_CASE_MS = 2000;
/**
 * Jobs a lane fetches at once (SECONDREAD_FETCH_BATCH): by default 16 per worker shared by its
 * lanes, so one worker holds at most about 32 jobs (a batch in hand, one fetched ahead).
 */
const fetchBatch = () => env().SECONDREAD_FETCH_BATCH ?? Math.ceil(16 / parallelSequences());

export class Worker {
  private pools: Map<SystemKind, Pool>;
  private systems = new Map<string, { kind: SystemKind; config: unknown }>();
  private boss: PgBoss | null = null;
  private stopping = false;
  private lanes: Promise<void>[] = [];
  readonly id = `${os.hostname()}:${process.pid}`;

  constructor(
    private db: Db,
    private url: string,
    private log: Log = (l) => console.log(`[worker] ${l}`),
  ) {
    // Every kind's engines load with the same sequences; a local model measures unless they are set.
    this.pools = enginePools({ parallel: parallelSequences(), measure: configuredParallel() === null, log: this.log });
  }

  /**
   * One lane per context sequence. A lane is a small pipeline: while the model generates a batch
   * of cases, the next batch and its cases are already being fetched, and the previous batch's
   * outputs are being written, so the model does not wait for the database. Batches are small
   * (see fetchBatch) and shrink to one job for slow models, so little waits in this worker's
   * hands while another worker is idle. Queued jobs wake idle lanes by NOTIFY.
   */
  async start() {
    this.boss = await queueFor(this.url, { supervise: true });
    // Polling stays the fallback (a missed notification costs one poll interval).
    this.listener = new pg.Client({ connectionString: this.url });
    this.listener.on("notification", () => this.wakeAll());
    this.listener.on("error", (e) => this.log(`listen: ${e.message}`));
    await this.listener
      .connect()
      .then(() => this.listener!.query(`LISTEN ${JOBS_CHANNEL}`))
      .catch((e: Error) => this.log(`listen: ${e.message}`));
    const parallel = parallelSequences();
    this.lanes = Array.from({ length: parallel }, () => this.lane());
    this.log(`ready (${this.id}, ${parallel} parallel sequences)`);
  }

  private listener: pg.Client | null = null;
  private sleepers = new Set<() => void>();
  private wakeAll() {
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }
  private idle() {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, IDLE_POLL_MS);
      const sleepers = this.sleepers;
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      this.sleepers.add(done);
    });
  }

  /** Jobs fetched but not started when the worker stopped, handed back to the queue. */
  returned = 0;

  async stop() {
    this.stopping = true;
    this.wakeAll();
    await this.listener?.end().catch(() => {});
    await Promise.all(this.lanes);
    for (const pool of this.pools.values()) await pool.dispose();
  }

  private async lane() {
    // Batches only pay for quick cases; a slow model (seconds a case) takes one job at a time,
    // so that jobs held ahead never near their expiry.
    let msPerCase = 0;
    const size = () => (msPerCase > SLOW_CASE_MS ? 1 : fetchBatch());
    let next = this.claim(size());
    let storing: Promise<void> = Promise.resolve();
    while (!this.stopping) {
      const batch = await next;
      if (!batch.length) {
        await this.idle();
        next = this.claim(size());
        continue;
      }
      next = this.claim(size());
      const results: Result[] = [];
      for (const claimed of batch) {
        if (this.stopping) results.push({ claimed, giveBack: true });
        else {
          const started = performance.now();
          try {
            results.push({ claimed, output: await this.generate(claimed) });
          } catch (e) {
            results.push({ claimed, error: (e as Error).message });
          }
          msPerCase = performance.now() - started;
        }
      }
      await storing; // one write in flight per lane
      storing = this.store(results);
    }
    await storing;
    await this.store((await next).map((claimed) => ({ claimed, giveBack: true })));
  }

  /**
   * The next few jobs with what they need, in two queries (system configs are cached: systems
   * are never edited). A few at a time: fewer round trips, and still little held back from
   * other workers.
   */
  private async claim(batchSize: number): Promise<Claimed[]> {
    if (this.stopping) return [];
    try {
      const jobs = await this.boss!.fetch<JobData>(QUEUE, { batchSize });
      if (!jobs.length) return [];
      const missing = [...new Set(jobs.map((j) => j.data.systemId))].filter((id) => !this.systems.has(id));
      const [systems, cases] = await Promise.all([
        missing.length
          ? this.db.system.findMany({ where: { id: { in: missing } }, select: { id: true, kind: true, config: true } })
          : [],
        this.db.case.findMany({
          where: { id: { in: jobs.map((j) => j.data.caseId) } },
          include: { outputs: { select: { systemId: true } } },
        }),
      ]);
      for (const sys of systems) this.systems.set(sys.id, sys);
      const byId = new Map(cases.map((c) => [c.id, c]));
      return jobs.map((job) => {
        const c = byId.get(job.data.caseId);
        return {
          job,
          system: this.systems.get(job.data.systemId) ?? null,
          case: c ?? null,
          done: !!c?.outputs.some((o) => o.systemId === job.data.systemId),
        };
      });
    } catch (e) {
      this.log(`queue: ${(e as Error).message}`);
      return [];
    }
  }

  private async generate({ job, system, case: c, done }: Claimed): Promise<NewOutput | undefined> {
    if (!system || !c || done) return undefined; // deleted since, or already done by an earlier attempt
    const pool = this.pools.get(system.kind);
    if (!pool) throw new Error(`Systems of kind ${system.kind} are not generated.`);
    const { g, provenance } = await pool.generate(system.config, c, this.id);
    if (!g.text) throw new Error(`The model wrote nothing for case ${c.sourceId} (stop reason: ${g.stopReason}).`);
    return { caseId: job.data.caseId, text: g.text, provenance };
  }

  /** Outputs first (one statement per system), then the jobs completed together; failures one by one. */
  private async store(results: Result[]) {
    const ok = results.filter((r) => !r.error && !r.giveBack);
    try {
      const bySystem = new Map<string, NewOutput[]>();
      for (const r of ok) {
        if (!r.output) continue;
        const id = r.claimed.job.data.systemId;
        bySystem.set(id, [...(bySystem.get(id) ?? []), r.output]);
      }
      for (const [systemId, outputs] of bySystem) await addOutputs(this.db, systemId, outputs);
      if (ok.length)
        await this.boss!.complete(
          QUEUE,
          ok.map((r) => r.claimed.job.id),
        );
    } catch (e) {
      for (const r of ok) r.error = (e as Error).message;
    }
    for (const r of results.filter((x) => x.error)) {
      const { job } = r.claimed;
      this.log(`case ${job.data.caseId} of system ${job.data.systemId}: ${r.error}`);
      await this.boss!.fail(QUEUE, job.id, { message: r.error }).catch(() => {});
    }
    // Fetched but not started (the worker is stopping): back to the queue for any worker.
    const back = results.filter((r) => r.giveBack).map((r) => r.claimed.job.id);
    if (back.length)
      await this.boss!.cancel(QUEUE, back)
        .then(() => this.boss!.resume(QUEUE, back))
        .then(() => (this.returned += back.length))
        .catch(() => {});
  }
}
