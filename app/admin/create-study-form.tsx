"use client";
import Link from "next/link";
import { ActionForm } from "@/components/action-form.tsx";
import { createStudyAction } from "./actions.ts";
import { StudyTextFields } from "./study-text-fields.tsx";
import { Field } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import { RatersPerCaseField } from "./raters-per-case-field.tsx";

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
      <RatersPerCaseField defaultValue={1} />
    </ActionForm>
  );
}
