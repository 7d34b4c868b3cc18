import { notFound } from "next/navigation";
import { requireUser } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import Link from "next/link";
import { NotFoundError, NotReadyError } from "@/lib/platform/errors.ts";
import { loadCase } from "@/lib/rating/rating.ts";
import { RatingForm } from "./rating-form.tsx";
import { Card } from "@/components/ui/card.tsx";
import { Markdown } from "@/components/markdown.tsx";

// Generic on purpose: nothing about the candidates' origin may reach the browser.
export const metadata = { title: "Rate a case — SecondRead" };

export default async function RateCase({ params }: PageProps<"/rate/case/[assignmentId]">) {
  const user = await requireUser();
  const { assignmentId } = await params;
  const view = await loadCase(db(), user.id, assignmentId).catch((e) =>
    e instanceof NotFoundError ? notFound() : e instanceof NotReadyError ? e : Promise.reject(e),
  );
  if (view instanceof NotReadyError) {
    return (
      <Card title="Not ready yet">
        <p className="text-stone-700">{view.message}</p>
        <Link href="/rate" className="mt-4 inline-block text-sm text-sky-800 underline">
          Back to my studies
        </Link>
      </Card>
    );
  }
  return (
    <div className="space-y-4">
      {view.instructions && (
        <details className="rounded border border-stone-200 bg-white px-4 py-2 text-sm" data-testid="case-instructions">
          <summary className="cursor-pointer font-medium text-stone-700">Study instructions</summary>
          <div className="mt-2">
            <Markdown text={view.instructions} />
          </div>
        </details>
      )}
      <RatingForm view={view} />
    </div>
  );
}
