import type { StudyResults } from "@/lib/results/results.ts";
import { Row, Table } from "@/components/ui/table.tsx";

const pct = (x: number) => `${Math.round(x * 100)} %`;
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "—");

/**
 * Preference: the Bradley–Terry ranking with its bootstrap interval, and each system's wins, ties
 * and losses against each other one.
 */
export function PreferenceResults({ systems }: { systems: StudyResults["systems"] }) {
  const rows = systems
    .flatMap((s) => (s.preference ? [{ ...s, preference: s.preference }] : []))
    .sort((a, b) => a.preference.strength.rank - b.preference.strength.rank);
  const name = new Map(systems.map((s) => [s.systemId, s.name]));
  return (
    <div className="space-y-2">
      <Table
        aria-label="Preference per system"
        caption="Preference"
        head={
          <>
            <th className="py-1 pr-3">Rank</th>
            <th className="pr-3">System</th>
            <th className="pr-3">Strength (95 % CI)</th>
            {rows.map((o) => (
              <th key={o.systemId} className="pr-3">
                vs {o.name}: win / tie / loss
              </th>
            ))}
          </>
        }
      >
        {rows.map((s) => (
          <Row key={s.systemId} data-system={s.name}>
            <td className="py-1.5 tabular-nums">{s.preference.strength.rank}</td>
            <td className="font-medium">{s.name}</td>
            <td className="tabular-nums" data-testid="strength">
              {num(s.preference.strength.strength)}{" "}
              <span className="text-stone-500">
                ({num(s.preference.strength.low)} to {num(s.preference.strength.high)})
              </span>
            </td>
            {rows.map((o) => {
              const h = s.preference.headToHead.find((x) => x.against === o.systemId);
              return (
                <td key={o.systemId} className="tabular-nums" data-testid={`vs-${name.get(o.systemId)}`}>
                  {!h ? "" : h.comparisons === 0 ? "—" : `${pct(h.win)} / ${pct(h.tie)} / ${pct(h.loss)}`}
                  {h && h.comparisons > 0 && <span className="text-xs text-stone-500"> n={h.comparisons}</span>}
                </td>
              );
            })}
          </Row>
        ))}
      </Table>
      <p className="text-xs text-stone-500">
        Strength: Bradley–Terry log-odds, mean 0 (a difference of 1 means preferred about 73 % of the time), with a 95 %
        percentile interval from 1,000 resamples of the cases; a tie counts half a win each way. Win / tie / loss:
        shares of the comparisons of the two systems (each rater's answer on each case is one); when raters pick only
        the best candidate, two that were not picked are not compared.
      </p>
    </div>
  );
}
