"use client";
import Link from "next/link";
import { ActionForm } from "@/components/action-form.tsx";
import { inputClass } from "@/components/ui.tsx";
import { createStudyAction } from "./actions.ts";
import { StudyTextFields } from "./study-text-fields.tsx";

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
      <label className="block text-sm font-medium">
        Name
        <input name="name" required className={inputClass} />
      </label>
      <StudyTextFields />
      <label className="block text-sm font-medium">
        Raters per case
        <input
          name="ratersPerCase"
          type="number"
          min={1}
          max={50}
          defaultValue={1}
          className={`${inputClass} max-w-32`}
        />
      </label>
    </ActionForm>
  );
}
