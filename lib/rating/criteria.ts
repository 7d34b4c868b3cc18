// The five criteria of the Radiology-Llama2 expert evaluation, defined once for the
// rating form, the dashboards and the export.
export const CRITERIA = [
  {
    key: "understandability",
    label: "Understandability",
    definition: "Can a clinician read and understand the impression without effort?",
    low: "hard to understand",
    high: "immediately clear",
  },
  {
    key: "coherence",
    label: "Coherence",
    definition: "Is the impression logically consistent, internally and with the findings?",
    low: "contradictory or disjointed",
    high: "fully consistent",
  },
  {
    key: "relevance",
    label: "Relevance",
    definition: "Does it address the findings that matter for this patient?",
    low: "misses what matters",
    high: "captures all that matters",
  },
  {
    key: "conciseness",
    label: "Conciseness",
    definition: "Is it as short as it can be without leaving out anything important?",
    low: "verbose or padded",
    high: "nothing to cut",
  },
  {
    key: "clinicalUtility",
    label: "Clinical utility",
    definition: "Would this impression help the referring clinician decide what to do next?",
    low: "no help or misleading",
    high: "directly actionable",
  },
] as const;

export type CriterionKey = (typeof CRITERIA)[number]["key"];
export const CRITERION_KEYS = CRITERIA.map((c) => c.key) as CriterionKey[];
export const SCALE = [1, 2, 3, 4, 5] as const;
export type Scores = Record<CriterionKey, number | null>;

export const isComplete = (s: Partial<Scores>) => CRITERION_KEYS.every((k) => typeof s[k] === "number");
