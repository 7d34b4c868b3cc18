"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Scores } from "@/lib/rating/criteria.ts";
import { candidateComplete, caseComplete } from "@/lib/rating/answer.ts";
import { ERROR_CATEGORIES, type ErrorMark } from "@/lib/rating/clinical-errors.ts";
import { ErrorsBlock } from "./errors-block.tsx";
import { SignOffBlock } from "./sign-off-block.tsx";
import { bestRanks, PreferenceBlock } from "./preference-block.tsx";
import { SIGN_OFF_LEVELS, type SignOff, keepsEdit } from "@/lib/rating/sign-off.ts";
import type { CaseView } from "@/lib/rating/rating.ts";
import { type Draft, PREFERENCE, useAutosave } from "./use-autosave.ts";
import { ExpectedScores, PracticeBanner } from "./practice.tsx";

/** The score a digit key gives: 1–9, and 0 for 10. */
const keyScore = (key: string) => (/^[0-9]$/.test(key) ? Number(key) || 10 : null);

export function RatingForm({ view }: { view: CaseView }) {
  const criteria = view.criteria;
  const complete = (d: Draft) => candidateComplete(criteria, view.modules, d);
  const topKey = Math.max(...criteria.map((c) => c.points));
  const router = useRouter();
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(
      view.candidates.map((c) => [
        c.handle,
        {
          scores: c.scores,
          errors: c.errors,
          noErrors: c.noErrors,
          signOff: c.signOff,
          editedText: c.editedText,
          rank: c.rank,
          comment: c.comment,
        } satisfies Draft,
      ]),
    ),
  );
  const draftsRef = useRef(drafts);
  const { state, error, save, flush } = useAutosave(view, draftsRef);
  const formRef = useRef<HTMLFormElement>(null);
  const allDone = caseComplete(
    criteria,
    view.modules,
    view.candidates.map((c) => drafts[c.handle]),
    view.candidates.length,
  );
  const preference = view.modules.preference !== null && view.candidates.length >= 2 ? view.modules.preference : null;

  const update = (
    handle: string,
    change: {
      comment?: string;
      scores?: Scores;
      errors?: ErrorMark[];
      noErrors?: boolean;
      signOff?: SignOff | null;
      editedText?: string | null;
    },
  ) => {
    if (view.closed) return; // nothing changes in a closed study
    const d = draftsRef.current[handle];
    const next = {
      ...draftsRef.current,
      [handle]: { ...d, ...change, scores: { ...d.scores, ...change.scores } },
    };
    draftsRef.current = next;
    setDrafts(next);
    save(handle);
  };

  /** The case's preference: every candidate's rank at once, saved together. */
  const rank = (ranks: Record<string, number | null>) => {
    if (view.closed) return;
    const next = Object.fromEntries(
      Object.entries(draftsRef.current).map(([h, d]) => [h, { ...d, rank: ranks[h] ?? null }]),
    );
    draftsRef.current = next;
    setDrafts(next);
    save(PREFERENCE);
  };

  const go = useCallback(
    async (id: string | null) => {
      await flush();
      router.push(id ? `/rate/case/${id}` : `/rate/${view.studyId}`);
    },
    [flush, router, view.studyId],
  );

  // Keyboard: a digit scores the focused criterion and moves to the next; N / P change case.
  const groups = () =>
    Array.from(formRef.current?.querySelectorAll<HTMLElement>("[role=radiogroup], [data-errors]") ?? []);
  const focusGroup = (g: HTMLElement | undefined) => {
    if (g?.dataset.errors !== undefined) return g.focus();
    const target = g?.querySelector<HTMLInputElement>("input:checked") ?? g?.querySelector<HTMLInputElement>("input");
    if (target) target.focus();
    else document.getElementById("next-case")?.focus();
  };
  function onKeyDown(e: React.KeyboardEvent<HTMLFormElement>) {
    const el = e.target as HTMLElement;
    if (el.tagName === "TEXTAREA" || (el as HTMLInputElement).type === "text" || e.altKey || e.ctrlKey || e.metaKey)
      return;
    const moveOn = (from: HTMLElement) => {
      const all = groups();
      focusGroup(all[all.indexOf(from) + 1]);
    };
    // In a candidate's clinical errors: 1–6 add a significant error of that category (with Shift, a not
    // significant one; e.code, so Shift+1 is "1" on every keyboard layout), 0 says none, Enter moves on.
    if (el.dataset.errors !== undefined) {
      const handle = el.closest<HTMLElement>("[data-testid=candidate]")!.dataset.handle!;
      const d = draftsRef.current[handle];
      const digit = /^Digit([0-6])$/.exec(e.code)?.[1];
      if (digit === "0") {
        e.preventDefault();
        update(handle, { errors: [], noErrors: true });
        moveOn(el);
        return;
      }
      if (digit) {
        e.preventDefault();
        const category = ERROR_CATEGORIES[Number(digit) - 1].key;
        update(handle, { errors: [...d.errors, { category, significant: !e.shiftKey, note: "" }], noErrors: false });
        return;
      }
      if (e.key === "Enter") {
        e.preventDefault();
        moveOn(el);
        return;
      }
    }
    const score = keyScore(e.key);
    if (score !== null && el instanceof HTMLInputElement && el.type === "radio") {
      e.preventDefault();
      const group = el.closest<HTMLElement>("[role=radiogroup]")!;
      // The best candidate: 1–n pick one, 0 says they are equal.
      if (group.dataset.preference !== undefined && (e.key === "0" || score <= view.candidates.length)) {
        rank(bestRanks(view.candidates, e.key === "0" ? null : view.candidates[score - 1].handle));
        moveOn(group);
        return;
      }
      if (score > Number(group.dataset.points)) return; // off this criterion's scale
      if (group.dataset.rank !== undefined) {
        const ranks = Object.fromEntries(view.candidates.map((c) => [c.handle, draftsRef.current[c.handle].rank]));
        rank({ ...ranks, [group.dataset.rank]: score });
        moveOn(group);
        return;
      }
      if (group.dataset.signoff !== undefined) {
        const level = SIGN_OFF_LEVELS[score - 1].key;
        const d = draftsRef.current[group.dataset.handle!];
        update(group.dataset.handle!, { signOff: level, editedText: keepsEdit(level) ? d.editedText : null });
        // With edits, the rater writes them next (Tab leaves the box); otherwise on to the next question.
        if (keepsEdit(level))
          setTimeout(() =>
            formRef.current?.querySelector<HTMLElement>(`[data-edited="${group.dataset.handle}"]`)?.focus(),
          );
        else moveOn(group);
        return;
      }
      update(group.dataset.handle!, { scores: { [group.dataset.criterion!]: score } });
      moveOn(group);
    } else if (e.key === "n" || e.key === "N") {
      e.preventDefault();
      void go(view.nextId);
    } else if ((e.key === "p" || e.key === "P") && view.prevId) {
      e.preventDefault();
      void go(view.prevId);
    }
  }

  // A practice case answered: its expected answers come from the server once every save is in.
  useEffect(() => {
    if (allDone && view.practice && !view.practice.revealed) void flush().then(() => router.refresh());
  }, [allDone, view.practice, flush, router]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves once per case, not at every answer
  useEffect(() => {
    // Start where work remains: the first criterion without a score, or errors not yet answered.
    const first = groups().find((g) =>
      g.dataset.errors !== undefined
        ? !complete(draftsRef.current[g.closest<HTMLElement>("[data-testid=candidate]")!.dataset.handle!])
        : !g.querySelector("input:checked"),
    );
    focusGroup(first);
  }, [view.assignmentId]);

  return (
    <form ref={formRef} onKeyDown={onKeyDown} onSubmit={(e) => e.preventDefault()} className="space-y-6">
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-xl font-semibold tracking-tight">
          {view.practice ? "Practice case" : "Case"} {view.index} of {view.total}
        </h1>
        <span className="text-sm text-stone-500">{view.studyName}</span>
        <span className="flex-1" />
        <span className="text-sm text-stone-500" aria-live="polite" data-testid="save-status">
          {Object.values(state).some((s) => s === "failed")
            ? "Not saved — see the message below"
            : Object.values(state).some((s) => s === "retrying")
              ? "Connection problem — retrying, your scores are kept"
              : Object.values(state).some((s) => s === "saving")
                ? "Saving…"
                : Object.keys(state).length
                  ? "All changes saved"
                  : ""}
        </span>
      </div>
      {view.closed && (
        <p role="status" className="rounded border border-stone-300 bg-stone-100 p-3 text-sm" data-testid="case-closed">
          This study is closed: your answers are shown as they were saved and can no longer be changed.
        </p>
      )}
      {view.practice && <PracticeBanner practice={view.practice} />}
      {error && (
        <p role="status" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      )}

      <fieldset disabled={view.closed} className="grid min-w-0 gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <section
          aria-labelledby="findings-h"
          className="self-start rounded-lg border border-stone-200 bg-white p-5 lg:sticky lg:top-4"
        >
          <h2 id="findings-h" className="text-sm font-semibold uppercase tracking-wide text-stone-500">
            Findings
          </h2>
          <p className="mt-2 leading-relaxed" data-testid="findings">
            {view.findings}
          </p>
          {criteria.length > 0 && (
            <details className="mt-6 text-sm text-stone-600">
              <summary className="cursor-pointer font-medium text-stone-700">Criteria and scale</summary>
              <dl className="mt-2 space-y-2">
                {criteria.map((c) => (
                  <div key={c.key}>
                    <dt className="font-medium">{c.name}</dt>
                    <dd>
                      {c.definition} {c.low && `1 = ${c.low}; `}
                      {c.high && `${c.points} = ${c.high}.`}
                    </dd>
                  </div>
                ))}
              </dl>
            </details>
          )}
          {view.modules.errors && (
            <details className="mt-4 text-sm text-stone-600">
              <summary className="cursor-pointer font-medium text-stone-700">Clinical error categories</summary>
              <dl className="mt-2 space-y-1">
                {ERROR_CATEGORIES.map((c, i) => (
                  <div key={c.key}>
                    <dt className="inline font-medium">
                      {i + 1}. {c.name}:
                    </dt>{" "}
                    <dd className="inline">{c.hint}.</dd>
                  </div>
                ))}
              </dl>
              <p className="mt-1">
                Clinically significant: it could change the patient&apos;s care. Record each error once.
              </p>
            </details>
          )}
          <p className="mt-4 text-xs text-stone-500" data-testid="keys">
            Keys:{" "}
            {criteria.length > 0 &&
              `1–${topKey === 10 ? "9, 0 for 10," : topKey} score the focused criterion and move on · ←/→ change it · `}
            N next case · P previous case.
            {view.modules.errors &&
              " In clinical errors: 1–6 add a significant error of that category, Shift+1–6 a not significant one, 0 says there are none, Enter moves on."}
            {view.modules.signOff &&
              " Sign-off: 1 as it is, 2 minor edits, 3 major edits (then edit the text; Tab leaves it), 4 would not sign."}
            {preference === "BEST" &&
              ` Preference: 1–${view.candidates.length} pick the candidate you would rather send (1 for A), 0 says they are equal.`}
            {preference === "RANK" &&
              ` Ranking: 1–${view.candidates.length} give the focused candidate its rank; the same rank twice is a tie.`}{" "}
            Answers save as you go.
          </p>
        </section>

        <div className="space-y-6">
          {view.candidates.map((c) => (
            <section
              key={c.handle}
              aria-label={`Candidate ${c.label}`}
              className="rounded-lg border border-stone-200 bg-white p-5"
              data-testid="candidate"
              data-handle={c.handle}
            >
              <div className="flex items-baseline gap-3">
                <h2 className="text-lg font-semibold">Candidate {c.label}</h2>
                <span className="flex-1" />
                <span className="text-xs text-stone-500">{complete(drafts[c.handle]) ? "complete" : "to do"}</span>
              </div>
              <p className="mt-2 rounded bg-stone-50 p-3 leading-relaxed" data-testid="candidate-text">
                {c.text}
              </p>
              {view.practice?.revealed && (
                <ExpectedScores
                  criteria={criteria}
                  expected={view.practice.expected[c.handle]}
                  given={drafts[c.handle].scores}
                />
              )}
              <div className="mt-4 space-y-3">
                {criteria.map((k) => (
                  <div
                    key={k.key}
                    role="radiogroup"
                    aria-label={`${k.name} for candidate ${c.label}`}
                    data-handle={c.handle}
                    data-criterion={k.key}
                    data-points={k.points}
                    className="grid items-center gap-2 sm:grid-cols-[12rem_1fr]"
                  >
                    <div>
                      <div className="text-sm font-medium">{k.name}</div>
                      <div className="text-xs text-stone-500">{k.definition}</div>
                    </div>
                    <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                      <span className="w-24 text-right text-xs text-stone-500">{k.low}</span>
                      {Array.from({ length: k.points }, (_, i) => i + 1).map((v) => (
                        <label key={v} className="relative">
                          <input
                            type="radio"
                            className="peer sr-only"
                            name={`${c.label}-${k.key}`}
                            value={v}
                            aria-label={`${v}`}
                            checked={drafts[c.handle].scores[k.key] === v}
                            onChange={() => update(c.handle, { scores: { [k.key]: v } })}
                          />
                          <span className="flex h-9 w-9 cursor-pointer items-center justify-center rounded-full border border-stone-300 text-sm tabular-nums peer-checked:border-sky-700 peer-checked:bg-sky-700 peer-checked:text-white peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-sky-600">
                            {v}
                          </span>
                        </label>
                      ))}
                      <span className="w-24 text-xs text-stone-500">{k.high}</span>
                    </div>
                  </div>
                ))}
                {view.modules.errors && (
                  <ErrorsBlock
                    label={c.label}
                    errors={drafts[c.handle].errors}
                    noErrors={drafts[c.handle].noErrors}
                    onChange={(change) => update(c.handle, change)}
                  />
                )}
                {view.modules.signOff && (
                  <SignOffBlock
                    label={c.label}
                    handle={c.handle}
                    text={c.text}
                    signOff={drafts[c.handle].signOff}
                    editedText={drafts[c.handle].editedText}
                    onChange={(change) => update(c.handle, change)}
                  />
                )}
                <label className="block text-sm">
                  <span className="font-medium">Comment</span> <span className="text-stone-500">(optional)</span>
                  <input
                    type="text"
                    maxLength={2000}
                    defaultValue={c.comment}
                    onBlur={(e) =>
                      e.target.value !== drafts[c.handle].comment && update(c.handle, { comment: e.target.value })
                    }
                    className="mt-1 block w-full rounded border border-stone-300 px-3 py-1.5"
                  />
                </label>
              </div>
            </section>
          ))}
          {preference && (
            <PreferenceBlock
              mode={preference}
              candidates={view.candidates.map((c) => ({ ...c, rank: drafts[c.handle].rank }))}
              onChange={rank}
            />
          )}
        </div>
      </fieldset>

      <div className="flex items-center gap-3 border-t border-stone-200 pt-4">
        {view.prevId ? (
          <button
            type="button"
            onClick={() => go(view.prevId)}
            className="rounded border border-stone-300 bg-white px-4 py-2 text-sm"
          >
            ← Previous case
          </button>
        ) : (
          <Link href="/rate" className="text-sm text-stone-600 underline">
            My studies
          </Link>
        )}
        <span className="flex-1" />
        <span className="text-sm text-stone-600">
          {allDone ? "This case is complete." : "Answer every question for every candidate."}
        </span>
        <button
          id="next-case"
          type="button"
          onClick={() => go(view.nextId)}
          className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700"
        >
          {view.nextId ? "Next case →" : "Finish"}
        </button>
      </div>
    </form>
  );
}
