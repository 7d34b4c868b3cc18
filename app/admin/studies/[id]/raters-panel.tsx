"use client";
import { ActionForm } from "@/components/action-form.tsx";
import { assignRatersAction } from "../../actions.ts";
import { RatersPerCaseField } from "../../raters-per-case-field.tsx";

export function RatersPanel({
  studyId,
  ratersPerCase,
  raters,
  assigned,
}: {
  studyId: string;
  ratersPerCase: number;
  raters: { id: string; email: string; name: string }[];
  assigned: string[];
}) {
  if (raters.length === 0)
    return <p className="text-stone-600">No rater accounts yet. Add raters on the Users page.</p>;
  return (
    <ActionForm
      action={assignRatersAction.bind(null, studyId)}
      submit="Save raters and assign cases"
      success={(v: { created: number }) => `Saved; ${v.created} new assignment(s).`}
    >
      <fieldset>
        <legend className="text-sm font-medium">Raters in this study</legend>
        <div className="mt-2 grid gap-1 sm:grid-cols-2">
          {raters.map((r) => (
            <label key={r.id} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="raterId" value={r.id} defaultChecked={assigned.includes(r.id)} /> {r.email}
            </label>
          ))}
        </div>
      </fieldset>
      <RatersPerCaseField defaultValue={ratersPerCase} />
      <p className="text-xs text-stone-500">
        Each case goes to this many raters, spread so that every rater gets a similar share. Existing assignments and
        ratings are kept.
      </p>
    </ActionForm>
  );
}
