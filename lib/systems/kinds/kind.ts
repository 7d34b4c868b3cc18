// What every kind of system declares. One module per kind in this folder; index.ts lists them.
import type { z } from "zod";
import type { SystemKind } from "../../generated/prisma/enums.ts";
import type { Actor } from "../../accounts/users.ts";
import type { Db } from "../../platform/db.ts";
import { UserInputError } from "../../platform/errors.ts";
import type { NewOutput } from "../outputs.ts";
import type { FileInput } from "../../platform/validation.ts";

/** An output's provenance as the outputs export and the admin pages show it, whichever kind wrote it. */
export type OutputFacts = {
  engine?: string;
  engineVersion?: string;
  model?: string;
  modelSha256?: string;
  adapters?: string;
  seed?: number;
  settings?: unknown;
  tokensIn?: number;
  tokensOut?: number;
  ms?: number;
  stopReason?: string;
  warning?: string;
  prompt?: string;
};

export type SystemRow = { id: string; name: string; studyId: string; config: unknown };
export type MissingCase = { id: string; sourceId: string; findings: string };

/** How a system gets outputs for cases imported after it was added. */
type Completion = {
  /** What the admin's button says. */
  action: string;
  fileLabel: string;
  /** Whether completing this system (by its configuration) needs a file. */
  needsFile(config: unknown): boolean;
  /** Outputs for the missing cases; throws a UserInputError that changes nothing. */
  outputs(db: Db, system: SystemRow, missing: MissingCase[], file: FileInput | null): Promise<NewOutput[]>;
};

/** How an admin adds a system of this kind (lib/systems/systems.ts: addSystem). */
export type Adding = {
  /** The choice in the "Add a system" form. */
  choice: string;
  /** Which fields the form shows. */
  form: "library" | "outputs-file" | "model" | "endpoint";
  defaultName: string;
  /** Adds it from the form's fields (checked here, by the kind's own schema). */
  add(db: Db, actor: Actor, studyId: string, fields: unknown): Promise<{ id: string; missing?: number }>;
};

export type KindModule = {
  kind: SystemKind;
  /** What System.config, System.provenance and each Output.provenance of the kind hold. */
  schemas: { config: z.ZodType; provenance: z.ZodType; output: z.ZodType };
  /** How admins see the kind (raters never do). */
  label: string;
  /** Written by SecondRead's generation worker, through an engine (lib/generation/engines.ts). */
  generated: boolean;
  /** How missing outputs are added, or why they are not added that way. */
  completion: Completion | { refusal: string };
  /** Null: made by SecondRead itself (the reference, with the study). */
  adding: Adding | null;
  outputFacts(provenance: unknown): OutputFacts;
};

/**
 * An output's facts from its provenance, checked against the kind's schema. A row that does not
 * match (written by an older version, edited by hand) says so in the warning column rather than
 * breaking an export that is already streaming.
 */
export function readFacts<T>(schema: z.ZodType<T>, provenance: unknown, facts: (p: T) => OutputFacts): OutputFacts {
  const parsed = schema.safeParse(provenance);
  if (parsed.success) return facts(parsed.data);
  const [issue] = parsed.error.issues;
  return { warning: `provenance not readable (${issue.path.join(".") || "the whole value"}: ${issue.message})` };
}

/** A system's stored configuration, or a UserInputError naming the system when it does not fit its kind. */
export function storedConfig<T>(schema: z.ZodType<T>, system: { name: string; config: unknown }): T {
  const parsed = schema.safeParse(system.config);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  throw new UserInputError(
    `${system.name}: its stored configuration is not readable (${issue.path.join(".") || "the whole value"}: ${issue.message}); nothing was added.`,
  );
}
