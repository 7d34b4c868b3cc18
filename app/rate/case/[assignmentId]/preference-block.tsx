"use client";
import type { PreferenceMode } from "@/lib/rating/preference.ts";
import { CHIP } from "./sign-off-block.tsx";

type Candidate = { handle: string; label: string; rank: number | null };
type Props = {
  mode: PreferenceMode;
  candidates: Candidate[];
  onChange: (ranks: Record<string, number | null>) => void;
};

/** Best: candidate picked gets 1, the others 2; equal: all 1 (lib/rating/preference.ts). */
export const bestRanks = (candidates: { handle: string }[], best: string | null) =>
  Object.fromEntries(candidates.map((c) => [c.handle, best === null || c.handle === best ? 1 : 2]));

/**
 * The case's preference, below its candidates: one group to pick the best candidate or say they are
 * equal (keys 1–n and 0), or, for a ranking, a rank per candidate (keys 1–n; the same rank twice is a tie).
 */
export function PreferenceBlock({ mode, candidates, onChange }: Props) {
  const n = candidates.length;
  const ranks = candidates.map((c) => c.rank);
  const answered = ranks.every((r) => r !== null);
  const equal = answered && ranks.every((r) => r === 1);
  return (
    <section
      aria-labelledby="preference-h"
      className="rounded-lg border border-stone-200 bg-white p-5"
      data-testid="preference"
    >
      <div className="flex items-baseline gap-3">
        <h2 id="preference-h" className="text-lg font-semibold">
          Preference
        </h2>
        <span className="flex-1" />
        <span className="text-xs text-stone-500">{answered ? "complete" : "to do"}</span>
      </div>
      {mode === "BEST" ? (
        <div
          role="radiogroup"
          aria-label="Best candidate"
          data-preference="best"
          data-points={n}
          className="mt-3 grid items-center gap-2 sm:grid-cols-[12rem_1fr]"
        >
          <div className="text-sm font-medium">Which would you rather send?</div>
          <div className="flex flex-wrap gap-2">
            {candidates.map((c, i) => (
              <label key={c.handle} className="relative">
                <input
                  type="radio"
                  className="peer sr-only"
                  name="preference-best"
                  value={c.handle}
                  aria-label={`Candidate ${c.label}`}
                  checked={answered && !equal && c.rank === 1}
                  onChange={() => onChange(bestRanks(candidates, c.handle))}
                />
                <span className={CHIP}>
                  <kbd className="opacity-60">{i + 1}</kbd> {c.label}
                </span>
              </label>
            ))}
            <label className="relative">
              <input
                type="radio"
                className="peer sr-only"
                name="preference-best"
                value="equal"
                aria-label="They are equal"
                checked={equal}
                onChange={() => onChange(bestRanks(candidates, null))}
              />
              <span className={CHIP}>
                <kbd className="opacity-60">0</kbd> They are equal
              </span>
            </label>
          </div>
        </div>
      ) : (
        <div className="mt-3 space-y-2">
          <p className="text-sm text-stone-600">
            Rank the candidates, 1 the one you would rather send; give two the same rank for a tie.
          </p>
          {candidates.map((c) => (
            <div
              key={c.handle}
              role="radiogroup"
              aria-label={`Rank of candidate ${c.label}`}
              data-rank={c.handle}
              data-points={n}
              className="grid items-center gap-2 sm:grid-cols-[12rem_1fr]"
            >
              <div className="text-sm font-medium">Candidate {c.label}</div>
              <div className="flex flex-wrap gap-2">
                {Array.from({ length: n }, (_, i) => i + 1).map((r) => (
                  <label key={r} className="relative">
                    <input
                      type="radio"
                      className="peer sr-only"
                      name={`rank-${c.label}`}
                      value={r}
                      aria-label={`${r}`}
                      checked={c.rank === r}
                      onChange={() =>
                        onChange(Object.fromEntries(candidates.map((x) => [x.handle, x === c ? r : x.rank])))
                      }
                    />
                    <span className="flex h-9 w-9 cursor-pointer items-center justify-center rounded-full border border-stone-300 text-sm tabular-nums peer-checked:border-sky-700 peer-checked:bg-sky-700 peer-checked:text-white peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-sky-600">
                      {r}
                    </span>
                  </label>
                ))}
              </div>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
