"use client";
import Link from "next/link";
import { ActionForm } from "@/components/action-form.tsx";
import { createStudyAction } from "./actions.ts";
import { StudyTextFields } from "./study-text-fields.tsx";
import { Field } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import { RATERS_PER_CASE } from "@/lib/rating/raters-per-case.ts";

export function CreateStudyForm() {
  return (
    <ActionForm
      action={createStudyAction}
      submit="Create study"
      success={(v: { id: string }) => (
        <Link className="underline" href={`/admin/studies/${v.id}`}>
          Study created — open it
        </Link>
      )}
    >
      <Field>
        Name
        <Input name="name" required />
      </Field>
      <StudyTextFields />
      <Field>
        Raters per case
        <Input
          name="ratersPerCase"
          type="number"
          min={RATERS_PER_CASE.min}
          max={RATERS_PER_CASE.max}
          defaultValue={1}
          className="max-w-32"
        />
      </Field>
    </ActionForm>
  );
}
