import { Field } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import { RATERS_PER_CASE } from "@/lib/rating/raters-per-case.ts";

/** The raters-per-case input of the new-study form and of a study's raters panel. */
export function RatersPerCaseField({ defaultValue }: { defaultValue: number }) {
  return (
    <Field>
      Raters per case
      <Input
        name="ratersPerCase"
        type="number"
        min={RATERS_PER_CASE.min}
        max={RATERS_PER_CASE.max}
        defaultValue={defaultValue}
        className="max-w-32"
      />
    </Field>
  );
}
