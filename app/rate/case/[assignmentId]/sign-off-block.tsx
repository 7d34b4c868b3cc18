"use client";
import { keepsEdit, MAX_EDITED_CHARS, SIGN_OFF_LEVELS, type SignOff } from "@/lib/rating/sign-off.ts";

/** A choice drawn as a small labelled button (its radio hidden); shared with the preference. */
export const CHIP =
  "flex cursor-pointer items-center gap-1 rounded border border-stone-300 px-2 py-1 text-xs peer-checked:border-sky-700 peer-checked:bg-sky-700 peer-checked:text-white peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-sky-600";

type Props = {
  label: string;
  handle: string;
  text: string;
  signOff: SignOff | null;
  editedText: string | null;
  onChange: (change: { signOff: SignOff | null; editedText: string | null }) => void;
};

/**
 * Would the rater sign this impression: four choices (keys 1–4 when focused, like a score), and for
 * minor or major edits the impression as they would sign it, starting from the original.
 */
export function SignOffBlock({ label, handle, text, signOff, editedText, onChange }: Props) {
  return (
    <div className="space-y-2">
      <div
        role="radiogroup"
        aria-label={`Sign-off for candidate ${label}`}
        data-handle={handle}
        data-signoff
        data-points={SIGN_OFF_LEVELS.length}
        className="grid items-center gap-2 sm:grid-cols-[12rem_1fr]"
      >
        <div className="text-sm font-medium">Would you sign it?</div>
        <div className="flex flex-wrap gap-2">
          {SIGN_OFF_LEVELS.map((l, i) => (
            <label key={l.key} className="relative">
              <input
                type="radio"
                className="peer sr-only"
                name={`${label}-signoff`}
                value={l.key}
                aria-label={l.name}
                checked={signOff === l.key}
                onChange={() => onChange({ signOff: l.key, editedText: l.edits ? editedText : null })}
              />
              <span className={CHIP}>
                <kbd className="opacity-60">{i + 1}</kbd> {l.name}
              </span>
            </label>
          ))}
        </div>
      </div>
      {keepsEdit(signOff) && (
        <label className="block text-sm">
          <span className="font-medium">The impression as you would sign it</span>{" "}
          <span className="text-stone-500">(edit the text; saved when you leave the box)</span>
          <textarea
            data-edited={handle}
            rows={3}
            maxLength={MAX_EDITED_CHARS}
            defaultValue={editedText ?? text}
            onBlur={(e) => {
              const value = e.target.value === text ? null : e.target.value;
              if (value !== editedText) onChange({ signOff, editedText: value });
            }}
            className="mt-1 block w-full rounded border border-stone-300 px-3 py-1.5 text-sm"
          />
        </label>
      )}
    </div>
  );
}
