"use client";
import { useState } from "react";
import { ActionForm } from "@/components/action-form.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Field } from "@/components/ui/field.tsx";
import { Input, Select, Textarea } from "@/components/ui/input.tsx";
import { type Criterion, MAX_CRITERIA, MAX_POINTS, MIN_POINTS, PAPER_CRITERIA } from "@/lib/rating/criteria.ts";
import type { Design } from "@/lib/rating/design.ts";
import { ERROR_CATEGORIES } from "@/lib/rating/clinical-errors.ts";
import { PREFERENCE_MODES, type PreferenceMode } from "@/lib/rating/preference.ts";
import { SIGN_OFF_LEVELS } from "@/lib/rating/sign-off.ts";
import { updateDesignAction } from "../../actions.ts";

// A row being edited: `key` is empty for a criterion added here (the server gives it one).
type Row = Criterion & { id: number };
let nextId = 0;
const rows = (criteria: readonly Criterion[]): Row[] => criteria.map((c) => ({ ...c, id: nextId++ }));
const POINTS = Array.from({ length: MAX_POINTS - MIN_POINTS + 1 }, (_, i) => MIN_POINTS + i);

/** What raters answer per candidate: editable until the first rating, then shown with why it is locked. */
export function DesignPanel({ studyId, design, locked }: { studyId: string; design: Design; locked: string | null }) {
  if (locked)
    return (
      <div className="space-y-3">
        <p
          className="rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
          data-testid="design-locked"
        >
          {locked}
        </p>
        <ModuleList design={design} />
      </div>
    );
  return (
    <ActionForm
      action={updateDesignAction.bind(null, studyId)}
      submit="Save rating design"
      success={() => "Saved. Raters will answer these questions."}
    >
      <p className="text-sm text-stone-600">
        What raters answer for each candidate. The design can change until the first rating is saved; then it is locked,
        so that every answer keeps its meaning.
      </p>
      {/* Remounted when the saved design comes back, so new criteria carry the keys they were given. */}
      <DesignFields key={JSON.stringify(design)} design={design} />
    </ActionForm>
  );
}

function ModuleList({ design }: { design: Design }) {
  return (
    <div className="space-y-2 text-sm">
      {design.scores && (
        <>
          <p className="font-medium">Scores</p>
          <CriteriaList criteria={design.scores.criteria} />
        </>
      )}
      <p>Identical texts: {design.mergeIdentical ? "shown once" : "shown separately"}.</p>
      {design.signOff && (
        <p>
          <span className="font-medium">Sign-off</span>: {SIGN_OFF_LEVELS.map((l) => l.name.toLowerCase()).join(", ")};
          with the edited impression.
        </p>
      )}
      {design.preference && (
        <p>
          <span className="font-medium">Preference</span>:{" "}
          {PREFERENCE_MODES.find((m) => m.key === design.preference?.mode)?.name.toLowerCase()}.
        </p>
      )}
      {design.errors && (
        <p>
          <span className="font-medium">Clinical errors</span>:{" "}
          {ERROR_CATEGORIES.map((c) => c.name.toLowerCase()).join(", ")}; each clinically significant or not.
        </p>
      )}
    </div>
  );
}

function CriteriaList({ criteria }: { criteria: readonly Criterion[] }) {
  return (
    <ol className="list-decimal space-y-1 pl-5 text-sm">
      {criteria.map((c) => (
        <li key={c.key}>
          <span className="font-medium">{c.name}</span> (1–{c.points}
          {c.low || c.high ? `: ${c.low || "…"} to ${c.high || "…"}` : ""}){c.definition && ` — ${c.definition}`}
        </li>
      ))}
    </ol>
  );
}

/** The design editor's fields (modules, criteria), sent as one JSON field "design"; also in the create-study form. */
export function DesignFields({ design }: { design: Design }) {
  const [criteria, setCriteria] = useState(() => rows(design.scores?.criteria ?? PAPER_CRITERIA));
  const [scoresOn, setScoresOn] = useState(design.scores !== undefined);
  const [errorsOn, setErrorsOn] = useState(design.errors !== undefined);
  const [signOffOn, setSignOffOn] = useState(design.signOff !== undefined);
  const [preference, setPreference] = useState<PreferenceMode | null>(design.preference?.mode ?? null);
  const [merge, setMerge] = useState(design.mergeIdentical === true);
  const change = (id: number, patch: Partial<Criterion>) =>
    setCriteria((list) => list.map((c) => (c.id === id ? { ...c, ...patch } : c)));
  const move = (i: number, by: number) =>
    setCriteria((list) => {
      const next = [...list];
      [next[i], next[i + by]] = [next[i + by], next[i]];
      return next;
    });
  const submitted: Design = {
    ...(scoresOn && { scores: { criteria: criteria.map(({ id, ...c }) => c) } }),
    ...(errorsOn && { errors: {} }),
    ...(signOffOn && { signOff: {} }),
    ...(preference && { preference: { mode: preference } }),
    mergeIdentical: merge,
  };
  return (
    <>
      <input type="hidden" name="design" value={JSON.stringify(submitted)} />
      <fieldset className="space-y-2 text-sm">
        <legend className="font-medium">Modules</legend>
        <label className="flex items-start gap-2">
          <input type="checkbox" checked={scoresOn} onChange={(e) => setScoresOn(e.target.checked)} />
          <span>
            <span className="font-medium">Scores</span> on the criteria below
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input type="checkbox" checked={errorsOn} onChange={(e) => setErrorsOn(e.target.checked)} />
          <span>
            <span className="font-medium">Clinical errors</span> (as in ReXVal): the rater records each error, in one of
            six categories ({ERROR_CATEGORIES.map((c) => c.name.toLowerCase()).join(", ")}), clinically significant or
            not, or says there are none
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input type="checkbox" checked={signOffOn} onChange={(e) => setSignOffOn(e.target.checked)} />
          <span>
            <span className="font-medium">Sign-off</span>: would the rater sign the impression as it is, after minor
            edits, after major edits, or not at all; with edits, the impression as they would sign it (the words changed
            are counted)
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input
            type="checkbox"
            checked={preference !== null}
            onChange={(e) => setPreference(e.target.checked ? "BEST" : null)}
          />
          <span>
            <span className="font-medium">Preference</span> (as in Flamingo-CXR): in a case with two or more candidates,
            which the rater would rather send; the results give win, tie and loss shares and a Bradley–Terry ranking
          </span>
        </label>
        {preference && (
          <label className="ml-6 flex items-center gap-2">
            Asked as
            <Select value={preference} onChange={(e) => setPreference(e.target.value as PreferenceMode)}>
              {PREFERENCE_MODES.map((m) => (
                <option key={m.key} value={m.key}>
                  {m.name}
                </option>
              ))}
            </Select>
          </label>
        )}
        <label className="flex items-start gap-2">
          <input type="checkbox" checked={merge} onChange={(e) => setMerge(e.target.checked)} />
          <span>
            <span className="font-medium">Show identical texts once</span>: candidates of a case with the same text
            appear as one; the answer counts for each system that wrote it (the export names the shared group)
          </span>
        </label>
      </fieldset>
      {scoresOn && (
        <ol className="space-y-4">
          {criteria.map((c, i) => (
            <li key={c.id} className="rounded border border-stone-200 p-3" data-testid="criterion-editor">
              <fieldset className="grid gap-3 sm:grid-cols-[1fr_8rem]">
                <legend className="sr-only">Criterion {i + 1}</legend>
                <Field>
                  Criterion {i + 1}: name
                  <Input value={c.name} maxLength={60} onChange={(e) => change(c.id, { name: e.target.value })} />
                </Field>
                <Field>
                  Scale
                  <Select value={c.points} onChange={(e) => change(c.id, { points: Number(e.target.value) })}>
                    {POINTS.map((p) => (
                      <option key={p} value={p}>
                        1–{p}
                      </option>
                    ))}
                  </Select>
                </Field>
                <div className="sm:col-span-2">
                  <Field>
                    Definition (what raters judge)
                    <Textarea
                      rows={2}
                      maxLength={400}
                      value={c.definition}
                      onChange={(e) => change(c.id, { definition: e.target.value })}
                    />
                  </Field>
                </div>
                <Field>
                  Words for 1
                  <Input value={c.low} maxLength={40} onChange={(e) => change(c.id, { low: e.target.value })} />
                </Field>
                <Field>
                  Words for {c.points}
                  <Input value={c.high} maxLength={40} onChange={(e) => change(c.id, { high: e.target.value })} />
                </Field>
              </fieldset>
              <div className="mt-2 flex gap-2">
                <Button variant="secondary" type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                  Move up
                </Button>
                <Button
                  variant="secondary"
                  type="button"
                  disabled={i === criteria.length - 1}
                  onClick={() => move(i, 1)}
                >
                  Move down
                </Button>
                <Button
                  variant="secondary"
                  type="button"
                  disabled={criteria.length === 1}
                  onClick={() => setCriteria((list) => list.filter((x) => x.id !== c.id))}
                >
                  Remove {c.name || `criterion ${i + 1}`}
                </Button>
              </div>
            </li>
          ))}
        </ol>
      )}
      {scoresOn && (
        <div className="flex gap-2">
          <Button
            variant="secondary"
            type="button"
            disabled={criteria.length >= MAX_CRITERIA}
            onClick={() =>
              setCriteria((list) => [
                ...list,
                { id: nextId++, key: "", name: "", definition: "", points: 5, low: "", high: "" },
              ])
            }
          >
            Add a criterion
          </Button>
          <Button variant="secondary" type="button" onClick={() => setCriteria(rows(PAPER_CRITERIA))}>
            Back to the paper&apos;s five
          </Button>
          <span className="self-center text-xs text-stone-500">
            {criteria.length} of at most {MAX_CRITERIA}
          </span>
        </div>
      )}
    </>
  );
}
