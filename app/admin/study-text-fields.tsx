import { useId } from "react";
import { Field } from "@/components/ui/field.tsx";
import { Textarea } from "@/components/ui/input.tsx";

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
        <Field>
          Instructions for raters
          <Textarea name="raterInstructions" rows={3} defaultValue={raterInstructions} aria-describedby={`${id}-i`} />
        </Field>
        <p id={`${id}-i`} className="mt-1 text-xs text-amber-800">
          Raters read this on their study list. Do not mention the systems, how many there are, or which text is the
          reference.
        </p>
      </div>
      <div>
        <Field>
          Notes for admins
          <Textarea name="adminNotes" rows={2} defaultValue={adminNotes} aria-describedby={`${id}-n`} />
        </Field>
        <p id={`${id}-n`} className="mt-1 text-xs text-stone-500">
          What the study compares and why. Never shown to raters.
        </p>
      </div>
    </>
  );
}
