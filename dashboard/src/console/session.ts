import { consoleRequest } from './api.js';
import type { Me } from './types.js';

/**
 * Whether a key the board refused (agents do not pass the `viewer` check) opens the agent console instead.
 * The app signs such a key in straight to `#/console`.
 */
export async function opensConsole(f: typeof fetch, key: string): Promise<boolean> {
  const r = await consoleRequest<Me>(f, key, 'GET', '/v1/console/me');
  return r.ok;
}
