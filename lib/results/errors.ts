// Clinical errors per system, as ReXVal reports them: the mean number of errors per report by
// category and significance, and the share of reports with at least one clinically significant
// error, each with a 95 % interval that treats cases as clusters (stats.ts clusteredMean).
import { ERROR_CATEGORIES, type ErrorCategory } from "../rating/clinical-errors.ts";
import { type Clustered, clusteredMean } from "./stats.ts";

export type ErrorsResult = {
  /** Reports (ratings) whose errors were answered: found, or none. */
  reports: number;
  /** Errors per report, clinically significant ones only and all. */
  significant: Clustered;
  all: Clustered;
  /** Share of reports with at least one clinically significant error. */
  anySignificant: Clustered;
  byCategory: Record<ErrorCategory, { significant: Clustered; notSignificant: Clustered }>;
};

type Report = { caseId: string; errors: { category: ErrorCategory; significant: boolean }[] };

export function errorResults(reports: Report[]): ErrorsResult {
  const per = (count: (r: Report) => number) =>
    clusteredMean(reports.map((r) => ({ caseId: r.caseId, value: count(r) })));
  const counting = (keep: (e: Report["errors"][number]) => boolean) => (r: Report) => r.errors.filter(keep).length;
  return {
    reports: reports.length,
    significant: per(counting((e) => e.significant)),
    all: per((r) => r.errors.length),
    anySignificant: per((r) => (r.errors.some((e) => e.significant) ? 1 : 0)),
    byCategory: Object.fromEntries(
      ERROR_CATEGORIES.map(({ key }) => [
        key,
        {
          significant: per(counting((e) => e.category === key && e.significant)),
          notSignificant: per(counting((e) => e.category === key && !e.significant)),
        },
      ]),
    ) as ErrorsResult["byCategory"],
  };
}
