"use server";
import { revalidatePath } from "next/cache";
import { toResult } from "@/lib/web/action-result.ts";
import { setStudyRaters } from "@/lib/rating/assignment.ts";
import { requireAdmin } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { generatePassword } from "@/lib/accounts/passwords.ts";
import { createStudy, updateStudyTexts } from "@/lib/studies/studies.ts";
import { createUser } from "@/lib/accounts/users.ts";
import { resetPassword, setUserActive } from "@/lib/accounts/accounts.ts";

export async function createStudyAction(_: unknown, form: FormData) {
  const admin = await requireAdmin();
  return toResult(async () => {
    const study = await createStudy(db(), admin, {
      name: String(form.get("name") ?? ""),
      raterInstructions: String(form.get("raterInstructions") ?? ""),
      adminNotes: String(form.get("adminNotes") ?? ""),
      ratersPerCase: Number(form.get("ratersPerCase") ?? 1),
    });
    revalidatePath("/admin");
    return { id: study.id };
  });
}

/** Creates a rater (or admin) and returns the generated password once. */
export async function createUserAction(_: unknown, form: FormData) {
  const admin = await requireAdmin();
  return toResult(async () => {
    const password = String(form.get("password") || "") || generatePassword();
    const user = await createUser(db(), admin.id, {
      email: String(form.get("email") ?? ""),
      name: String(form.get("name") ?? ""),
      role: String(form.get("role") ?? ""),
      password,
    });
    revalidatePath("/admin/users");
    return { email: user.email, password };
  });
}

export async function updateStudyTextsAction(studyId: string, _: unknown, form: FormData) {
  const admin = await requireAdmin();
  return toResult(async () => {
    const texts = await updateStudyTexts(db(), admin, studyId, {
      raterInstructions: String(form.get("raterInstructions") ?? ""),
      adminNotes: String(form.get("adminNotes") ?? ""),
    });
    revalidatePath(`/admin/studies/${studyId}`);
    return texts;
  });
}

export async function assignRatersAction(studyId: string, _: unknown, form: FormData) {
  const admin = await requireAdmin();
  return toResult(async () => {
    const result = await setStudyRaters(db(), admin, studyId, {
      raterIds: form.getAll("raterId").map(String),
      ratersPerCase: Number(form.get("ratersPerCase")),
    });
    revalidatePath(`/admin/studies/${studyId}`);
    return result;
  });
}

/** Deactivating ends the user's sessions at once; reactivating lets them sign in again. */
export async function setUserActiveAction(userId: string, active: boolean, _: unknown, _form: FormData) {
  const admin = await requireAdmin();
  return toResult(async () => {
    const result = await setUserActive(db(), admin, userId, active);
    revalidatePath("/admin/users");
    return result;
  });
}

/** A new generated password, shown once; the user's sessions end. */
export async function resetPasswordAction(userId: string, _: unknown, _form: FormData) {
  const admin = await requireAdmin();
  return toResult(() => resetPassword(db(), admin, { id: userId }));
}
