// Reading ratings' scores in tests: the paper's five criteria by key, as the five columns were.
import { PAPER_CRITERIA, type Scores } from "../../lib/rating/design.ts";

export const PAPER_KEYS = PAPER_CRITERIA.map((c) => c.key);
export type PaperKey = (typeof PAPER_KEYS)[number];

/** One value (or null) on every paper criterion. */
export const all = (v: number | null): Scores => Object.fromEntries(PAPER_KEYS.map((k) => [k, v]));

/** A rating row with its Score rows spread as fields (null where none). */
export const withScores = <R extends { scores: { criterion: string; value: number }[] }>(r: R) => ({
  ...r,
  ...(Object.fromEntries(PAPER_KEYS.map((k) => [k, r.scores.find((s) => s.criterion === k)?.value ?? null])) as Record<
    PaperKey,
    number | null
  >),
});

/** Include this in a rating query to read its scores. */
export const SCORES = { scores: { select: { criterion: true, value: true } } } as const;
