"use client";
import { ActionForm } from "@/components/action-form.tsx";
import { StudyTextFields } from "../../study-text-fields.tsx";
import { updateStudyTextsAction } from "../../actions.ts";

export function TextsPanel({
  studyId,
  raterInstructions,
  adminNotes,
}: {
  studyId: string;
  raterInstructions: string;
  adminNotes: string;
}) {
  return (
    <ActionForm action={updateStudyTextsAction.bind(null, studyId)} submit="Save texts" success={() => "Saved."}>
      <StudyTextFields raterInstructions={raterInstructions} adminNotes={adminNotes} />
    </ActionForm>
  );
}
