/**
 * A JSON object column as read back from either warehouse (text in DuckDB and ClickHouse, sometimes already
 * parsed): the object, or {} for anything else (empty, not JSON, an array, a scalar).
 */
export function jsonObject(p: unknown): Record<string, unknown> {
  if (p && typeof p === 'object' && !Array.isArray(p)) return p as Record<string, unknown>;
  if (typeof p !== 'string' || p === '') return {};
  try {
    const v = JSON.parse(p) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
