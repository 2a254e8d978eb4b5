/** A public web chat site key and the page origins allowed to use it (`*` = any origin). */
export interface WebchatSiteKey {
  key: string;
  origins: readonly string[];
}

export type SiteCheck = { ok: true } | { ok: false; reason: 'unknown_key' | 'origin' };

/**
 * Checks a visitor's site key against the `Origin` header of the socket
 * upgrade. Browsers always send Origin on WebSocket upgrades, so a missing
 * Origin is only allowed for keys that allow `*` (e.g. server-side tests).
 * Origins compare as scheme://host[:port], case-insensitively.
 */
export function checkSite(keys: readonly WebchatSiteKey[], siteKey: string, origin: string | undefined): SiteCheck {
  const entry = keys.find((k) => k.key === siteKey);
  if (!entry) return { ok: false, reason: 'unknown_key' };
  if (entry.origins.includes('*')) return { ok: true };
  if (!origin) return { ok: false, reason: 'origin' };
  const o = origin.toLowerCase().replace(/\/$/, '');
  return entry.origins.some((allowed) => allowed.toLowerCase() === o) ? { ok: true } : { ok: false, reason: 'origin' };
}

/** True when some site key allows this origin (used for the widget script's CORS header). */
export function originAllowedAnywhere(keys: readonly WebchatSiteKey[], origin: string | undefined): boolean {
  if (!origin) return false;
  const o = origin.toLowerCase();
  return keys.some((k) => k.origins.includes('*') || k.origins.some((a) => a.toLowerCase() === o));
}
