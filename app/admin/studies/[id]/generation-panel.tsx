"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import type { Progress } from "@/lib/generation/generation.ts";
import { Button } from "@/components/ui/button.tsx";
import { ErrorText } from "@/components/ui/message.tsx";
import { ProgressBar } from "@/components/ui/progress-bar.tsx";

type Row = Progress & { name: string };

const duration = (s: number | null) => (s === null ? "—" : s < 90 ? `${s} s` : `${Math.round(s / 60)} min`);

/** Live progress of every generated system; polls while something is queued or running. */
export function GenerationPanel({ studyId }: { studyId: string }) {
  const router = useRouter();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await fetch(`/api/studies/${studyId}/generation`, { cache: "no-store" }).catch(() => null);
    if (res?.ok) setRows((await res.json()).systems);
  }, [studyId]);

  const busy = rows?.some((r) => r.queued + r.running > 0) ?? false;
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), busy ? 1000 : 5000);
    return () => clearInterval(t);
  }, [load, busy]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when generation stops, not at every poll
  useEffect(() => {
    if (!busy && rows) router.refresh(); // outputs changed: refresh counts elsewhere on the page
  }, [busy]);

  async function act(systemId: string, action: "start" | "cancel") {
    setError(null);
    const res = await fetch(`/api/studies/${studyId}/generation`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ systemId, action }),
    });
    if (!res.ok) setError((await res.json().catch(() => ({}))).error ?? `The server answered ${res.status}.`);
    await load();
  }

  if (!rows) return <p className="text-sm text-stone-500">Loading…</p>;
  if (rows.length === 0)
    return (
      <p className="text-sm text-stone-600">
        No LLM system yet. Add one under Systems; its impressions are generated here, by the worker, never in your
        browser.
      </p>
    );
  return (
    <div className="space-y-4 text-sm">
      {rows.map((r) => (
        <div key={r.systemId} className="space-y-2 rounded border border-stone-200 p-3" data-testid="generation-row">
          <div className="flex flex-wrap items-center gap-3">
            <span className="font-medium">{r.name}</span>
            <span className="tabular-nums text-stone-600" data-testid="generation-count">
              {r.done} / {r.total}
            </span>
            <span className="tabular-nums text-stone-500">{Math.round((100 * r.done) / Math.max(1, r.total))} %</span>
            {r.failed > 0 && <span className="text-red-700">{r.failed} failed</span>}
            <span className="text-stone-500">
              {r.queued} queued · {r.running} running · {r.tokensPerSecond ?? "—"} tokens/s per sequence ·{" "}
              {duration(r.secondsLeft)} left
            </span>
            <span className="flex-1" />
            {r.queued + r.running > 0 ? (
              <Button type="button" variant="secondary" onClick={() => act(r.systemId, "cancel")}>
                Cancel
              </Button>
            ) : r.done < r.total ? (
              <Button type="button" onClick={() => act(r.systemId, "start")}>
                {r.failed > 0 ? "Retry failed and missing" : r.done > 0 ? "Resume" : "Start generation"}
              </Button>
            ) : (
              <span className="text-emerald-800">Complete</span>
            )}
          </div>
          <ProgressBar done={r.done} total={r.total} label={`Generation of ${r.name}`} />
          {r.lastError && (
            <p className="text-xs text-red-700" data-testid="generation-error">
              Last failure: {r.lastError}
            </p>
          )}
        </div>
      ))}
      {error && <ErrorText>{error}</ErrorText>}
    </div>
  );
}
