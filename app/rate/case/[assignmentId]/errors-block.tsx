"use client";
import { ERROR_CATEGORIES, type ErrorMark, MAX_ERRORS } from "@/lib/rating/clinical-errors.ts";

type Props = {
  label: string;
  errors: ErrorMark[];
  noErrors: boolean;
  onChange: (change: { errors: ErrorMark[]; noErrors: boolean }) => void;
};

/**
 * One candidate's clinical errors: one click (or key, see the rating form) per error found, in a
 * category and clinically significant or not; a single "No errors" for a clean candidate.
 */
export function ErrorsBlock({ label, errors, noErrors, onChange }: Props) {
  const add = (mark: Omit<ErrorMark, "note">) =>
    errors.length < MAX_ERRORS && onChange({ errors: [...errors, { ...mark, note: "" }], noErrors: false });
  const count = (category: string, significant: boolean) =>
    errors.filter((e) => e.category === category && e.significant === significant).length;
  return (
    <fieldset
      // biome-ignore lint/a11y/noNoninteractiveTabindex: one focus stop per candidate, so keys can add errors (see the form)
      tabIndex={0}
      aria-label={`Clinical errors for candidate ${label}`}
      data-errors
      className="min-w-0 rounded border border-stone-200 p-3 focus-visible:outline-2 focus-visible:outline-sky-600"
    >
      <div className="flex flex-wrap items-baseline gap-3">
        <span className="text-sm font-medium">Clinical errors</span>
        <span className="text-xs text-stone-500" data-testid="errors-summary">
          {noErrors
            ? "none"
            : errors.length === 0
              ? "not answered yet"
              : `${errors.length} (${errors.filter((e) => e.significant).length} significant)`}
        </span>
        <span className="flex-1" />
        <button
          type="button"
          tabIndex={-1}
          aria-pressed={noErrors}
          onClick={() => onChange({ errors: [], noErrors: !noErrors })}
          className="rounded border border-stone-300 px-2 py-1 text-xs aria-pressed:border-sky-700 aria-pressed:bg-sky-700 aria-pressed:text-white"
        >
          No errors (0)
        </button>
      </div>
      <table className="mt-2 w-full text-xs">
        <thead>
          <tr className="text-stone-500">
            <th className="text-left font-normal">Category</th>
            <th className="font-normal">Significant</th>
            <th className="font-normal">Not significant</th>
          </tr>
        </thead>
        <tbody>
          {ERROR_CATEGORIES.map((c, i) => (
            <tr key={c.key} title={c.hint}>
              <td className="py-0.5">
                <kbd className="mr-1 text-stone-400">{i + 1}</kbd>
                {c.name}
              </td>
              {[true, false].map((significant) => (
                <td key={String(significant)} className="text-center">
                  <button
                    type="button"
                    tabIndex={-1}
                    onClick={() => add({ category: c.key, significant })}
                    aria-label={`Add a ${significant ? "significant" : "not significant"} error: ${c.name}`}
                    className="min-w-12 rounded border border-stone-300 px-2 py-0.5 tabular-nums hover:bg-stone-100"
                  >
                    + {count(c.key, significant) || ""}
                  </button>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {errors.length > 0 && (
        <ol className="mt-2 space-y-1 text-xs" aria-label={`Errors recorded for candidate ${label}`}>
          {errors.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: errors are a list in entry order; two may be alike
            <li key={i} className="flex items-center gap-2" data-testid="error-mark">
              <span className="w-44 shrink-0">
                {ERROR_CATEGORIES.find((c) => c.key === e.category)?.name}
                {e.significant ? " · significant" : ""}
              </span>
              <input
                type="text"
                maxLength={500}
                defaultValue={e.note}
                placeholder="note (optional)"
                aria-label={`Note on error ${i + 1}`}
                onBlur={(ev) =>
                  ev.target.value !== e.note &&
                  onChange({
                    errors: errors.map((x, j) => (j === i ? { ...x, note: ev.target.value } : x)),
                    noErrors: false,
                  })
                }
                className="min-w-0 flex-1 rounded border border-stone-300 px-2 py-0.5"
              />
              <button
                type="button"
                aria-label={`Remove error ${i + 1}`}
                onClick={() => onChange({ errors: errors.filter((_, j) => j !== i), noErrors: false })}
                className="rounded px-1 text-stone-500 hover:bg-stone-100"
              >
                ×
              </button>
            </li>
          ))}
        </ol>
      )}
    </fieldset>
  );
}
