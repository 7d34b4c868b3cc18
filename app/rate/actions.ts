"use server";
import { db } from "@/lib/platform/db.ts";
import { preferenceInput, ratingInput, savePreference, saveRating } from "@/lib/rating/rating.ts";
import { callAction } from "@/lib/web/action.ts";

/** Saves one candidate's scores for the signed-in rater (idempotent; see lib/rating/rating.ts). */
export const saveRatingAction = callAction({ role: "user", input: ratingInput }, ({ user, input }) =>
  saveRating(db(), user.id, input),
);

/** Saves the case's preference (every candidate's rank at once) for the signed-in rater. */
export const savePreferenceAction = callAction({ role: "user", input: preferenceInput }, ({ user, input }) =>
  savePreference(db(), user.id, input),
);
