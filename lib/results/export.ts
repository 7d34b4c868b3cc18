// Every answer in long form (one row per score, per clinical error, per "no errors"), unblinded,
// for analysis elsewhere; the module column says which part of the design a row answers.
// Streamed page by page so a large study never sits in memory.
import type { Db } from "../platform/db.ts";
import { assertAdmin } from "../accounts/access.ts";
import { candidateEntries, type DisplayEntry } from "../rating/assignment.ts";
import { type Criterion, criteriaOf, MAX_POINTS, readDesign } from "../rating/design.ts";
import { ANSWER, type StoredAnswer } from "../rating/answer.ts";
import { ERROR_CATEGORIES } from "../rating/clinical-errors.ts";
import type { ErrorsResult } from "./errors.ts";
import { SIGN_OFF_LEVELS } from "../rating/sign-off.ts";
import type { SignOffResult } from "./sign-off.ts";
import { wordEdits } from "./edit-distance.ts";
import type { Clustered } from "./stats.ts";
import { NotFoundError } from "../platform/errors.ts";
import { label } from "../rating/rating.ts";
import { ratedCases, type StudyResults, studyResults } from "./results.ts";
import type { Actor } from "../accounts/users.ts";
import { kindOf } from "../systems/kinds/index.ts";

export const EXPORT_COLUMNS = [
  "study",
  "case_position",
  "case_source_id",
  "system",
  "system_kind",
  "rater_email",
  "module",
  // scores: the criterion's key; errors: the category, or "none" for the rater's word that there are none
  "item",
  // scores: the score; errors: 1 for a clinically significant error, 0 for one that is not (and for "none");
  // signoff: the words changed in the edited impression (word-level Levenshtein), empty without one;
  // preference: the candidate's rank in its case (1 = preferred; item "rank")
  "value",
  // errors: the rater's note on the error; signoff: the edited impression
  "note",
  "display_position",
  "display_label",
  // Set when this text was also written by another system in the case and shown (and answered) once
  // for all of them: the same value on each of their rows (case position and candidate label).
  "shared_group",
  "comment",
  "time_spent_ms",
  "rated_at",
  "updated_at",
  "rating_id",
] as const;

export function csvField(value: unknown): string {
  const s = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  // Quote when needed; neutralise leading = + - @ so spreadsheets do not run a comment as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const line = (values: unknown[]) => `${values.map(csvField).join(",")}\r\n`;

/** One page of rows by id, after the cursor (the last id of the page before). */
export const pageAfter = (cursor: string | undefined, pageSize: number) => ({
  orderBy: { id: "asc" as const },
  take: pageSize,
  skip: cursor ? 1 : 0,
  cursor: cursor ? { id: cursor } : undefined,
});

/**
 * The shape both exports share: the study must exist (checked before the first byte, so the
 * route can still answer 404), a header line, then rows fetched page by page by id.
 */
export async function* pagedCsv<T extends { id: string }>(
  db: Db,
  actor: Actor,
  studyId: string,
  columns: readonly string[],
  fetchPage: (cursor: string | undefined) => Promise<T[]>,
  toLines: (row: T, study: { name: string; criteria: Criterion[] }) => string,
): AsyncGenerator<string> {
  assertAdmin(actor);
  const found = await db.study.findUnique({ where: { id: studyId }, select: { name: true, design: true } });
  if (!found) throw new NotFoundError("No such study.");
  const study = { name: found.name, criteria: criteriaOf(readDesign(found.design, found.name)) };
  yield line([...columns]);
  for (let cursor: string | undefined; ; ) {
    const page = await fetchPage(cursor);
    if (page.length === 0) return;
    yield page.map((row) => toLines(row, study)).join("");
    cursor = page[page.length - 1].id;
  }
}

type AnswerRow = [
  module: "scores" | "errors" | "signoff" | "preference",
  item: string,
  value: number | null,
  note: string,
];

/**
 * One answer as export rows: scores in the design's order, errors in the order they were entered
 * (or "none"), the sign-off with the words changed, the preference rank.
 */
export function answerRows(criteria: readonly Criterion[], a: StoredAnswer, original: string): AnswerRow[] {
  return [
    ...criteria.flatMap((c): AnswerRow[] => {
      const score = a.scores.find((x) => x.criterion === c.key);
      return score ? [["scores", c.key, score.value, ""]] : [];
    }),
    ...a.errors.map((e): AnswerRow => ["errors", e.category, e.significant ? 1 : 0, e.note]),
    ...(a.noErrors ? [["errors", "none", 0, ""] satisfies AnswerRow] : []),
    ...(a.signOff
      ? [
          [
            "signoff",
            a.signOff,
            a.editedText === null ? null : wordEdits(original, a.editedText),
            a.editedText ?? "",
          ] satisfies AnswerRow,
        ]
      : []),
    ...(a.rank !== null ? [["preference", "rank", a.rank, ""] satisfies AnswerRow] : []),
  ];
}

export function exportRatingsCsv(db: Db, actor: Actor, studyId: string, pageSize = 500): AsyncGenerator<string> {
  return pagedCsv(
    db,
    actor,
    studyId,
    EXPORT_COLUMNS,
    (cursor) =>
      db.rating.findMany({
        where: { assignment: { case: ratedCases(studyId) } },
        ...pageAfter(cursor, pageSize),
        include: {
          ...ANSWER,
          output: { select: { text: true, system: { select: { name: true, kind: true } } } },
          assignment: {
            select: {
              displayOrder: true,
              rater: { select: { email: true } },
              case: { select: { position: true, sourceId: true } },
            },
          },
        },
      }),
    (r, study) => {
      const order = r.assignment.displayOrder as DisplayEntry[];
      const handle = order.find((e) => e.outputId === r.outputId)?.handle;
      const position = candidateEntries(order).findIndex((e) => e.handle === handle);
      const shared =
        order.filter((e) => e.handle === handle).length > 1 ? `${r.assignment.case.position}-${label(position)}` : "";
      const answers = answerRows(study.criteria, r, r.output.text);
      return answers
        .map(([module, item, value, note]) =>
          line([
            study.name,
            r.assignment.case.position,
            r.assignment.case.sourceId,
            r.output.system.name,
            r.output.system.kind,
            r.assignment.rater.email,
            module,
            item,
            value,
            note,
            position + 1,
            label(position),
            shared,
            r.comment,
            r.timeSpentMs,
            r.createdAt,
            r.updatedAt,
            r.id,
          ]),
        )
        .join("");
    },
  );
}

const OUTPUT_COLUMNS = [
  "study",
  "case_position",
  "case_source_id",
  "system",
  "system_kind",
  "text",
  "engine",
  "engine_version",
  "model_file",
  "model_sha256",
  "adapters",
  "seed",
  "settings",
  "tokens_in",
  "tokens_out",
  "ms",
  "stop_reason",
  "warning",
  "prompt",
  "created_at",
] as const;

/** Every candidate text with how it was made (one row per output), streamed like the ratings. */
export function exportOutputsCsv(db: Db, actor: Actor, studyId: string, pageSize = 500): AsyncGenerator<string> {
  return pagedCsv(
    db,
    actor,
    studyId,
    OUTPUT_COLUMNS,
    (cursor) =>
      db.output.findMany({
        where: { case: { studyId } },
        ...pageAfter(cursor, pageSize),
        include: {
          system: { select: { name: true, kind: true } },
          case: { select: { position: true, sourceId: true } },
        },
      }),
    (o, study) => {
      const p = kindOf(o.system.kind).outputFacts(o.provenance);
      return line([
        study.name,
        o.case.position,
        o.case.sourceId,
        o.system.name,
        o.system.kind,
        o.text,
        p.engine,
        p.engineVersion,
        p.model,
        p.modelSha256,
        p.adapters,
        p.seed,
        p.settings ? JSON.stringify(p.settings) : "",
        p.tokensIn,
        p.tokensOut,
        p.ms,
        p.stopReason,
        p.warning,
        p.prompt,
        o.createdAt,
      ]);
    },
  );
}

export const SUMMARY_COLUMNS = [
  "study",
  "system",
  "system_kind",
  "criterion",
  "ratings",
  "cases",
  "mean",
  "sd",
  "median",
  "ci95_low",
  "ci95_high",
  "scale_points",
  // How many ratings gave each score (empty past the criterion's scale).
  ...Array.from({ length: MAX_POINTS }, (_, i) => `scores_${i + 1}`),
  "criterion_alpha_all_systems",
  "vs_reference_difference",
  "vs_reference_ci95_low",
  "vs_reference_ci95_high",
  "vs_reference_cases",
  "vs_reference_wilcoxon_p",
  "vs_reference_p_holm",
  "vs_reference_p_method",
] as const;

/**
 * The dashboard's numbers for a paper's tables: one row per system × criterion, then (when the study
 * asks for clinical errors) one per system × error measure ("criterion" names it, "ratings" counts reports).
 */
export async function* exportSummaryCsv(db: Db, actor: Actor, studyId: string): AsyncGenerator<string> {
  const results = await studyResults(db, actor, studyId);
  const study = await db.study.findUniqueOrThrow({ where: { id: studyId }, select: { name: true } });
  yield line([...SUMMARY_COLUMNS]);
  for (const s of results.systems) {
    yield results.criteria
      .map(({ key, points }) => {
        const v = s.byCriterion[key];
        const c = s.vsReference?.[key];
        return line([
          study.name,
          s.name,
          s.kind,
          key,
          v.n,
          v.cases,
          v.mean,
          v.sd,
          v.median,
          v.ci95?.[0],
          v.ci95?.[1],
          points,
          ...Array.from({ length: MAX_POINTS }, (_, i) => v.distribution[i]),
          results.agreement[key],
          c?.difference,
          c?.ci95?.[0],
          c?.ci95?.[1],
          c?.cases,
          c?.p,
          c?.pHolm,
          c?.method,
        ]);
      })
      .join("");
    if (s.errors) yield errorLines(study.name, s.name, s.kind, s.errors);
    if (s.signOff) yield signOffLines(study.name, s.name, s.kind, s.signOff);
    if (s.preference) yield preferenceLines(study.name, s, results.systems);
  }
}

/**
 * Preference in the summary: the Bradley–Terry strength ("mean", with its bootstrap interval) and
 * rank, then the shares of wins, ties and losses against each other system ("ratings": comparisons).
 */
function preferenceLines(study: string, s: StudyResults["systems"][number], systems: StudyResults["systems"]) {
  const p = s.preference!;
  const blank = (n: number) => Array(n).fill("");
  const comparisons = p.headToHead.reduce((sum, h) => sum + h.comparisons, 0);
  const row = (measure: string, n: number, mean: number, low: unknown = "", high: unknown = "") =>
    line([study, s.name, s.kind, measure, n, "", mean, "", "", low, high, ...blank(SUMMARY_COLUMNS.length - 11)]);
  const name = new Map(systems.map((x) => [x.systemId, x.name]));
  return [
    row("preference:strength", comparisons, p.strength.strength, p.strength.low, p.strength.high),
    row("preference:rank", comparisons, p.strength.rank),
    ...p.headToHead.flatMap((h) =>
      (["win", "tie", "loss"] as const).map((k) =>
        row(`preference:vs:${name.get(h.against)}:${k}`, h.comparisons, h[k]),
      ),
    ),
  ].join("");
}

/** Clinical errors in the summary: one row per measure, in the columns they share with scores. */
function errorLines(study: string, system: string, kind: string, e: ErrorsResult): string {
  const measures: [string, Clustered][] = [
    ["errors:significant_per_report", e.significant],
    ["errors:all_per_report", e.all],
    ["errors:share_with_significant", e.anySignificant],
    ...ERROR_CATEGORIES.flatMap(({ key }): [string, Clustered][] => [
      [`errors:${key}:significant`, e.byCategory[key].significant],
      [`errors:${key}:not_significant`, e.byCategory[key].notSignificant],
    ]),
  ];
  return measureLines(study, system, kind, measures);
}

function signOffLines(study: string, system: string, kind: string, s: SignOffResult): string {
  return measureLines(study, system, kind, [
    ...SIGN_OFF_LEVELS.map(({ key }): [string, Clustered] => [`signoff:${key}:share`, s.share[key]]),
    ["signoff:words_changed", s.wordsChanged],
  ]);
}

/** Measures that are means with a clustered interval, in the columns they share with scores. */
function measureLines(study: string, system: string, kind: string, measures: [string, Clustered][]): string {
  const blank = SUMMARY_COLUMNS.length - 11;
  return measures
    .map(([measure, v]) =>
      line([
        study,
        system,
        kind,
        measure,
        v.n,
        v.cases,
        v.mean,
        "",
        "",
        v.ci95?.[0],
        v.ci95?.[1],
        ...Array(blank).fill(""),
      ]),
    )
    .join("");
}
