// The radiologist's own impression: one system per study, made with the study; its outputs come
// with each imported case (lib/studies/import.ts).
import { z } from "zod";
import type { SystemKind } from "../../generated/prisma/enums.ts";
import type { KindModule } from "./kind.ts";

const KIND = "REFERENCE" as const;

const referenceConfig = z.object({});
const referenceProvenance = z.object({ source: z.string() });
const referenceOutput = z.object({});

/** The row createStudy makes. */
export const referenceSystem = {
  name: "Reference (radiologist)",
  kind: KIND,
  provenance: { source: "imported reference impressions" } satisfies z.input<typeof referenceProvenance>,
};

export const reference: KindModule = {
  kind: KIND,
  schemas: { config: referenceConfig, provenance: referenceProvenance, output: referenceOutput },
  label: "Reference (radiologist)",
  generated: false,
  completion: { refusal: "The reference comes with each imported case." },
  adding: null,
  outputFacts: () => ({}),
};

/** Prisma's filter for a study's reference system. */
export const referenceFilter = { kind: KIND } as const;

export const isReferenceKind = (kind: SystemKind) => kind === KIND;
