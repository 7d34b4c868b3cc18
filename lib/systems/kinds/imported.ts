// Outputs of a model run elsewhere: a CSV/JSONL of case id → text. All ids must be cases of the study.
import { z } from "zod";
import type { Actor } from "../../accounts/users.ts";
import { assertAdmin } from "../../accounts/access.ts";
import type { Db } from "../../platform/db.ts";
import { UserInputError } from "../../platform/errors.ts";
import { normalizeText } from "../../platform/text.ts";
import { type FileInput, parseInput, uploadedFile } from "../../platform/validation.ts";
import { extractOutputs, guessOutputMapping, parseTableAsync } from "../../tables/tables.ts";
import type { NewOutput } from "../outputs.ts";
import { saveSystem, sha256, studyCases, systemName } from "../save.ts";
import { type KindModule, storedConfig } from "./kind.ts";

const KIND = "IMPORTED" as const;

const importedConfig = z.object({
  fileName: z.string().nullable(),
  sha256: z.string(),
  mapping: z.object({ sourceId: z.string(), text: z.string() }),
});
const importedProvenance = z.object({ importedFrom: z.string().nullable() });
const importedOutput = z.object({
  sourceRow: z.number(),
  importedFrom: z.string().nullable().optional(),
  addedLater: z.boolean().optional(),
});
type Output = z.input<typeof importedOutput>;

const noText = (rows: number[], nothing: string) =>
  new UserInputError(
    `Rows ${rows.slice(0, 10).join(", ")}${rows.length > 10 ? "…" : ""} have no text. Nothing was ${nothing}.`,
  );

export async function addImportedSystem(
  db: Db,
  actor: Actor,
  studyId: string,
  input: { name: string; file: FileInput; mapping?: { sourceId?: string; text?: string } },
) {
  assertAdmin(actor);
  const name = parseInput(systemName, input.name);
  const cases = await studyCases(db, studyId);
  const table = await parseTableAsync(input.file.bytes, {
    fileName: input.file.fileName,
    maxBytes: input.file.maxBytes,
  });
  const guess = guessOutputMapping(table.columns);
  const sourceId = input.mapping?.sourceId || guess.sourceId;
  const text = input.mapping?.text || guess.text;
  if (!sourceId || !text)
    throw new UserInputError(`Choose the case id and text columns (columns in the file: ${table.columns.join(", ")}).`);
  const { outputs, empty } = extractOutputs(table, { sourceId, text });
  if (empty.length > 0) throw noText(empty, "imported");
  const bySource = new Map(cases.map((c) => [c.sourceId, c.id]));
  const unknown = outputs.filter((o) => !bySource.has(o.sourceId));
  if (unknown.length > 0) {
    throw new UserInputError(
      `${unknown.length} row(s) name cases that are not in this study (e.g. row ${unknown[0].row}: "${unknown[0].sourceId}"). Nothing was imported.`,
    );
  }
  const rows = outputs.map((o) => ({
    caseId: bySource.get(o.sourceId)!,
    text: o.text,
    provenance: { sourceRow: o.row } satisfies Output,
  }));
  const config: z.input<typeof importedConfig> = {
    fileName: input.file.fileName ?? null,
    sha256: sha256(input.file.bytes),
    mapping: { sourceId, text },
  };
  const provenance: z.input<typeof importedProvenance> = { importedFrom: input.file.fileName ?? null };
  const system = await saveSystem(db, actor, studyId, { name, kind: KIND, config, provenance }, rows);
  return { system, missing: cases.length - rows.length };
}

const addFields = z.object({ name: z.string().default(""), file: uploadedFile });

export const imported: KindModule = {
  kind: KIND,
  schemas: { config: importedConfig, provenance: importedProvenance, output: importedOutput },
  label: "Imported outputs",
  generated: false,
  adding: {
    choice: "Outputs of another system (file)",
    form: "outputs-file",
    defaultName: "",
    async add(db, actor, studyId, fields) {
      const input = parseInput(addFields, fields, { name: "Name", file: "Outputs file" });
      const { system, missing } = await addImportedSystem(db, actor, studyId, input);
      return { id: system.id, missing };
    },
  },
  completion: {
    action: "Add their outputs",
    fileLabel: "Outputs file",
    needsFile: () => true,
    async outputs(db, system, missing, file) {
      if (!file) throw new UserInputError("Choose a file with the outputs for the cases that have none.");
      const { mapping } = storedConfig(importedConfig, system);
      const table = await parseTableAsync(file.bytes, { fileName: file.fileName, maxBytes: file.maxBytes });
      // The columns the system was made from, so another column is never taken for the text.
      if (!(table.columns.includes(mapping.sourceId) && table.columns.includes(mapping.text))) {
        throw new UserInputError(
          `The file needs the columns "${mapping.sourceId}" and "${mapping.text}", as the file ${system.name} was made from (it has: ${table.columns.join(", ")}). Nothing was added.`,
        );
      }
      const { outputs, empty } = extractOutputs(table, mapping);
      if (empty.length > 0) throw noText(empty, "added");
      const existing = new Map(
        (
          await db.output.findMany({
            where: { systemId: system.id },
            select: { text: true, case: { select: { sourceId: true } } },
          })
        ).map((o) => [o.case.sourceId, o.text]),
      );
      const open = new Map(missing.map((c) => [c.sourceId, c.id]));
      const rows: NewOutput[] = [];
      for (const o of outputs) {
        const had = existing.get(o.sourceId);
        if (had !== undefined) {
          // The whole file again is fine; a changed text is not (raters may have rated the old one).
          if (had !== normalizeText(o.text))
            throw new UserInputError(
              `Row ${o.row}: case "${o.sourceId}" already has a different output from ${system.name}; outputs are not changed once added. Nothing was added.`,
            );
          continue;
        }
        const caseId = open.get(o.sourceId);
        if (!caseId)
          throw new UserInputError(
            `Row ${o.row} names a case that is not in this study ("${o.sourceId}"). Nothing was added.`,
          );
        const provenance: Output = { sourceRow: o.row, importedFrom: file.fileName ?? null, addedLater: true };
        rows.push({ caseId, text: o.text, provenance });
      }
      if (rows.length === 0)
        throw new UserInputError(`The file has no outputs for the ${missing.length} case(s) without one.`);
      return rows;
    },
  },
  // Its provenance (the row of the file) has no column of the outputs export.
  outputFacts: () => ({}),
};
