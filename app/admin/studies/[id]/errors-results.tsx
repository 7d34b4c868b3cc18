import { ERROR_CATEGORIES } from "@/lib/rating/clinical-errors.ts";
import type { StudyResults } from "@/lib/results/results.ts";
import type { Clustered } from "@/lib/results/stats.ts";
import { Row, Table } from "@/components/ui/table.tsx";

const fmt = (v: number | null, d = 2) => (v === null ? "—" : v.toFixed(d));

/** A mean with its 95 % interval, as a number or as a percentage. */
export function Value({ v, percent = false, testId }: { v: Clustered; percent?: boolean; testId?: string }) {
  const f = (x: number | null) => (percent && x !== null ? `${(100 * x).toFixed(0)} %` : fmt(x));
  return (
    <span className="tabular-nums">
      <span className="font-semibold" data-testid={testId}>
        {f(v.mean)}
      </span>
      {v.ci95 && (
        <span className="text-xs text-stone-500">
          {" "}
          [{f(v.ci95[0])}, {f(v.ci95[1])}]
        </span>
      )}
    </span>
  );
}

/** Clinical errors per system, as ReXVal reports them: per report, by category and significance. */
export function ErrorResults({ systems }: { systems: StudyResults["systems"] }) {
  const rows = systems.flatMap((s) => (s.errors ? [{ ...s, errors: s.errors }] : []));
  return (
    <div className="space-y-4">
      <Table
        aria-label="Clinical errors per system"
        caption="Clinical errors"
        head={
          <>
            <th className="py-1">System</th>
            <th>Significant errors per report</th>
            <th>All errors per report</th>
            <th>Reports with a significant error</th>
            <th>Reports</th>
          </>
        }
      >
        {rows.map((s) => (
          <Row key={s.systemId} data-system={s.name}>
            <td className="py-1.5 font-medium">{s.name}</td>
            <td>
              <Value v={s.errors.significant} testId="significant-per-report" />
            </td>
            <td>
              <Value v={s.errors.all} />
            </td>
            <td>
              <Value v={s.errors.anySignificant} percent testId="any-significant" />
            </td>
            <td className="tabular-nums">{s.errors.reports}</td>
          </Row>
        ))}
      </Table>
      <Table
        aria-label="Clinical errors per report by category"
        caption="By category: errors per report, clinically significant / not significant"
        head={
          <>
            <th className="py-1">System</th>
            {ERROR_CATEGORIES.map((c) => (
              <th key={c.key} title={c.hint}>
                {c.name}
              </th>
            ))}
          </>
        }
      >
        {rows.map((s) => (
          <Row key={s.systemId}>
            <td className="py-1.5 font-medium">{s.name}</td>
            {ERROR_CATEGORIES.map((c) => (
              <td key={c.key} className="tabular-nums">
                {fmt(s.errors.byCategory[c.key].significant.mean)} /{" "}
                {fmt(s.errors.byCategory[c.key].notSignificant.mean)}
              </td>
            ))}
          </Row>
        ))}
      </Table>
      <p className="text-xs text-stone-500">
        A report is one rater&apos;s answer for one candidate (errors found, or none). Means with 95 % confidence
        intervals that treat each case as a cluster, as for the scores; the share of reports with at least one
        clinically significant error is such a mean of 0s and 1s.
      </p>
    </div>
  );
}
