"use client";
import Link from "next/link";
import { ActionForm } from "@/components/action-form.tsx";
import { createStudyAction } from "./actions.ts";
import { StudyTextFields } from "./study-text-fields.tsx";
import { Field } from "@/components/ui/field.tsx";
import { Input } from "@/components/ui/input.tsx";
import { RatersPerCaseField } from "./raters-per-case-field.tsx";
import { DesignFields } from "./studies/[id]/design-panel.tsx";
import type { Design } from "@/lib/rating/design.ts";

/** A new study: its name, texts, raters per case and rating design (the paper's by default; editable until the first rating). */
export function CreateStudyForm({ design }: { design: Design }) {
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
      <details className="rounded border border-stone-200 p-3">
        <summary className="cursor-pointer text-sm font-medium">
          Rating design: the paper&apos;s five criteria on 1–5 unless you change it here
        </summary>
        <div className="mt-3 space-y-3">
          <DesignFields design={design} />
        </div>
      </details>
    </ActionForm>
  );
}
