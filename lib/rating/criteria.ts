// What the rater's page needs of a design, without zod (which the browser must not load: its
// eval probe breaks the Content-Security-Policy). The schema is in design.ts.

/** One scored criterion of a study's design. */
export type Criterion = {
  /** Where its scores are stored; never changes once made, whatever the name becomes. */
  key: string;
  name: string;
  definition: string;
  /** The scale is 1..points. */
  points: number;
  /** Anchor words for 1 and for the top of the scale. */
  low: string;
  high: string;
};

/** The Radiology-Llama2 paper's five criteria: the default set of every new study. */
export const PAPER_CRITERIA = [
  {
    key: "understandability",
    name: "Understandability",
    definition: "Can a clinician read and understand the impression without effort?",
    points: 5,
    low: "hard to understand",
    high: "immediately clear",
  },
  {
    key: "coherence",
    name: "Coherence",
    definition: "Is the impression logically consistent, internally and with the findings?",
    points: 5,
    low: "contradictory or disjointed",
    high: "fully consistent",
  },
  {
    key: "relevance",
    name: "Relevance",
    definition: "Does it address the findings that matter for this patient?",
    points: 5,
    low: "misses what matters",
    high: "captures all that matters",
  },
  {
    key: "conciseness",
    name: "Conciseness",
    definition: "Is it as short as it can be without leaving out anything important?",
    points: 5,
    low: "verbose or padded",
    high: "nothing to cut",
  },
  {
    key: "clinicalUtility",
    name: "Clinical utility",
    definition: "Would this impression help the referring clinician decide what to do next?",
    points: 5,
    low: "no help or misleading",
    high: "directly actionable",
  },
] as const satisfies readonly Criterion[];

export const MAX_CRITERIA = 12;
export const MIN_POINTS = 2;
export const MAX_POINTS = 10;

export type Scores = Record<string, number | null>;

/** Every criterion of the design has a score. */
export const scoresComplete = (criteria: readonly Criterion[], scores: Scores) =>
  criteria.every((c) => typeof scores[c.key] === "number");
