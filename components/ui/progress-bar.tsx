// How far a rater or a generation run has got.
export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  const pct = total === 0 ? 0 : Math.round((100 * done) / total);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      className="h-2 w-full overflow-hidden rounded bg-stone-200"
    >
      <div className="h-full bg-emerald-600" style={{ width: `${pct}%` }} />
    </div>
  );
}
