// Which engine generates for which kind of system. A unit test checks that every kind the
// registry marks as generated has exactly one source here, and no other kind has one.
import type { SystemKind } from "../generated/prisma/client.ts";
import { EnginePool, type LoadOptions, type Pool } from "./engine.ts";
import { llamaEngines } from "./llm.ts";
import { openAiEngines } from "./openai.ts";

const pools = (options: LoadOptions): [SystemKind, Pool][] => [
  [llamaEngines.kind, new EnginePool(llamaEngines, options)],
  [openAiEngines.kind, new EnginePool(openAiEngines, options)],
];

/** A worker's engines, one pool per generated kind. */
export function enginePools(options: LoadOptions): Map<SystemKind, Pool> {
  return new Map(pools(options));
}
