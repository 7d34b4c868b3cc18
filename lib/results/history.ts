// The answer history export: every state each answer has had, with the time it was saved (the
// database keeps them: migration 20261202150000_answer_history), one row per answer item per revision.
import type { Db } from "../platform/db.ts";
import type { StoredAnswer } from "../rating/answer.ts";
import type { Actor } from "../accounts/users.ts";
import { answerRows, line, pageAfter, pagedCsv } from "./export.ts";
import { ratedCases } from "./results.ts";

export const HISTORY_COLUMNS = [
  "study",
  "case_position",
  "case_source_id",
  "system",
  "system_kind",
  "rater_email",
  "rating_id",
  // 1, 2, … per rating; the highest is the answer as it stands
  "revision",
  "saved_at",
  // as in the ratings export; a revision that cleared every answer has one row with these empty
  "module",
  "item",
  "value",
  "note",
  "comment",
] as const;

type Revision = { revision: number; savedAt: Date; answer: StoredAnswer & { comment: string } };

export function exportHistoryCsv(db: Db, actor: Actor, studyId: string, pageSize = 500): AsyncGenerator<string> {
  return pagedCsv(
    db,
    actor,
    studyId,
    HISTORY_COLUMNS,
    (cursor) =>
      db.rating.findMany({
        where: { assignment: { case: ratedCases(studyId) } },
        ...pageAfter(cursor, pageSize),
        select: {
          id: true,
          revisions: { orderBy: { revision: "asc" }, select: { revision: true, savedAt: true, answer: true } },
          output: { select: { text: true, system: { select: { name: true, kind: true } } } },
          assignment: {
            select: { rater: { select: { email: true } }, case: { select: { position: true, sourceId: true } } },
          },
        },
      }),
    (r, study) =>
      (r.revisions as Revision[])
        .flatMap((v) => {
          const rows = answerRows(study.criteria, v.answer, r.output.text);
          return (rows.length ? rows : [["", "", null, ""] as const]).map(([module, item, value, note]) =>
            line([
              study.name,
              r.assignment.case.position,
              r.assignment.case.sourceId,
              r.output.system.name,
              r.output.system.kind,
              r.assignment.rater.email,
              r.id,
              v.revision,
              v.savedAt,
              module,
              item,
              value,
              note,
              v.answer.comment,
            ]),
          );
        })
        .join(""),
  );
}
