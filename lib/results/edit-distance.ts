// How much a rater changed an impression before they would sign it: the Levenshtein distance
// between the original and the edited text, counted in words (insertions, deletions, substitutions
// of whole words) and in characters.

/** Words as a reader counts them: split on white space. */
const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** Levenshtein distance between two sequences (two rows of the usual table: O(min) memory). */
export function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length < b.length) [a, b] = [b, a];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

export const wordEdits = (original: string, edited: string) => levenshtein(words(original), words(edited));
/** In Unicode code points, so an accented letter counts once. */
export const charEdits = (original: string, edited: string) => levenshtein([...original], [...edited]);
