/**
 * The one normalisation every candidate text gets before it is stored, whatever its source
 * (reference, retrieval, import, model). Formatting differences between systems would
 * unblind them, so line breaks, runs of spaces and Unicode forms are all flattened.
 */
export function normalizeText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/[\u200B-\u200D\uFEFF]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}
