/** A cell of an export row: what the warehouse returns once normalised (JSON columns stay JSON text). */
export type CsvValue = string | number | null;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces, with quotes
 * doubled. `null` is the empty field, like an empty string: the JSON rows beside the CSV tell them apart.
 */
export function csvField(v: CsvValue): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header line and one line per row, CRLF line ends (RFC 4180); columns missing from a row are empty. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, CsvValue>>): string {
  const lines = [columns.map((c) => csvField(c)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c] ?? null)).join(','));
  return lines.join('\r\n') + '\r\n';
}
