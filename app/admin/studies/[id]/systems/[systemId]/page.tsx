import Link from "next/link";
import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { NotFoundError } from "@/lib/platform/errors.ts";
import { systemWithOutputs } from "@/lib/systems/systems.ts";
import { Card } from "@/components/ui/card.tsx";

export const metadata = { title: "System outputs — SecondRead" };

/** Every output of one system with its provenance: what the admin checks before raters see it. */
export default async function SystemOutputs({ params }: PageProps<"/admin/studies/[id]/systems/[systemId]">) {
  const admin = await requireAdmin();
  const { id, systemId } = await params;
  const { system, outputs } = await systemWithOutputs(db(), admin, id, systemId).catch((e) =>
    e instanceof NotFoundError ? notFound() : Promise.reject(e),
  );
  return (
    <div className="space-y-6">
      <div>
        <Link href={`/admin/studies/${id}`} className="text-sm text-sky-800 underline">
          ← {system.study.name}
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{system.name}</h1>
        <p className="text-sm text-stone-500">
          {system.label} · {outputs.length} outputs
        </p>
      </div>
      <Card title="Configuration">
        <pre className="max-h-72 overflow-auto whitespace-pre-wrap text-xs">
          {JSON.stringify({ config: system.config, provenance: system.provenance }, null, 2)}
        </pre>
      </Card>
      <Card title="Outputs">
        <ol className="space-y-4 text-sm">
          {outputs.map((o) => {
            return (
              <li key={o.id} className="border-t border-stone-100 pt-3" data-testid="output">
                <div className="text-xs text-stone-500">
                  Case {o.case.position} · id {o.case.sourceId}
                  {o.warning && <span className="ml-2 text-amber-700">⚠ {o.warning}</span>}
                </div>
                <p className="mt-1">{o.text}</p>
                <details className="mt-1 text-xs text-stone-600">
                  <summary className="cursor-pointer">Provenance</summary>
                  <pre className="mt-1 whitespace-pre-wrap">{JSON.stringify(o.provenance, null, 2)}</pre>
                </details>
              </li>
            );
          })}
        </ol>
      </Card>
    </div>
  );
}
