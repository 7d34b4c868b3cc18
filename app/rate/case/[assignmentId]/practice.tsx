"use client";
import type { Criterion, Scores } from "@/lib/rating/criteria.ts";
import type { CaseView } from "@/lib/rating/rating.ts";

/** Says a practice case counts in no result; once answered, the admin's note on it. */
export function PracticeBanner({ practice }: { practice: NonNullable<CaseView["practice"]> }) {
  return (
    <div role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="practice">
      <p>
        <span className="font-medium">Practice case</span>: it counts in no result.{" "}
        {practice.revealed
          ? "The answers expected are shown under each candidate."
          : "Answer it as any other; then the answers expected are shown."}
      </p>
      {practice.revealed && practice.note && (
        <p className="mt-2 whitespace-pre-line" data-testid="practice-note">
          {practice.note}
        </p>
      )}
    </div>
  );
}

/** Under a candidate of an answered practice case: the score expected for each criterion beside the rater's. */
export function ExpectedScores({
  criteria,
  expected,
  given,
}: {
  criteria: readonly Criterion[];
  expected: Record<string, number> | undefined;
  given: Scores;
}) {
  const shown = criteria.filter((c) => expected?.[c.key] !== undefined);
  if (shown.length === 0) return null;
  return (
    <dl className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm" data-testid="expected">
      <dt className="font-medium text-amber-900">Expected:</dt>
      {shown.map((c) => (
        <dd key={c.key} className={given[c.key] === expected![c.key] ? "text-stone-600" : "text-amber-900"}>
          {c.name} {expected![c.key]}
          {given[c.key] !== expected![c.key] && ` (yours ${given[c.key] ?? "none"})`}
        </dd>
      ))}
    </dl>
  );
}
