import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth.ts";
import { db } from "@/lib/db.ts";
import { NotFoundError } from "@/lib/errors.ts";
import { loadCase } from "@/lib/rating.ts";
import { CRITERIA } from "@/lib/criteria.ts";
import { RatingForm } from "./rating-form.tsx";

// Generic on purpose: nothing about the candidates' origin may reach the browser.
export const metadata = { title: "Rate a case — SecondRead" };

export default async function RateCase({ params }: PageProps<"/rate/case/[assignmentId]">) {
  const user = await requireUser();
  const { assignmentId } = await params;
  const view = await loadCase(db(), user.id, assignmentId).catch((e) => (e instanceof NotFoundError ? notFound() : Promise.reject(e)));
  return <RatingForm view={view} criteria={CRITERIA.map((c) => ({ ...c }))} />;
}
