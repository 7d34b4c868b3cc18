"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { Input, Select, Textarea } from "@/components/ui/input.tsx";

export type ModelChoice = {
  file: string;
  name: string;
  role: "base" | "adapter";
  base?: string;
  note?: string;
  size: number;
};
type Defaults = { template: string; settings: Record<string, number | string[]> };

const SETTINGS: { key: string; label: string; step?: string }[] = [
  { key: "maxTokens", label: "Max tokens" },
  { key: "temperature", label: "Temperature", step: "0.05" },
  { key: "topK", label: "Top-k" },
  { key: "topP", label: "Top-p", step: "0.01" },
  { key: "repeatPenalty", label: "Repeat penalty", step: "0.01" },
  { key: "seed", label: "Seed" },
  { key: "contextSize", label: "Context size" },
];

/** Fields of an LLM system; they travel in the surrounding form (see systems-panel.tsx). */
export function LlmFields({
  studyId,
  models,
  defaults,
  endpoint = false,
}: {
  studyId: string;
  models: ModelChoice[];
  defaults: Defaults;
  endpoint?: boolean;
}) {
  const bases = models.filter((m) => m.role === "base");
  const [model, setModel] = useState(bases[0]?.file ?? "");
  const [typed, setTyped] = useState("");
  const adapters = models.filter((m) => m.role === "adapter" && (!m.base || m.base === model));
  const [template, setTemplate] = useState(defaults.template);
  const [settings, setSettings] = useState<Record<string, string>>(
    Object.fromEntries(SETTINGS.map((s) => [s.key, String(defaults.settings[s.key])])),
  );
  // Stop strings are shown with \n for line breaks, so whitespace-only ones stay visible.
  const [stop, setStop] = useState(
    (defaults.settings.stop as string[]).map((x) => x.replaceAll("\n", "\\n")).join(" | "),
  );
  const [preview, setPreview] = useState<string | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const chosen = models.find((m) => m.file === model);

  async function onPreview() {
    setPreviewError(null);
    const res = await fetch(`/api/studies/${studyId}/prompt-preview`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ template }),
    });
    const body = await res.json();
    if (res.ok) setPreview(`Case ${body.caseSourceId}:\n\n${body.prompt}`);
    else setPreviewError(body.error);
  }

  const settingsJson = JSON.stringify({
    ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, Number(v)])),
    stop: stop
      .split("|")
      .map((s) => s.trim().replaceAll("\\n", "\n"))
      .filter(Boolean),
  });
  return (
    <div className="space-y-3">
      {endpoint ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <label className="block font-medium">
            Base URL
            <Input name="baseUrl" required placeholder="http://gpu-host:8000/v1" />
          </label>
          <label className="block font-medium">
            Model name
            <Input name="endpointModel" required placeholder="radiology-llama2" />
          </label>
          <label className="block font-medium">
            API key variable <span className="font-normal text-stone-500">(optional)</span>
            <Input name="apiKeyEnv" placeholder="SECONDREAD_API_KEY_VLLM" />
          </label>
          <p className="text-xs text-stone-500 sm:col-span-3">
            The key itself stays in the worker&apos;s environment; SecondRead stores only the variable&apos;s name. Any
            OpenAI-compatible completions endpoint works: vLLM, llama.cpp&apos;s server, Ollama.
          </p>
        </div>
      ) : (
        <>
          <label className="block font-medium">
            Model (GGUF)
            <Select value={model} onChange={(e) => setModel(e.target.value)}>
              {bases.map((m) => (
                <option key={m.file} value={m.file}>
                  {m.name} — {m.file} ({(m.size / 1048576).toFixed(1)} MB)
                </option>
              ))}
              <option value="">Another GGUF file on the server (type its path)…</option>
            </Select>
          </label>
          {chosen?.note && (
            <p
              className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900"
              data-testid="model-note"
            >
              {chosen.note}
            </p>
          )}
          {model === "" && (
            <Input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder="/models/radiology-llama2/llama-2-7b.Q8_0.gguf"
              aria-label="Model path"
            />
          )}
          <input type="hidden" name="model" value={model || typed} />
          <fieldset className="space-y-1">
            <legend className="font-medium">LoRA adapters</legend>
            {adapters.length === 0 && <p className="text-xs text-stone-500">No adapter in models/ for this base.</p>}
            {adapters.map((a) => (
              <div key={a.file} className="flex items-center gap-3">
                <label className="flex items-center gap-2">
                  <input type="checkbox" name="adapter" value={a.file} defaultChecked /> {a.name}{" "}
                  <span className="text-stone-500">({a.file})</span>
                </label>
                <label className="flex items-center gap-1 text-xs">
                  scale{" "}
                  <input
                    name={`adapterScale:${a.file}`}
                    type="number"
                    step="0.05"
                    defaultValue={1}
                    className="w-20 rounded border border-stone-300 px-2 py-1"
                  />
                </label>
              </div>
            ))}
          </fieldset>
        </>
      )}
      <label className="block font-medium">
        Prompt template{" "}
        <span className="font-normal text-stone-500">
          ({"{{findings}}"} is replaced by the case&apos;s findings; default: Radiology-Llama2&apos;s instruction
          format)
        </span>
        <Textarea
          name="template"
          value={template}
          onChange={(e) => setTemplate(e.target.value)}
          rows={9}
          className="font-mono text-xs"
        />
      </label>
      <div className="flex items-center gap-3">
        <Button type="button" onClick={onPreview} variant="secondary">
          Preview on a real case
        </Button>
        {previewError && (
          <span role="status" className="text-red-700">
            {previewError}
          </span>
        )}
      </div>
      {preview && (
        <pre
          className="max-h-64 overflow-auto whitespace-pre-wrap rounded bg-stone-100 p-3 text-xs"
          data-testid="prompt-preview"
        >
          {preview}
        </pre>
      )}
      <div className="grid gap-3 sm:grid-cols-4">
        {SETTINGS.map((s) => (
          <label key={s.key} className="block text-xs font-medium">
            {s.label}
            <Input
              type="number"
              step={s.step ?? "1"}
              value={settings[s.key]}
              onChange={(e) => setSettings({ ...settings, [s.key]: e.target.value })}
            />
          </label>
        ))}
        <label className="block text-xs font-medium sm:col-span-2">
          Stop strings (separated by |)
          <Input value={stop} onChange={(e) => setStop(e.target.value)} />
        </label>
      </div>
      <input type="hidden" name="settings" value={settingsJson} />
    </div>
  );
}
