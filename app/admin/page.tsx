import Link from "next/link";
import { requireAdmin } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { listStudies } from "@/lib/studies/studies.ts";
import { Card } from "@/components/ui.tsx";
import { CreateStudyForm } from "./create-study-form.tsx";

export const metadata = { title: "Studies — SecondRead" };

export default async function AdminHome() {
  const admin = await requireAdmin();
  const studies = await listStudies(db(), admin);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold tracking-tight">Studies</h1>
      <Card>
        {studies.length === 0 ? (
          <p className="text-stone-600">No studies yet. Create one below.</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-stone-500">
              <tr>
                <th className="py-2">Study</th>
                <th>Cases</th>
                <th>Systems</th>
                <th>Raters</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {studies.map((s) => (
                <tr key={s.id} className="border-t border-stone-100">
                  <td className="py-2">
                    <Link href={`/admin/studies/${s.id}`} className="font-medium text-sky-800 hover:underline">
                      {s.name}
                    </Link>
                  </td>
                  <td>{s._count.cases}</td>
                  <td>{s._count.systems}</td>
                  <td>{s._count.raters}</td>
                  <td className="text-stone-500">{s.createdAt.toISOString().slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="New study">
        <CreateStudyForm />
      </Card>
    </div>
  );
}
