import type { RaterProgress, StudyResults } from "@/lib/results/results.ts";
import type { Summary } from "@/lib/results/stats.ts";
import { ProgressBar } from "@/components/ui/progress-bar.tsx";
import { Row, Table } from "@/components/ui/table.tsx";
import { ErrorResults } from "./errors-results.tsx";
import { SignOffResults } from "./sign-off-results.tsx";
import { PreferenceResults } from "./preference-results.tsx";

const fmt = (v: number | null, d = 2) => (v === null ? "—" : v.toFixed(d));
const signed = (v: number, d = 2) => `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v).toFixed(d)}`;
const fmtP = (p: number | null) => (p === null ? "—" : p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`);

function Distribution({ s }: { s: Summary }) {
  const max = Math.max(1, ...s.distribution);
  return (
    <span
      role="img"
      className="inline-flex h-5 items-end gap-0.5"
      title={s.distribution.map((c, i) => `${i + 1}: ${c}`).join(", ")}
      aria-label={`scores 1 to ${s.distribution.length}: ${s.distribution.join(", ")}`}
    >
      {s.distribution.map((c, i) => (
        <span
          // biome-ignore lint/suspicious/noArrayIndexKey: one bar per score, always in score order
          key={i}
          className="w-2 bg-sky-600"
          style={{ height: `${Math.max(2, (20 * c) / max)}px`, opacity: c === 0 ? 0.2 : 1 }}
        />
      ))}
    </span>
  );
}

export function ResultsTable({ results }: { results: StudyResults }) {
  if (results.totalRatings === 0)
    return <p className="text-stone-600">No ratings yet. Answers appear here as raters give them.</p>;
  return (
    <div className="space-y-8">
      {results.criteria.length > 0 && <ScoreResults results={results} />}
      {results.modules.errors && <ErrorResults systems={results.systems} />}
      {results.modules.signOff && <SignOffResults systems={results.systems} />}
      {results.modules.preference && <PreferenceResults systems={results.systems} />}
    </div>
  );
}

function ScoreResults({ results }: { results: StudyResults }) {
  return (
    <div className="space-y-6 overflow-x-auto">
      <Table
        aria-label="Mean score per system and criterion"
        head={
          <>
            <th className="py-1">System</th>
            {results.criteria.map((c) => (
              <th key={c.key}>{c.name}</th>
            ))}
          </>
        }
      >
        {results.systems.map((s) => (
          <Row key={s.systemId}>
            <td className="py-1.5 font-medium">{s.name}</td>
            {results.criteria.map((c) => {
              const v = s.byCriterion[c.key];
              return (
                <td key={c.key} className="tabular-nums">
                  <span className="text-base font-semibold">{fmt(v.mean)}</span>
                  {v.ci95 && (
                    <span className="text-xs text-stone-500">
                      {" "}
                      [{fmt(v.ci95[0], 1)}, {fmt(v.ci95[1], 1)}]
                    </span>
                  )}
                  <span className="text-xs text-stone-500"> n={v.n}</span>
                </td>
              );
            })}
          </Row>
        ))}
      </Table>
      <p className="text-xs text-stone-500">
        Mean score with its 95% confidence interval and the number of ratings. The interval treats each case as a
        cluster (its ratings share the findings and often the raters): cluster-robust standard error, Student t with one
        degree of freedom fewer than the cases. Details per criterion below.
      </p>
      {results.systems.some((s) => s.vsReference) && (
        <div>
          <Table
            aria-label="Difference from the reference"
            caption={<>Compared with the radiologists&apos; reference</>}
            head={
              <>
                <th className="py-1">System</th>
                {results.criteria.map((c) => (
                  <th key={c.key}>{c.name}</th>
                ))}
              </>
            }
          >
            {results.systems
              .filter((s) => s.vsReference)
              .map((s) => (
                <Row key={s.systemId} data-system={s.name}>
                  <td className="py-1.5 font-medium">{s.name}</td>
                  {results.criteria.map((c) => {
                    const v = s.vsReference![c.key];
                    return (
                      <td key={c.key} className="tabular-nums" data-criterion={c.key}>
                        {v.difference === null ? (
                          "—"
                        ) : (
                          <>
                            <span className="text-base font-semibold" data-testid="difference">
                              {signed(v.difference)}
                            </span>
                            {v.ci95 && (
                              <span className="text-xs text-stone-500">
                                {" "}
                                [{signed(v.ci95[0], 1)}, {signed(v.ci95[1], 1)}]
                              </span>
                            )}
                            <span className="block text-xs text-stone-500" data-testid="p">
                              {fmtP(v.p)}, {v.cases} case{v.cases === 1 ? "" : "s"}
                            </span>
                            {v.pHolm !== null && (
                              <span className="block text-xs text-stone-500" data-testid="p-holm">
                                {fmtP(v.pHolm).replace(/^p/, "Holm-adjusted p")}
                              </span>
                            )}
                          </>
                        )}
                      </td>
                    );
                  })}
                </Row>
              ))}
          </Table>
          <p className="text-xs text-stone-500">
            Mean over the cases both were rated on of (the system&apos;s mean score for the case − the
            reference&apos;s), with its 95% confidence interval (Student t over cases) and the two-sided Wilcoxon
            signed-rank p (exact up to 50 cases with a difference); below it, p adjusted by Holm&apos;s method over
            every system and criterion in this table.
          </p>
        </div>
      )}
      {results.criteria.map((c) => (
        <Table
          key={c.key}
          data-criterion={c.key}
          caption={
            <>
              {c.name}{" "}
              <span className="font-normal text-stone-500">
                — {c.definition} Agreement (Krippendorff&apos;s α, ordinal): {fmt(results.agreement[c.key])}
              </span>
            </>
          }
          head={
            <>
              <th className="w-1/3 py-1">System</th>
              <th>Mean</th>
              <th>SD</th>
              <th>95% CI</th>
              <th>Median</th>
              <th>n</th>
              <th>Scores 1–{c.points}</th>
            </>
          }
        >
          {results.systems.map((s) => {
            const v = s.byCriterion[c.key];
            return (
              <Row key={s.systemId} data-system={s.name}>
                <td className="py-1">{s.name}</td>
                <td data-testid="mean" className="font-medium tabular-nums">
                  {fmt(v.mean)}
                </td>
                <td className="tabular-nums">{fmt(v.sd)}</td>
                <td className="tabular-nums">{v.ci95 ? `${fmt(v.ci95[0])}–${fmt(v.ci95[1])}` : "—"}</td>
                <td className="tabular-nums">{fmt(v.median, 1)}</td>
                <td data-testid="n" className="tabular-nums">
                  {v.n}
                </td>
                <td>
                  <Distribution s={v} />
                </td>
              </Row>
            );
          })}
        </Table>
      ))}
    </div>
  );
}

export function ProgressTable({ raters }: { raters: RaterProgress[] }) {
  if (raters.length === 0) return <p className="text-stone-600">No raters assigned yet.</p>;
  return (
    <Table
      head={
        <>
          <th className="py-1">Rater</th>
          <th>Cases done</th>
          <th>Ratings done / expected</th>
          <th className="w-1/3" />
        </>
      }
    >
      {raters.map((r) => (
        <Row key={r.raterId}>
          <td className="py-1">{r.email}</td>
          <td className="tabular-nums">
            {r.casesDone} / {r.cases}
          </td>
          <td className="tabular-nums" data-testid="ratings-progress">
            {r.ratingsDone} / {r.ratingsExpected}
          </td>
          <td>
            <ProgressBar done={r.ratingsDone} total={r.ratingsExpected} label={`Progress of ${r.email}`} />
          </td>
        </Row>
      ))}
    </Table>
  );
}
