import { inputClass } from "@/components/ui.tsx";

/** The two texts of a study, with what each is for: raters read the first, never the second. */
export function StudyTextFields({ raterInstructions = "", adminNotes = "" }: { raterInstructions?: string; adminNotes?: string }) {
  return (
    <>
      <label className="block text-sm font-medium">
        Instructions for raters
        <textarea name="raterInstructions" rows={3} defaultValue={raterInstructions} className={inputClass} />
        <span className="mt-1 block text-xs font-normal text-amber-800">Raters read this on their study list. Do not name the systems, say how many there are, or which one is the reference.</span>
      </label>
      <label className="block text-sm font-medium">
        Notes for admins
        <textarea name="adminNotes" rows={2} defaultValue={adminNotes} className={inputClass} />
        <span className="mt-1 block text-xs font-normal text-stone-500">What the study compares and why. Never shown to raters.</span>
      </label>
    </>
  );
}
