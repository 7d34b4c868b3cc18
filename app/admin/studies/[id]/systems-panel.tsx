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

type SystemRow = { id: string; name: string; kind: string; outputs: number; createdAt: string; needsFile: boolean };
type AddKind = "retrieval" | "imported" | "llama" | "openai";
const KIND_CHOICES: [AddKind, string][] = [
  ["retrieval", "Retrieval baseline (TF-IDF)"],
  ["imported", "Outputs of another system (file)"],
  ["llama", "LLM (GGUF model, generated here)"],
  ["openai", "LLM over HTTP (OpenAI-compatible)"],
];
const LIBRARY_CHOICES: ["study" | "file", string][] = [
  ["study", "This study's cases, leave-one-out"],
  ["file", "A library file (CSV/JSONL with findings and impression, e.g. the OpenI reports)"],
];

const KIND: Record<string, string> = {
  REFERENCE: "Reference (radiologist)",
  RETRIEVAL: "Retrieval baseline",
  IMPORTED: "Imported outputs",
  LLAMA: "LLM (node-llama-cpp)",
  OPENAI_COMPATIBLE: "LLM (HTTP endpoint)",
};

export function SystemsPanel({
  studyId,
  systems,
  cases,
  models,
  llmDefaults,
}: {
  studyId: string;
  systems: SystemRow[];
  cases: number;
  models: ModelChoice[];
  llmDefaults: React.ComponentProps<typeof LlmFields>["defaults"];
}) {
  const router = useRouter();
  const upload = useUpload<{ id: string; missing?: number }>();
  const [kind, setKind] = useState<AddKind>("retrieval");
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
          : kind === "llama" || kind === "openai"
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
            <td>{KIND[s.kind] ?? s.kind}</td>
            <td className="tabular-nums">
              {s.outputs} / {cases}
            </td>
            <td>
              {s.outputs < cases && (s.kind === "RETRIEVAL" || s.kind === "IMPORTED") && (
                <CompleteSystem studyId={studyId} system={s} missing={cases - s.outputs} />
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
          <Choices name="kind" options={KIND_CHOICES} value={kind} onChange={setKind} />
        </div>
        <label className="block font-medium">
          Name
          <Input name="name" required defaultValue={kind === "retrieval" ? "Retrieval baseline" : ""} key={kind} />
        </label>
        {kind === "llama" || kind === "openai" ? (
          <LlmFields studyId={studyId} models={models} defaults={llmDefaults} endpoint={kind === "openai"} key={kind} />
        ) : kind === "retrieval" ? (
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
function CompleteSystem({ studyId, system, missing }: { studyId: string; system: SystemRow; missing: number }) {
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
      {system.needsFile && (
        <input
          type="file"
          name="file"
          required
          accept=".csv,.jsonl,.ndjson"
          className="text-xs"
          aria-label={system.kind === "IMPORTED" ? "Outputs file" : "Library file"}
        />
      )}
      <button
        type="submit"
        disabled={upload.busy}
        className="rounded border border-stone-300 px-2 py-0.5 text-xs font-medium hover:bg-stone-50"
      >
        {upload.busy ? "Adding…" : system.kind === "RETRIEVAL" ? "Retrieve for them" : "Add their outputs"}
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
