// The one shape of an engine, whichever kind of system it generates for (lib/systems/kinds/: a
// kind with `generated: true` has exactly one engine source in engines.ts).
import type { z } from "zod";
import type { Prisma, SystemKind } from "../generated/prisma/client.ts";
import type { Settings } from "../systems/llm-config.ts";

/** What an engine gives back for a case. */
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

type CaseText = { findings: string; metadata?: unknown };

export interface Engine<C> {
  generate(c: CaseText, config: C): Promise<Generated>;
  /** What the output records about how it was made: its kind's output provenance schema. */
  provenance(g: Generated, config: C, worker: string): Prisma.InputJsonValue;
  dispose(): Promise<void>;
}

export type LoadOptions = { parallel: number; measure: boolean; log: (line: string) => void };

/** How the worker gets an engine for a system of one kind. */
export type EngineSource<C> = {
  kind: SystemKind;
  config: z.ZodType<C>;
  /** Systems whose configurations give the same key share one engine. */
  key(config: C): string;
  load(config: C, options: LoadOptions): Promise<Engine<C>>;
};

/** What every generated output records (lib/systems/llm-config.ts: generatedOutput). */
export function generatedProvenance(g: Generated, settings: Settings, worker: string) {
  return {
    settings,
    seed: settings.seed,
    prompt: g.prompt,
    rawText: g.raw,
    tokensIn: g.tokensIn,
    tokensOut: g.tokensOut,
    ms: g.ms,
    stopReason: g.stopReason,
    ...(g.truncatedFindings ? { warning: "findings shortened to fit the context" } : {}),
    worker,
  };
}

/** What the worker asks of a kind's engines: a case generated for a system, by its stored configuration. */
export interface Pool {
  generate(
    rawConfig: unknown,
    c: CaseText,
    worker: string,
  ): Promise<{ g: Generated; provenance: Prisma.InputJsonValue }>;
  dispose(): Promise<void>;
}

/**
 * One worker's engines of one kind: a configuration is parsed once per system (stored
 * configurations never change), and systems whose configurations share a key share one engine.
 */
export class EnginePool<C> implements Pool {
  private parsed = new WeakMap<object, C>();
  private engines = new Map<string, Promise<Engine<C>>>();

  constructor(
    private source: EngineSource<C>,
    private options: LoadOptions,
  ) {}

  private configOf(raw: unknown): C {
    if (typeof raw !== "object" || raw === null) return this.source.config.parse(raw);
    if (!this.parsed.has(raw)) this.parsed.set(raw, this.source.config.parse(raw));
    return this.parsed.get(raw)!;
  }

  private engine(config: C): Promise<Engine<C>> {
    const key = this.source.key(config);
    if (!this.engines.has(key)) {
      const loading = Promise.resolve().then(() => this.source.load(config, this.options));
      loading.catch(() => this.engines.delete(key)); // a fixed file can be retried
      this.engines.set(key, loading);
    }
    return this.engines.get(key)!;
  }

  async generate(rawConfig: unknown, c: CaseText, worker: string) {
    const config = this.configOf(rawConfig);
    const engine = await this.engine(config);
    const g = await engine.generate(c, config);
    return { g, provenance: engine.provenance(g, config, worker) };
  }

  async dispose() {
    for (const e of this.engines.values()) await (await e.catch(() => null))?.dispose();
    this.engines.clear();
  }
}
