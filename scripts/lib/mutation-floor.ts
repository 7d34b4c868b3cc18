// The README's promise, checked after each `npm run mutation`: every mutated module keeps a score
// of at least FLOOR. Stryker's own `thresholds.break` looks only at the score of all files together.

export const FLOOR = 80;

type Report = { files: Record<string, { mutants: { status: string }[] }> };

/** Stryker's mutation score per file: killed or timed out ÷ every mutant that ran or had no test. */
export function scoresOf(report: Report): { file: string; score: number }[] {
  return Object.entries(report.files).map(([file, { mutants }]) => {
    const count = (...statuses: string[]) => mutants.filter((m) => statuses.includes(m.status)).length;
    const detected = count("Killed", "Timeout");
    const valid = detected + count("Survived", "NoCoverage");
    return { file, score: valid ? (100 * detected) / valid : 100 };
  });
}

/** One line per module under the floor, naming it and its score; none when all are above it. */
export function belowFloor(report: Report): string[] {
  return scoresOf(report)
    .filter((s) => s.score < FLOOR)
    .map((s) => `${s.file}: mutation score ${s.score.toFixed(2)} % is under ${FLOOR} %`);
}
