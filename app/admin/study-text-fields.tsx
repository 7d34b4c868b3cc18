import { useId } from "react";
import { inputClass } from "@/components/ui.tsx";

/** The two texts of a study, with what each is for: raters read the first, never the second. */
export function StudyTextFields({
  raterInstructions = "",
  adminNotes = "",
}: {
  raterInstructions?: string;
  adminNotes?: string;
}) {
  const id = useId();
  return (
    <>
      <div>
        <label className="block text-sm font-medium">
          Instructions for raters
          <textarea
            name="raterInstructions"
            rows={3}
            defaultValue={raterInstructions}
            aria-describedby={`${id}-i`}
            className={inputClass}
          />
        </label>
        <p id={`${id}-i`} className="mt-1 text-xs text-amber-800">
          Raters read this on their study list. Do not mention the systems, how many there are, or which text is the
          reference.
        </p>
      </div>
      <div>
        <label className="block text-sm font-medium">
          Notes for admins
          <textarea
            name="adminNotes"
            rows={2}
            defaultValue={adminNotes}
            aria-describedby={`${id}-n`}
            className={inputClass}
          />
        </label>
        <p id={`${id}-n`} className="mt-1 text-xs text-stone-500">
          What the study compares and why. Never shown to raters.
        </p>
      </div>
    </>
  );
}
