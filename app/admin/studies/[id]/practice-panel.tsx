"use client";
import { useState } from "react";
import { ActionForm } from "@/components/action-form.tsx";
import { Field } from "@/components/ui/field.tsx";
import { Input, Select, Textarea } from "@/components/ui/input.tsx";
import type { Criterion } from "@/lib/rating/criteria.ts";
import type { Expected } from "@/lib/rating/answer.ts";
import { setPracticeAction } from "../../actions.ts";

type PracticeCase = {
  position: number;
  sourceId: string;
  findings: string;
  practiceNote: string;
  outputs: { id: string; text: string; expected: unknown; system: { name: string } }[];
};
type Props = { studyId: string; criteria: Criterion[]; locked: boolean; total: number; cases: PracticeCase[] };

/** "1, 4 7" → [1, 4, 7]; anything else stays for the server to name. */
const positions = (text: string) =>
  text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((x) => (/^\d+$/.test(x) ? Number(x) : Number.NaN));

/**
 * Practice cases: which ones (by number; fixed once raters have saved ratings), and for each, the
 * scores expected of each candidate and a note, shown to the rater once they have answered it.
 */
export function PracticePanel(props: Props) {
  return (
    <ActionForm
      action={setPracticeAction.bind(null, props.studyId)}
      submit="Save practice cases"
      success={(v) => {
        const n = (v as { practice: number }).practice;
        return `Saved: ${n} practice case${n === 1 ? "" : "s"}.`;
      }}
    >
      <p className="text-sm text-stone-600">
        Every rater answers the practice cases first; after answering one, they see the scores you expect for each
        candidate and your note. Practice answers count in no result or export.
      </p>
      {/* Remounted when the saved cases come back, so newly added ones get their editors. */}
      <PracticeFields key={JSON.stringify(props.cases)} {...props} />
    </ActionForm>
  );
}

function PracticeFields({ criteria, locked, total, cases }: Props) {
  const [which, setWhich] = useState(cases.map((c) => c.position).join(", "));
  const [notes, setNotes] = useState(() => Object.fromEntries(cases.map((c) => [c.position, c.practiceNote])));
  const [expected, setExpected] = useState(() =>
    Object.fromEntries(
      cases.flatMap((c) => c.outputs.map((o) => [o.id, { ...((o.expected as Expected | null)?.scores ?? {}) }])),
    ),
  );
  const submitted = {
    cases: positions(which).map((position) => {
      const known = cases.find((c) => c.position === position);
      return {
        position,
        note: notes[position] ?? "",
        expected: Object.fromEntries((known?.outputs ?? []).map((o) => [o.id, expected[o.id] ?? {}])),
      };
    }),
  };
  return (
    <>
      <input type="hidden" name="practice" value={JSON.stringify(submitted)} />
      <Field>
        Practice cases (case numbers, 1–{total})
        <Input
          value={which}
          disabled={locked}
          onChange={(e) => setWhich(e.target.value)}
          placeholder="e.g. 1, 2"
          aria-describedby={locked ? "practice-locked" : undefined}
        />
      </Field>
      {locked && (
        <p id="practice-locked" className="text-sm text-amber-900">
          Which cases are practice is fixed: raters have saved ratings. The expected scores and notes can still change.
        </p>
      )}
      {cases.length > 0 && criteria.length === 0 && (
        <p className="text-sm text-stone-600">The study asks no scores: the note is what raters see after answering.</p>
      )}
      {cases
        .filter((c) => positions(which).includes(c.position))
        .map((c) => (
          <fieldset
            key={c.position}
            className="space-y-3 rounded border border-stone-200 p-3"
            data-testid="practice-case"
          >
            <legend className="px-1 text-sm font-medium">
              Case {c.position} ({c.sourceId})
            </legend>
            <p className="text-sm text-stone-600">{c.findings}</p>
            {c.outputs.map((o) => (
              <div key={o.id} className="space-y-1">
                <p className="text-sm">
                  <span className="font-medium">{o.system.name}</span>: {o.text}
                </p>
                <div className="flex flex-wrap gap-3">
                  {criteria.map((k) => (
                    <label key={k.key} className="flex items-center gap-1 text-xs">
                      {k.name}
                      <Select
                        aria-label={`Expected ${k.name} for ${o.system.name} in case ${c.position}`}
                        value={expected[o.id]?.[k.key] ?? ""}
                        onChange={(e) =>
                          setExpected((all) => {
                            const scores = { ...all[o.id] };
                            if (e.target.value) scores[k.key] = Number(e.target.value);
                            else delete scores[k.key];
                            return { ...all, [o.id]: scores };
                          })
                        }
                      >
                        <option value="">—</option>
                        {Array.from({ length: k.points }, (_, i) => i + 1).map((v) => (
                          <option key={v} value={v}>
                            {v}
                          </option>
                        ))}
                      </Select>
                    </label>
                  ))}
                </div>
              </div>
            ))}
            <Field>
              Note to raters on case {c.position}
              <Textarea
                rows={2}
                maxLength={2000}
                value={notes[c.position] ?? ""}
                onChange={(e) => setNotes((n) => ({ ...n, [c.position]: e.target.value }))}
              />
            </Field>
          </fieldset>
        ))}
      {positions(which).some((p) => !cases.some((c) => c.position === p)) && (
        <p className="text-sm text-stone-600">
          Save to add the new practice cases; their candidates then appear here for the expected scores.
        </p>
      )}
    </>
  );
}
