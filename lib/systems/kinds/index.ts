// The registry of system kinds: the one place that knows which kinds there are. Everything else
// asks it (a test checks that no other file names a kind).
import type { SystemKind } from "../../generated/prisma/enums.ts";
import { imported } from "./imported.ts";
import type { KindModule } from "./kind.ts";
import { llama } from "./llama.ts";
import { openAi } from "./openai.ts";
import { reference } from "./reference.ts";
import { retrieval } from "./retrieval.ts";

// A Record over the database's enum: a kind added to the schema fails to compile until it has a module.
const KINDS: Record<SystemKind, KindModule> = {
  REFERENCE: reference,
  RETRIEVAL: retrieval,
  IMPORTED: imported,
  LLAMA: llama,
  OPENAI_COMPATIBLE: openAi,
};

export function kindOf(kind: SystemKind): KindModule {
  return KINDS[kind];
}

export const ALL_KINDS: readonly KindModule[] = Object.values(KINDS);

/** The kinds whose outputs SecondRead's worker writes. */
export const GENERATED_KINDS: SystemKind[] = ALL_KINDS.filter((k) => k.generated).map((k) => k.kind);

/** What the admin's systems table needs about one system: its kind's label and how to complete it. */
export function describeSystem(system: { kind: SystemKind; config: unknown }) {
  const { label, completion } = kindOf(system.kind);
  return {
    label,
    completion:
      "action" in completion
        ? { action: completion.action, fileLabel: completion.fileLabel, needsFile: completion.needsFile(system.config) }
        : null,
  };
}

export type { KindModule, OutputFacts } from "./kind.ts";
