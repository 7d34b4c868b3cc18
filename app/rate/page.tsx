import Link from "next/link";
import { requireUser } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { raterStudies } from "@/lib/rating/rating.ts";
import { Card, PageTitle } from "@/components/ui/card.tsx";
import { ProgressBar } from "@/components/ui/progress-bar.tsx";
import { Markdown } from "@/components/markdown.tsx";

export const metadata = { title: "My ratings — SecondRead" };

export default async function RaterHome() {
  const user = await requireUser();
  const studies = await raterStudies(db(), user.id);
  return (
    <div className="space-y-6">
      <PageTitle>My ratings</PageTitle>
      {studies.length === 0 && (
        <Card>
          <p className="text-stone-600">No studies are assigned to you yet.</p>
        </Card>
      )}
      {studies.map((s) => (
        <Card key={s.id} title={s.name}>
          {s.instructions && (
            <div className="mb-3" data-testid="rater-instructions">
              <Markdown text={s.instructions} />
            </div>
          )}
          {s.closed && (
            <p className="mb-3 text-sm text-stone-600" data-testid="study-closed">
              This study is closed: you can read your answers but not change them.
            </p>
          )}
          {s.preparing > 0 && (
            <p className="mb-3 text-sm text-stone-500">
              {s.preparing} of your cases are still being prepared and will appear when ready.
            </p>
          )}
          <div className="flex items-center gap-4">
            <div className="flex-1">
              <ProgressBar done={s.done} total={s.total} label={`Progress in ${s.name}`} />
            </div>
            <span className="text-sm tabular-nums text-stone-600" data-testid="study-progress">
              {s.done} of {s.total} cases done
            </span>
            <Link
              href={`/rate/${s.id}`}
              className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700"
            >
              {s.closed ? "Review" : s.done === 0 ? "Start" : s.done + s.preparing === s.total ? "Review" : "Continue"}
            </Link>
          </div>
        </Card>
      ))}
    </div>
  );
}
