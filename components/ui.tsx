// Small shared building blocks so pages stay short and look alike.
export function Card({
  title,
  children,
  actions,
}: {
  title?: string;
  children: React.ReactNode;
  actions?: React.ReactNode;
}) {
  return (
    <section className="rounded-lg border border-stone-200 bg-white p-5 shadow-sm">
      {(title || actions) && (
        <div className="mb-3 flex items-center gap-4">
          {title && <h2 className="text-lg font-semibold tracking-tight">{title}</h2>}
          <span className="flex-1" />
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

export const inputClass = "mt-1 block w-full rounded border border-stone-300 px-3 py-2 text-sm";
export const buttonClass =
  "rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-50";
export const secondaryButtonClass =
  "rounded border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:bg-stone-100 disabled:opacity-50";

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
