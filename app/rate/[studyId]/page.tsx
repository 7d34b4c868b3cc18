import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { requireUser } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { nextAssignmentId } from "@/lib/rating/rating.ts";
import { Card } from "@/components/ui/card.tsx";

/** Resumes at the first unfinished case. */
export default async function ResumeStudy({ params }: PageProps<"/rate/[studyId]">) {
  const user = await requireUser();
  const { studyId } = await params;
  const member = await db().studyRater.findUnique({ where: { studyId_userId: { studyId, userId: user.id } } });
  if (!member) notFound();
  const next = await nextAssignmentId(db(), user.id, studyId);
  if (next) redirect(`/rate/case/${next}`);
  const first = await db().assignment.findFirst({
    where: { raterId: user.id, case: { studyId } },
    orderBy: { case: { position: "asc" } },
    select: { id: true },
  });
  return (
    <Card title="All done">
      <p className="text-stone-700">You have rated every case that is ready for you in this study. Thank you.</p>
      <div className="mt-4 flex gap-4 text-sm">
        <Link href="/rate" className="text-sky-800 underline">
          Back to my studies
        </Link>
        {first && (
          <Link href={`/rate/case/${first.id}`} className="text-sky-800 underline">
            Review my ratings
          </Link>
        )}
      </div>
    </Card>
  );
}
