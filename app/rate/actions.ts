"use server";
import { db } from "@/lib/platform/db.ts";
import { ratingInput, saveRating } from "@/lib/rating/rating.ts";
import { callAction } from "@/lib/web/action.ts";

/** Saves one candidate's scores for the signed-in rater (idempotent; see lib/rating/rating.ts). */
export const saveRatingAction = callAction({ role: "user", input: ratingInput }, ({ user, input }) =>
  saveRating(db(), user.id, input),
);
