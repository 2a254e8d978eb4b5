/**
 * Omnilane web chat widget. Embed on any page whose origin the site key allows:
 *   <script src="https://omnilane.example/widget.js" data-site-key="pk_…" async></script>
 * Optional: data-base-url (the Omnilane origin when widget.js is served from a CDN),
 * data-lang (zh-CN | en; default follows the browser).
 */
import { ChatClient } from './chat-client.js';
import { pickMessages } from './i18n.js';
import { ChatPanel } from './panel.js';

function boot(script: HTMLScriptElement): void {
  const siteKey = script.dataset.siteKey;
  if (!siteKey) {
    console.warn('[omnilane] widget.js needs data-site-key');
    return;
  }
  const baseUrl = script.dataset.baseUrl ?? new URL(script.src, location.href).origin;
  const { lang, t } = pickMessages(script.dataset.lang ? [script.dataset.lang] : navigator.languages?.length ? navigator.languages : [navigator.language]);
  let storage: Storage;
  try {
    storage = window.localStorage;
  } catch {
    storage = window.sessionStorage;
  }
  let panel: ChatPanel | null = null;
  const client = new ChatClient({
    baseUrl,
    siteKey,
    storage,
    onChange: (s, status) => {
      panel?.render(s, status);
      if (panel?.isOpen && document.visibilityState === 'visible') client.markRead();
    },
    onAgentTyping: () => panel?.agentTyping(),
  });
  panel = new ChatPanel(t, lang, { send: (text) => client.send(text), typing: () => client.typing(), opened: () => client.markRead() });
  panel.render(client.state, client.status);
  client.start();
  (window as unknown as { OmnilaneChat?: unknown }).OmnilaneChat = { client };
}

const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-site-key]');
if (script && !(window as unknown as { OmnilaneChat?: unknown }).OmnilaneChat) {
  if (document.body) boot(script);
  else document.addEventListener('DOMContentLoaded', () => boot(script), { once: true });
}
