import { SIGN_OFF_LEVELS } from "@/lib/rating/sign-off.ts";
import type { StudyResults } from "@/lib/results/results.ts";
import { Row, Table } from "@/components/ui/table.tsx";
import { Value } from "./errors-results.tsx";

/** Sign-off per system: the share at each level and the words changed in the edited impressions. */
export function SignOffResults({ systems }: { systems: StudyResults["systems"] }) {
  const rows = systems.flatMap((s) => (s.signOff ? [{ ...s, signOff: s.signOff }] : []));
  return (
    <div className="space-y-2">
      <Table
        aria-label="Sign-off per system"
        caption="Sign-off"
        head={
          <>
            <th className="py-1">System</th>
            {SIGN_OFF_LEVELS.map((l) => (
              <th key={l.key}>{l.name}</th>
            ))}
            <th>Words changed (edited)</th>
            <th>Reports</th>
          </>
        }
      >
        {rows.map((s) => (
          <Row key={s.systemId} data-system={s.name}>
            <td className="py-1.5 font-medium">{s.name}</td>
            {SIGN_OFF_LEVELS.map((l) => (
              <td key={l.key}>
                <Value v={s.signOff.share[l.key]} percent testId={`share-${l.key}`} />
              </td>
            ))}
            <td>
              <Value v={s.signOff.wordsChanged} testId="words-changed" />
              <span className="text-xs text-stone-500"> n={s.signOff.wordsChanged.n}</span>
            </td>
            <td className="tabular-nums">{s.signOff.reports}</td>
          </Row>
        ))}
      </Table>
      <p className="text-xs text-stone-500">
        Shares of reports at each level, and for the impressions edited before signing, the mean number of words changed
        (word-level Levenshtein distance), each with a 95 % interval that treats cases as clusters.
      </p>
    </div>
  );
}
