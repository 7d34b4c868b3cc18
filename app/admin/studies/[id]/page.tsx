import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/accounts/auth.ts";
import { db } from "@/lib/platform/db.ts";
import { NotFoundError } from "@/lib/platform/errors.ts";
import { studyResults } from "@/lib/results/results.ts";
import { getStudy, studyDesign } from "@/lib/studies/studies.ts";
import { practiceSetup } from "@/lib/studies/practice.ts";
import { ImportPanel } from "./import-panel.tsx";
import { SystemsPanel } from "./systems-panel.tsx";
import { RatersPanel } from "./raters-panel.tsx";
import { TextsPanel } from "./texts-panel.tsx";
import { DesignPanel } from "./design-panel.tsx";
import { PracticePanel } from "./practice-panel.tsx";
import { StatePanel } from "./state-panel.tsx";
import { ProgressTable, ResultsTable } from "./results.tsx";
import { GenerationPanel } from "./generation-panel.tsx";
import { listModels } from "@/lib/systems/models.ts";
import { addChoices, describeSystem } from "@/lib/systems/systems.ts";
import { DEFAULT_TEMPLATE, settingsSchema } from "@/lib/systems/llm-config.ts";
import { Card, PageTitle } from "@/components/ui/card.tsx";
import { listActiveRaters } from "@/lib/accounts/accounts.ts";

export const metadata = { title: "Study — SecondRead" };

export default async function StudyPage({ params }: PageProps<"/admin/studies/[id]">) {
  const admin = await requireAdmin();
  const { id } = await params;
  const study = await getStudy(db(), admin, id).catch((e) =>
    e instanceof NotFoundError ? notFound() : Promise.reject(e),
  );
  const [results, raters, design, practice] = await Promise.all([
    studyResults(db(), admin, id),
    listActiveRaters(db(), admin),
    studyDesign(db(), admin, id),
    practiceSetup(db(), admin, id),
  ]);
  const cases = study._count.cases;
  return (
    <div className="space-y-6">
      <div>
        <PageTitle>{study.name}</PageTitle>
        {study.adminNotes && <p className="mt-1 max-w-3xl whitespace-pre-line text-stone-600">{study.adminNotes}</p>}
        <p className="mt-2 text-sm text-stone-500">
          {cases} cases · {study.systems.length} systems · {study.raters.length} raters · {study.ratersPerCase} rater(s)
          per case
        </p>
      </div>
      <Card title="Study state">
        <StatePanel key={study.state} studyId={id} state={study.state} />
      </Card>
      <Card
        title="Results"
        actions={
          <span className="flex gap-4">
            <a href={`/api/studies/${id}/export`} className="text-sm font-medium text-sky-800 underline" download>
              Download ratings (CSV)
            </a>
            <a href={`/api/studies/${id}/summary`} className="text-sm font-medium text-sky-800 underline" download>
              Download summary (CSV)
            </a>
            <a href={`/api/studies/${id}/history`} className="text-sm font-medium text-sky-800 underline" download>
              Download answer history (CSV)
            </a>
            <a href={`/api/studies/${id}/outputs`} className="text-sm font-medium text-sky-800 underline" download>
              Download outputs with provenance (CSV)
            </a>
          </span>
        }
      >
        <ResultsTable results={results} />
      </Card>
      <Card title="Progress">
        <ProgressTable raters={results.raters} />
      </Card>
      <Card title="Cases">
        <ImportPanel studyId={id} caseCount={cases} />
      </Card>
      <Card title="Systems">
        <SystemsPanel
          studyId={id}
          cases={cases}
          models={listModels().map((m) => ({
            file: m.file,
            name: m.name,
            role: m.role,
            base: m.base,
            note: m.note ?? m.source,
            size: m.size,
          }))}
          llmDefaults={{ template: DEFAULT_TEMPLATE, settings: settingsSchema.parse({}) }}
          systems={study.systems.map((s) => ({
            id: s.id,
            name: s.name,
            outputs: s._count.outputs,
            createdAt: s.createdAt.toISOString(),
            ...describeSystem(s),
          }))}
          choices={addChoices()}
        />
      </Card>
      <Card title="Generation">
        <GenerationPanel studyId={id} />
      </Card>
      <Card title="Rating design">
        <DesignPanel studyId={id} design={design.design} locked={design.locked} />
      </Card>
      <Card title="Practice cases">
        <PracticePanel studyId={id} {...practice} />
      </Card>
      <Card title="Texts">
        <TextsPanel studyId={id} raterInstructions={study.raterInstructions} adminNotes={study.adminNotes} />
      </Card>
      <Card title="Raters">
        <RatersPanel
          studyId={id}
          ratersPerCase={study.ratersPerCase}
          raters={raters}
          assigned={study.raters.map((r) => r.userId)}
        />
      </Card>
    </div>
  );
}
