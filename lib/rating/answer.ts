// What a rater answers for one candidate, and when that answer is complete: one rule, used by the
// rater's page (which shows "complete") and by saveRating (which marks the case done). Free of zod.
import { type Criterion, type Scores, scoresComplete } from "./criteria.ts";
import { type ErrorCategory, type ErrorMark, errorsAnswered } from "./clinical-errors.ts";
import type { SignOff } from "./sign-off.ts";
import { asksPreference, type PreferenceMode } from "./preference.ts";

/** The modules a study's design turns on (preference: how it is asked, or null). */
export type Modules = { scores: boolean; errors: boolean; signOff: boolean; preference: PreferenceMode | null };

export type CandidateAnswer = {
  scores: Scores;
  errors: ErrorMark[];
  noErrors: boolean;
  signOff: SignOff | null;
  /** The impression as the rater would sign it (with minor or major edits). */
  editedText: string | null;
  /** Preference rank within the case (1 = preferred; see preference.ts). */
  rank: number | null;
};

/** Every active module answered: each criterion scored; errors found or "no errors" said; a sign-off chosen. */
export const candidateComplete = (criteria: readonly Criterion[], modules: Modules, a: CandidateAnswer) =>
  (!modules.scores || scoresComplete(criteria, a.scores)) &&
  (!modules.errors || errorsAnswered(a)) &&
  (!modules.signOff || a.signOff !== null);

/**
 * A case is complete when each of its candidates is, and, with two or more candidates (`candidates`
 * counts texts shown, not systems), each has its preference rank.
 */
export const caseComplete = (
  criteria: readonly Criterion[],
  modules: Modules,
  answers: readonly CandidateAnswer[],
  candidates: number,
) =>
  answers.every((a) => candidateComplete(criteria, modules, a)) &&
  (!asksPreference(modules.preference, candidates) || answers.every((a) => a.rank !== null));

// What a rating holds beyond its row's own fields (its scores and errors), as a query includes it;
// and a stored rating as the answer the page and the completeness rule read.
export const ANSWER = {
  scores: { select: { criterion: true, value: true } },
  errors: { select: { category: true, significant: true, note: true }, orderBy: { position: "asc" } },
} as const;

export type StoredAnswer = {
  noErrors: boolean;
  signOff: SignOff | null;
  editedText: string | null;
  rank: number | null;
  scores: { criterion: string; value: number }[];
  errors: { category: ErrorCategory; significant: boolean; note: string }[];
};
export const answerOf = (criteria: readonly Criterion[], r: StoredAnswer | undefined): CandidateAnswer => ({
  scores: Object.fromEntries(criteria.map((c) => [c.key, r?.scores.find((x) => x.criterion === c.key)?.value ?? null])),
  errors: r?.errors ?? [],
  noErrors: r?.noErrors ?? false,
  signOff: r?.signOff ?? null,
  editedText: r?.editedText ?? null,
  rank: r?.rank ?? null,
});

/** What an output of a practice case holds (Output.expected): the scores the admin expects, by criterion key. */
export type Expected = { scores: Record<string, number> };
