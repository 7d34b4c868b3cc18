// The preference module (as in Flamingo-CXR: Tanno et al., Nature Medicine 2024): per case, which
// candidate the rater prefers. Stored as a rank per candidate (1 = preferred), so both ways of asking
// read the same: BEST, the rater picks one best candidate (rank 1, the others 2) or says they are
// equal (all 1); RANK, the rater ranks every candidate, ties allowed. Free of zod (see criteria.ts).

export type PreferenceMode = "BEST" | "RANK";

export const PREFERENCE_MODES: readonly { key: PreferenceMode; name: string }[] = [
  { key: "BEST", name: "Pick the best candidate, or say they are equal" },
  { key: "RANK", name: "Rank every candidate (ties allowed)" },
];

/** Only a case with two or more candidates asks for a preference. */
export const asksPreference = (mode: PreferenceMode | null, candidates: number) => mode !== null && candidates >= 2;

/**
 * Why a case's ranks (one per candidate, null where none yet) cannot be saved, or null when they
 * can. BEST: none, or one candidate at 1 and the rest at 2, or all at 1. RANK: each 1 to the number
 * of candidates, or none yet (a ranking is given one candidate at a time).
 */
export function ranksProblem(mode: PreferenceMode, ranks: readonly (number | null)[]): string | null {
  const n = ranks.length;
  if (n < 2) return "a case with one candidate asks for no preference";
  if (ranks.some((r) => r !== null && (!Number.isInteger(r) || r < 1 || r > n))) return `ranks must be 1–${n}`;
  if (mode === "RANK") return null;
  const given = ranks.filter((r) => r !== null);
  if (given.length === 0) return null;
  if (given.length < n) return "the best candidate is picked for the whole case at once";
  const best = given.filter((r) => r === 1).length;
  if (best === n || (best === 1 && given.every((r) => r === 1 || r === 2))) return null;
  return "pick one best candidate (rank 1, the others 2) or say they are equal (all 1)";
}

/**
 * What one case says about candidate a against candidate b: 1 a preferred, 0 b preferred, 0.5
 * equal, null nothing (in BEST, two candidates that were not the best were not compared).
 */
export function pairOutcome(mode: PreferenceMode, a: number | null, b: number | null): 1 | 0 | 0.5 | null {
  if (a === null || b === null) return null;
  if (a === b) return mode === "BEST" && a !== 1 ? null : 0.5;
  return a < b ? 1 : 0;
}
