import Link from "next/link";
import { requireAdmin } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { listStudies } from "@/lib/studies/studies.ts";
import { CreateStudyForm } from "./create-study-form.tsx";
import { defaultDesign } from "@/lib/rating/design.ts";
import { Card, PageTitle } from "@/components/ui/card.tsx";
import { Row, Table } from "@/components/ui/table.tsx";

export const metadata = { title: "Studies — SecondRead" };

export default async function AdminHome() {
  const admin = await requireAdmin();
  const studies = await listStudies(db(), admin);
  return (
    <div className="space-y-8">
      <PageTitle>Studies</PageTitle>
      <Card>
        {studies.length === 0 ? (
          <p className="text-stone-600">No studies yet. Create one below.</p>
        ) : (
          <Table
            head={
              <>
                <th className="py-2">Study</th>
                <th>Cases</th>
                <th>Systems</th>
                <th>Raters</th>
                <th>Created</th>
              </>
            }
          >
            {studies.map((s) => (
              <Row key={s.id}>
                <td className="py-2">
                  <Link href={`/admin/studies/${s.id}`} className="font-medium text-sky-800 hover:underline">
                    {s.name}
                  </Link>
                </td>
                <td>{s._count.cases}</td>
                <td>{s._count.systems}</td>
                <td>{s._count.raters}</td>
                <td className="text-stone-500">{s.createdAt.toISOString().slice(0, 10)}</td>
              </Row>
            ))}
          </Table>
        )}
      </Card>
      <Card title="New study">
        <CreateStudyForm design={defaultDesign()} />
      </Card>
    </div>
  );
}
