// The rating form's saving: every answer is sent as it is given, retried until the server has it.
import { useCallback, useEffect, useRef, useState } from "react";
import type { CandidateAnswer } from "@/lib/rating/answer.ts";
import type { CaseView } from "@/lib/rating/rating.ts";
import { savePreferenceAction, saveRatingAction } from "../../actions.ts";

/** The queue of the case's preference (every candidate's rank, saved together); handles are base64url. */
export const PREFERENCE = "#preference";

export type Draft = CandidateAnswer & { comment: string };
export type SaveState = "saved" | "saving" | "retrying" | "failed";

/**
 * Every change is saved at once, one request at a time per candidate, retried until the
 * server has it: the server keeps one row per candidate, so retries and repeats are harmless.
 */
export function useAutosave(view: CaseView, drafts: React.RefObject<Record<string, Draft>>) {
  const [state, setState] = useState<Record<string, SaveState>>({});
  const [error, setError] = useState<string | null>(null);
  const queues = useRef<Record<string, { dirty: boolean; running: Promise<void> | null }>>({});
  const openedAt = useRef(Date.now());
  const base = useRef(Object.fromEntries(view.candidates.map((c) => [c.handle, c.timeSpentMs])));

  const run = useCallback(
    async (handle: string) => {
      const q = queues.current[handle];
      for (let attempt = 0; q.dirty; ) {
        q.dirty = false;
        setState((s) => ({ ...s, [handle]: attempt === 0 ? "saving" : "retrying" }));
        const d = drafts.current[handle];
        let retry = false;
        try {
          const res = await (handle === PREFERENCE
            ? savePreferenceAction({
                assignmentId: view.assignmentId,
                ranks: Object.fromEntries(view.candidates.map((c) => [c.handle, drafts.current[c.handle].rank])),
              })
            : saveRatingAction({
                assignmentId: view.assignmentId,
                handle,
                scores: d.scores,
                errors: d.errors,
                noErrors: d.noErrors,
                signOff: d.signOff,
                editedText: d.editedText,
                comment: d.comment,
                timeSpentMs: base.current[handle] + Date.now() - openedAt.current,
              }));
          if (!res.ok && !res.retry) {
            setError(res.error);
            setState((s) => ({ ...s, [handle]: "failed" }));
            return;
          }
          retry = !res.ok;
        } catch {
          retry = true; // network down or server restarting
        }
        if (retry) {
          q.dirty = true; // keep the change and try again
          attempt += 1;
          setState((s) => ({ ...s, [handle]: "retrying" }));
          await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
        } else {
          setError(null);
          attempt = 0;
        }
      }
      setState((s) => ({ ...s, [handle]: "saved" }));
    },
    [view.assignmentId, view.candidates, drafts],
  );

  const save = useCallback(
    (handle: string) => {
      queues.current[handle] ??= { dirty: false, running: null };
      const q = queues.current[handle];
      q.dirty = true;
      if (!q.running)
        q.running = run(handle).finally(() => {
          q.running = null;
        });
    },
    [run],
  );

  const flush = useCallback(async () => {
    await Promise.all(Object.values(queues.current).map((q) => q.running));
  }, []);

  const pending = Object.values(state).some((s) => s !== "saved");
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (pending) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [pending]);

  return { state, error, save, flush, pending };
}
