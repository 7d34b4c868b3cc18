// Importing cases into a study: all or nothing, in one transaction.
import type { Db } from "../platform/db.ts";
import { assertAdmin } from "../accounts/access.ts";
import { spreadAssignments } from "../rating/assignment.ts";
import { audit } from "../platform/audit.ts";
import { NotFoundError, UserInputError } from "../platform/errors.ts";
import {
  extractCases,
  guessCaseMapping,
  parseTableAsync,
  type CaseMapping,
  type RowProblem,
} from "../tables/tables.ts";
import { normalizeText } from "../platform/text.ts";
import { referenceFilter } from "../systems/kinds/reference.ts";
import type { Actor } from "../accounts/users.ts";

type ImportRequest = {
  bytes: Uint8Array;
  fileName?: string;
  mapping?: Partial<CaseMapping>;
  skipIncomplete?: boolean;
  maxBytes: number;
};

type ImportResult =
  | { status: "needs-confirmation"; cases: number; incomplete: RowProblem[] }
  | { status: "imported"; imported: number; skipped: RowProblem[] };

/** Columns, guessed mapping and a few rows, so the admin can check the mapping before importing. */
export async function previewImport(req: Omit<ImportRequest, "skipIncomplete">) {
  const table = await parseTableAsync(req.bytes, { fileName: req.fileName, maxBytes: req.maxBytes });
  return {
    format: table.format,
    columns: table.columns,
    rowCount: table.rows.length,
    guess: guessCaseMapping(table.columns),
    sample: table.rows.slice(0, 3),
  };
}

function resolveMapping(columns: string[], given: Partial<CaseMapping> | undefined): CaseMapping {
  const guess = guessCaseMapping(columns);
  const findings = given?.findings || guess.findings;
  const impression = given?.impression || guess.impression;
  if (!findings || !impression) {
    throw new UserInputError(
      `Choose which columns hold the findings and the impression (columns in the file: ${columns.join(", ")}).`,
    );
  }
  return { sourceId: given?.sourceId || guess.sourceId, findings, impression, metadata: given?.metadata };
}

export async function importCases(db: Db, actor: Actor, studyId: string, req: ImportRequest): Promise<ImportResult> {
  assertAdmin(actor);
  const table = await parseTableAsync(req.bytes, { fileName: req.fileName, maxBytes: req.maxBytes });
  const mapping = resolveMapping(table.columns, req.mapping);
  const { cases, incomplete } = extractCases(table, mapping);
  if (incomplete.length > 0 && !req.skipIncomplete)
    return { status: "needs-confirmation", cases: cases.length, incomplete };
  if (cases.length === 0)
    throw new UserInputError("The file has no complete case (every row lacks findings or an impression).");

  const imported = await db.$transaction(
    async (tx) => {
      // One import per study at a time: concurrent ones would pick the same positions (and
      // miss each other's ids) and fail on a unique index instead of queueing.
      await tx.$queryRaw`SELECT 1 FROM "Study" WHERE "id" = ${studyId} FOR UPDATE`;
      const study = await tx.study.findUnique({
        where: { id: studyId },
        include: { systems: { where: referenceFilter } },
      });
      if (!study) throw new NotFoundError("No such study.");
      const reference = study.systems[0];
      const clash = await tx.case.findMany({
        where: { studyId, sourceId: { in: cases.map((c) => c.sourceId) } },
        select: { sourceId: true },
        orderBy: { position: "asc" }, // the first five in the study's order
        take: 5,
      });
      if (clash.length > 0)
        throw new UserInputError(
          `The study already has cases with these ids: ${clash.map((c) => c.sourceId).join(", ")}. Nothing was imported.`,
        );
      const last = await tx.case.aggregate({ where: { studyId }, _max: { position: true } });
      const start = (last._max.position ?? 0) + 1;
      const created = await tx.case.createManyAndReturn({
        data: cases.map((c, i) => ({
          studyId,
          position: start + i,
          sourceId: c.sourceId,
          findings: normalizeText(c.findings),
          referenceImpression: normalizeText(c.impression),
          metadata: { ...c.metadata, sourceRow: c.row },
        })),
        select: { id: true, referenceImpression: true },
      });
      await tx.output.createMany({
        data: created.map((c) => ({ caseId: c.id, systemId: reference.id, text: c.referenceImpression })),
      });
      await spreadAssignments(tx, studyId); // new cases reach the study's raters at once
      await audit(tx, actor.id, "study.import", "Study", studyId, {
        fileName: req.fileName ?? null,
        imported: created.length,
        skippedRows: incomplete.map((p) => p.row),
        mapping,
      });
      return created.length;
    },
    { timeout: 120_000 },
  );
  return { status: "imported", imported, skipped: incomplete };
}
