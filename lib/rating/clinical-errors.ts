// The clinical-errors module (ReXVal: Yu et al., Patterns 2023): per candidate, each error the
// rater finds, in one of six categories, clinically significant or not. Kept free of zod, so the
// rater's page can use it (see criteria.ts).
import type { ErrorCategory } from "../generated/prisma/enums.ts";

export type { ErrorCategory };

export const ERROR_CATEGORIES: readonly { key: ErrorCategory; name: string; hint: string }[] = [
  { key: "FALSE_FINDING", name: "False finding", hint: "reports a finding that is not in the findings" },
  { key: "MISSED_FINDING", name: "Missed finding", hint: "leaves out a finding that matters" },
  { key: "WRONG_LOCATION", name: "Wrong location or position", hint: "puts a finding in the wrong place" },
  { key: "WRONG_SEVERITY", name: "Wrong severity", hint: "over- or understates a finding" },
  {
    key: "FALSE_COMPARISON",
    name: "Comparison not there",
    hint: "mentions a comparison with a prior that is not there",
  },
  { key: "MISSED_COMPARISON", name: "Comparison omitted", hint: "leaves out a comparison the findings make" },
];

export type ErrorMark = { category: ErrorCategory; significant: boolean; note: string };

/** A candidate's errors: those found, or the rater's word that there are none. */
export type ErrorsAnswer = { errors: ErrorMark[]; noErrors: boolean };

/** Answered when the rater found an error or said there are none. */
export const errorsAnswered = (a: ErrorsAnswer) => a.noErrors || a.errors.length > 0;

export const MAX_ERRORS = 40;
