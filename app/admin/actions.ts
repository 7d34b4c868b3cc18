"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { resetPassword, setUserActive } from "@/lib/accounts/accounts.ts";
import { generatePassword } from "@/lib/accounts/passwords.ts";
import { ACCOUNT_LABELS, createUser } from "@/lib/accounts/users.ts";
import { db } from "@/lib/platform/db.ts";
import { many } from "@/lib/platform/validation.ts";
import { setStudyRaters } from "@/lib/rating/assignment.ts";
import {
  createStudy,
  STUDY_LABELS,
  studyInput,
  studyTextsInput,
  setStudyState,
  updateDesign,
  updateStudyTexts,
} from "@/lib/studies/studies.ts";
import { formAction } from "@/lib/web/action.ts";
import { setPractice } from "@/lib/studies/practice.ts";

const admin = "admin" as const;
const id = z.string().min(1, "missing.");
const oneId = z.tuple([id]);

// The design and practice editors send their state as one JSON field; the domain checks what is in it.
const jsonText = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "the form did not arrive as it was sent; nothing was changed." });
    return z.NEVER;
  }
});

export const createStudyAction = formAction(
  {
    role: admin,
    input: studyInput.extend({ design: jsonText.optional() }),
    labels: { ...STUDY_LABELS, design: "Rating design" },
  },
  async ({ user, input: { design, ...input } }) => {
    const study = await createStudy(db(), user, input, design);
    revalidatePath("/admin");
    return { id: study.id };
  },
);

const newUserForm = z.object({
  email: z.string().default(""),
  name: z.string().default(""),
  role: z.string().default(""),
  password: z.string().default(""),
});

/** Creates a rater (or admin) and returns the password once (generated when none is given). */
export const createUserAction = formAction(
  { role: admin, input: newUserForm, labels: ACCOUNT_LABELS },
  async ({ user, input }) => {
    const password = input.password || generatePassword();
    const created = await createUser(db(), user.id, { ...input, password });
    revalidatePath("/admin/users");
    return { email: created.email, password };
  },
);

export const updateStudyTextsAction = formAction(
  { role: admin, input: studyTextsInput, labels: STUDY_LABELS, bound: oneId },
  async ({ user, input }, studyId: string) => {
    const texts = await updateStudyTexts(db(), user, studyId, input);
    revalidatePath(`/admin/studies/${studyId}`);
    return texts;
  },
);

export const updateDesignAction = formAction(
  { role: admin, input: z.object({ design: jsonText }), labels: { design: "Rating design" }, bound: oneId },
  async ({ user, input }, studyId: string) => {
    const design = await updateDesign(db(), user, studyId, input.design);
    revalidatePath(`/admin/studies/${studyId}`);
    return design;
  },
);

export const setPracticeAction = formAction(
  { role: admin, input: z.object({ practice: jsonText }), labels: { practice: "Practice cases" }, bound: oneId },
  async ({ user, input }, studyId: string) => {
    const result = await setPractice(db(), user, studyId, input.practice as Parameters<typeof setPractice>[3]);
    revalidatePath(`/admin/studies/${studyId}`);
    return result;
  },
);

export const setStudyStateAction = formAction(
  {
    role: admin,
    input: z.object({ to: z.enum(["OPEN", "CLOSED"], { error: "must be OPEN or CLOSED." }) }),
    labels: { to: "State" },
    bound: oneId,
  },
  async ({ user, input }, studyId: string) => {
    const state = await setStudyState(db(), user, studyId, input.to);
    revalidatePath(`/admin/studies/${studyId}`);
    revalidatePath("/admin");
    return state;
  },
);

const ratersForm = z.object({
  raterId: many(z.string()),
  ratersPerCase: z.coerce.number({ error: "must be a number." }),
});

export const assignRatersAction = formAction(
  {
    role: admin,
    input: ratersForm,
    labels: { raterId: "Raters", ratersPerCase: STUDY_LABELS.ratersPerCase },
    bound: oneId,
  },
  async ({ user, input }, studyId: string) => {
    const result = await setStudyRaters(db(), user, studyId, {
      raterIds: input.raterId,
      ratersPerCase: input.ratersPerCase,
    });
    revalidatePath(`/admin/studies/${studyId}`);
    return result;
  },
);

const noFields = z.object({});

/** Deactivating ends the user's sessions at once; reactivating lets them sign in again. */
export const setUserActiveAction = formAction(
  { role: admin, input: noFields, bound: z.tuple([id, z.boolean()]) },
  async ({ user }, userId: string, active: boolean) => {
    const result = await setUserActive(db(), user, userId, active);
    revalidatePath("/admin/users");
    return result;
  },
);

/** A new generated password, shown once; the user's sessions end. */
export const resetPasswordAction = formAction(
  { role: admin, input: noFields, bound: oneId },
  async ({ user }, userId: string) => resetPassword(db(), user, { id: userId }),
);
