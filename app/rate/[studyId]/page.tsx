import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { requireUser } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { resumePoint } from "@/lib/rating/rating.ts";
import { Card } from "@/components/ui/card.tsx";
import { buttonClass } from "@/components/ui/button.tsx";
import { Markdown } from "@/components/markdown.tsx";

/** Resumes at the first unfinished case; before the first score, the study's instructions come first. */
export default async function ResumeStudy({ params }: PageProps<"/rate/[studyId]">) {
  const user = await requireUser();
  const { studyId } = await params;
  const resume = await resumePoint(db(), user.id, studyId);
  if (!resume) notFound();
  if (resume.next && resume.instructions) {
    return (
      <Card title="Before you begin">
        <div data-testid="instructions-before-start">
          <Markdown text={resume.instructions} />
        </div>
        <p className="mt-4 text-sm text-stone-500">These instructions stay one click away on every case.</p>
        <Link href={`/rate/case/${resume.next}`} className={`mt-4 inline-block ${buttonClass("primary")}`}>
          Begin rating
        </Link>
      </Card>
    );
  }
  if (resume.next) redirect(`/rate/case/${resume.next}`);
  const first = resume.first;
  return (
    <Card title="All done">
      <p className="text-stone-700">You have rated every case that is ready for you in this study. Thank you.</p>
      <div className="mt-4 flex gap-4 text-sm">
        <Link href="/rate" className="text-sky-800 underline">
          Back to my studies
        </Link>
        {first && (
          <Link href={`/rate/case/${first}`} className="text-sky-800 underline">
            Review my ratings
          </Link>
        )}
      </div>
    </Card>
  );
}
