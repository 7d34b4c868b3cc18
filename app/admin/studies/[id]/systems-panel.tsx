"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useUpload } from "@/components/use-upload.ts";
import { LlmFields, type ModelChoice } from "./llm-form.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Input } from "@/components/ui/input.tsx";
import { ErrorText, Notice } from "@/components/ui/message.tsx";
import { Row, Table } from "@/components/ui/table.tsx";
import { Choices } from "@/components/ui/field.tsx";

type SystemRow = {
  id: string;
  name: string;
  label: string;
  outputs: number;
  createdAt: string;
  completion: { action: string; fileLabel: string; needsFile: boolean } | null;
};
/** One way to add a system (lib/systems/kinds/: the registry decides which kinds and which form). */
type AddChoice = {
  kind: string;
  choice: string;
  form: "library" | "outputs-file" | "model" | "endpoint";
  defaultName: string;
};
const LIBRARY_CHOICES: ["study" | "file", string][] = [
  ["study", "This study's cases, leave-one-out"],
  ["file", "A library file (CSV/JSONL with findings and impression, e.g. the OpenI reports)"],
];

export function SystemsPanel({
  studyId,
  systems,
  choices,
  cases,
  models,
  llmDefaults,
}: {
  studyId: string;
  systems: SystemRow[];
  choices: AddChoice[];
  cases: number;
  models: ModelChoice[];
  llmDefaults: React.ComponentProps<typeof LlmFields>["defaults"];
}) {
  const router = useRouter();
  const upload = useUpload<{ id: string; missing?: number }>();
  const [kind, setKind] = useState(choices[0].kind);
  const chosen = choices.find((c) => c.kind === kind) ?? choices[0];
  const llm = chosen.form === "model" || chosen.form === "endpoint";
  const [library, setLibrary] = useState<"study" | "file">("study");
  const [message, setMessage] = useState<string | null>(null);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setMessage(null);
    const form = new FormData(e.currentTarget);
    const r = await upload.send(`/api/studies/${studyId}/systems`, form);
    if (r) {
      setMessage(
        r.missing
          ? `System added; ${r.missing} case(s) have no output from it.`
          : llm
            ? "System added. Start its generation under Generation."
            : "System added.",
      );
      (e.target as HTMLFormElement).reset();
      router.refresh();
    }
  }

  return (
    <div className="space-y-4 text-sm">
      <Table
        head={
          <>
            <th className="py-1">Name</th>
            <th>Kind</th>
            <th>Outputs</th>
            <th />
          </>
        }
      >
        {systems.map((s) => (
          <Row key={s.id}>
            <td className="py-1 font-medium">
              <a href={`/admin/studies/${studyId}/systems/${s.id}`} className="text-sky-800 hover:underline">
                {s.name}
              </a>
            </td>
            <td>{s.label}</td>
            <td className="tabular-nums">
              {s.outputs} / {cases}
            </td>
            <td>
              {s.outputs < cases && s.completion && (
                <CompleteSystem studyId={studyId} system={s} completion={s.completion} missing={cases - s.outputs} />
              )}
            </td>
          </Row>
        ))}
      </Table>
      <form onSubmit={onSubmit} className="space-y-3 rounded border border-stone-200 p-3">
        <p className="font-medium">Add a system</p>
        <p className="text-xs text-stone-500">
          Add every system before raters begin: raters see a case only once every system has its candidate, and a
          candidate that appears in a case they have already seen is recognisable as new.
        </p>
        <div className="flex gap-4">
          <Choices name="kind" options={choices.map((c) => [c.kind, c.choice])} value={kind} onChange={setKind} />
        </div>
        <label className="block font-medium">
          Name
          <Input name="name" required defaultValue={chosen.defaultName} key={kind} />
        </label>
        {llm ? (
          <LlmFields
            studyId={studyId}
            models={models}
            defaults={llmDefaults}
            endpoint={chosen.form === "endpoint"}
            key={kind}
          />
        ) : chosen.form === "library" ? (
          <fieldset className="space-y-1">
            <legend className="font-medium">Case library</legend>
            <Choices name="library" options={LIBRARY_CHOICES} value={library} onChange={setLibrary} />
            {library === "file" && (
              <Input type="file" name="file" required accept=".csv,.jsonl,.ndjson" data-testid="library-file" />
            )}
            <p className="text-xs text-stone-500">
              Each case gets the impression of the library case with the most similar findings; a library case with the
              same id as the case is never used.
            </p>
          </fieldset>
        ) : (
          <label className="block font-medium">
            Outputs file{" "}
            <span className="font-normal text-stone-500">(CSV or JSONL: a case id column and a text column)</span>
            <Input type="file" name="file" required accept=".csv,.jsonl,.ndjson" data-testid="outputs-file" />
          </label>
        )}
        <Button type="submit" disabled={upload.busy}>
          {upload.busy ? "Adding…" : "Add system"}
        </Button>
        {upload.error && <ErrorText>{upload.error}</ErrorText>}
        {message && <Notice>{message}</Notice>}
      </form>
    </div>
  );
}

/** Outputs for cases imported after the system was added (raters see a case only when every system has one). */
function CompleteSystem({
  studyId,
  system,
  completion,
  missing,
}: {
  studyId: string;
  system: SystemRow;
  completion: NonNullable<SystemRow["completion"]>;
  missing: number;
}) {
  const router = useRouter();
  const upload = useUpload<{ added: number; stillMissing: number }>();
  const [message, setMessage] = useState<string | null>(null);
  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setMessage(null);
    const r = await upload.send(`/api/studies/${studyId}/systems/${system.id}/outputs`, new FormData(e.currentTarget));
    if (r) {
      setMessage(`Added ${r.added}${r.stillMissing ? `; ${r.stillMissing} case(s) still have none` : ""}.`);
      router.refresh();
    }
  }
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2 py-1" aria-label={`Complete ${system.name}`}>
      <span className="text-amber-800">{missing} case(s) without an output: raters cannot see them yet.</span>
      {completion.needsFile && (
        <input
          type="file"
          name="file"
          required
          accept=".csv,.jsonl,.ndjson"
          className="text-xs"
          aria-label={completion.fileLabel}
        />
      )}
      <button
        type="submit"
        disabled={upload.busy}
        className="rounded border border-stone-300 px-2 py-0.5 text-xs font-medium hover:bg-stone-50"
      >
        {upload.busy ? "Adding…" : completion.action}
      </button>
      {upload.error && (
        <span role="status" className="text-red-700">
          {upload.error}
        </span>
      )}
      {message && (
        <span role="status" className="text-emerald-800">
          {message}
        </span>
      )}
    </form>
  );
}
