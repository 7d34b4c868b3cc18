// Sign-off per system: the share of reports at each level, and the correction effort of the edited
// ones (words changed), each with a 95 % interval that treats cases as clusters.
import { SIGN_OFF_LEVELS, type SignOff } from "../rating/sign-off.ts";
import { wordEdits } from "./edit-distance.ts";
import { type Clustered, clusteredMean } from "./stats.ts";

export type SignOffResult = {
  /** Reports with a sign-off. */
  reports: number;
  share: Record<SignOff, Clustered>;
  /** Words changed, over the reports with an edited impression. */
  wordsChanged: Clustered;
};

type Report = { caseId: string; signOff: SignOff; original: string; editedText: string | null };

export function signOffResults(reports: Report[]): SignOffResult {
  const edited = reports.filter((r) => r.editedText !== null);
  return {
    reports: reports.length,
    share: Object.fromEntries(
      SIGN_OFF_LEVELS.map(({ key }) => [
        key,
        clusteredMean(reports.map((r) => ({ caseId: r.caseId, value: r.signOff === key ? 1 : 0 }))),
      ]),
    ) as SignOffResult["share"],
    wordsChanged: clusteredMean(edited.map((r) => ({ caseId: r.caseId, value: wordEdits(r.original, r.editedText!) }))),
  };
}
