"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useUpload } from "@/components/use-upload.ts";
import { Button } from "@/components/ui/button.tsx";
import { Input, Select } from "@/components/ui/input.tsx";
import { ErrorText, Notice } from "@/components/ui/message.tsx";

type Preview = {
  format: string;
  columns: string[];
  rowCount: number;
  guess: { sourceId?: string; findings?: string; impression?: string };
  sample: Record<string, string>[];
};
type Problem = { row: number; sourceId: string; missing: string[] };
type Result =
  | { status: "needs-confirmation"; cases: number; incomplete: Problem[] }
  | { status: "imported"; imported: number; skipped: Problem[] };

export function ImportPanel({ studyId, caseCount }: { studyId: string; caseCount: number }) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState({ sourceId: "", findings: "", impression: "" });
  const [result, setResult] = useState<Result | null>(null);
  const upload = useUpload<Preview | Result>();

  const form = (extra: Record<string, string>) => {
    const f = new FormData();
    f.set("file", file!);
    for (const [k, v] of Object.entries({ ...mapping, ...extra })) f.set(k, v);
    return f;
  };

  async function onPreview(chosen: File | null) {
    setFile(chosen);
    setPreview(null);
    setResult(null);
    if (!chosen) return;
    const f = new FormData();
    f.set("file", chosen);
    f.set("mode", "preview");
    const p = (await upload.send(`/api/studies/${studyId}/import`, f)) as Preview | null;
    if (p) {
      setPreview(p);
      setMapping({
        sourceId: p.guess.sourceId ?? "",
        findings: p.guess.findings ?? "",
        impression: p.guess.impression ?? "",
      });
    }
  }

  async function onImport(skipIncomplete: boolean) {
    const r = (await upload.send(
      `/api/studies/${studyId}/import`,
      form({ skipIncomplete: skipIncomplete ? "1" : "0" }),
    )) as Result | null;
    if (r) setResult(r);
    if (r?.status === "imported") {
      setPreview(null);
      router.refresh();
    }
  }

  return (
    <div className="space-y-4 text-sm">
      <p className="text-stone-600">
        {caseCount} case(s) in the study. Import more from a CSV or JSONL file (UTF-8), for example the OpenI reports
        file: each row needs findings and a radiologist&apos;s impression, which becomes the reference candidate.
      </p>
      <label className="block font-medium">
        Case file
        <Input
          type="file"
          accept=".csv,.jsonl,.ndjson,text/csv"
          onChange={(e) => onPreview(e.target.files?.[0] ?? null)}
          data-testid="case-file"
        />
      </label>
      {preview && (
        <div className="space-y-3 rounded border border-stone-200 p-3">
          <p>
            {preview.rowCount} rows, {preview.format.toUpperCase()}, columns: {preview.columns.join(", ")}
          </p>
          <div className="grid gap-3 sm:grid-cols-3">
            {(["findings", "impression", "sourceId"] as const).map((k) => (
              <label key={k} className="block font-medium">
                {k === "sourceId" ? "Case id column" : k === "findings" ? "Findings column" : "Impression column"}
                <Select value={mapping[k]} onChange={(e) => setMapping({ ...mapping, [k]: e.target.value })} name={k}>
                  <option value="">{k === "sourceId" ? "(row number)" : "— choose —"}</option>
                  {preview.columns.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </Select>
              </label>
            ))}
          </div>
          <Button
            type="button"
            disabled={upload.busy || !mapping.findings || !mapping.impression}
            onClick={() => onImport(false)}
          >
            {upload.busy ? "Importing…" : "Import cases"}
          </Button>
        </div>
      )}
      {result?.status === "needs-confirmation" && (
        <div role="alert" className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3">
          <p className="font-medium">
            {result.incomplete.length} row(s) lack findings or an impression and cannot be rated. {result.cases}{" "}
            complete case(s) can be imported.
          </p>
          <ul className="max-h-40 list-disc overflow-y-auto pl-5 text-stone-700">
            {result.incomplete.slice(0, 200).map((p) => (
              <li key={p.row}>
                Row {p.row} (id {p.sourceId}): no {p.missing.join(" and no ")}
              </li>
            ))}
            {result.incomplete.length > 200 && <li>… and {result.incomplete.length - 200} more</li>}
          </ul>
          <div className="flex gap-3">
            <Button type="button" disabled={upload.busy} onClick={() => onImport(true)}>
              Skip these rows and import {result.cases} cases
            </Button>
            <Button type="button" variant="secondary" onClick={() => setResult(null)}>
              Cancel
            </Button>
          </div>
        </div>
      )}
      {result?.status === "imported" && (
        <Notice>
          Imported {result.imported} case(s)
          {result.skipped.length ? `, skipped ${result.skipped.length} incomplete row(s)` : ""}.
        </Notice>
      )}
      {upload.error && <ErrorText>{upload.error} Nothing was imported.</ErrorText>}
    </div>
  );
}
