"use client";
import { ActionForm } from "@/components/action-form.tsx";
import { setStudyStateAction } from "../../actions.ts";

type State = "DRAFT" | "OPEN" | "CLOSED";

const WORDS: Record<State, { now: string; next: "OPEN" | "CLOSED"; button: string; after: string }> = {
  DRAFT: {
    now: "Draft: raters do not see this study yet.",
    next: "OPEN",
    button: "Open to raters",
    after: "Open: raters see it and answer.",
  },
  OPEN: {
    now: "Open: raters see this study and answer.",
    next: "CLOSED",
    button: "Close the study",
    after: "Closed: answers are read-only and the results final.",
  },
  CLOSED: {
    now: "Closed: raters can read their answers but not change them; the results are final.",
    next: "OPEN",
    button: "Reopen (recorded in the audit log)",
    after: "Reopened.",
  },
};

/** Where the study is in its life, and the one move from there. */
export function StatePanel({ studyId, state }: { studyId: string; state: State }) {
  const w = WORDS[state];
  return (
    <ActionForm
      action={setStudyStateAction.bind(null, studyId)}
      submit={w.button}
      success={() => w.after}
      className="flex flex-wrap items-center gap-3"
    >
      <p className="text-sm text-stone-700" data-testid="study-state">
        {w.now}
      </p>
      <input type="hidden" name="to" value={w.next} />
    </ActionForm>
  );
}
