import type { AppState, View } from '../app/store.js';
import { h } from '../dom.js';
import { translator } from '../i18n/index.js';
import type { LiveStatus } from '../live/live-client.js';
import { createActionsPane } from './actions-pane.js';
import { createChatPane } from './chat-pane.js';
import { createConsoleController } from './controller.js';
import { consoleRequest } from './api.js';
import { createCustomerPane } from './customer-pane.js';
import { createFollowupPane, type FollowupView } from './followup-pane.js';
import type { PaneContext } from './labels.js';
import { createListsPane } from './lists-pane.js';
import { createOpportunityPane } from './opportunity-pane.js';
import { createSearchPane } from './search-pane.js';
import type { ConsoleState } from './state.js';
import { createScriptsPane } from './scripts-pane.js';
import { createTeamPane } from './team-pane.js';
import { createToolbar } from './toolbar.js';

export interface ConsoleViewDeps {
  fetch: typeof fetch;
  getKey: () => string | null;
  onUnauthorized: () => void;
  onLiveStatus?: (status: LiveStatus) => void;
  now?: () => number;
}

/**
 * The agent console (`#/console`): toolbar (who, presence), queue and my conversations on the left, the chat with
 * suggested replies and transfer/close in the middle, the customer's profile, orders and timeline on the right,
 * and for managers the team's queues with their routing policy. Above them, a customer search (phone, e-mail, ids)
 * opens any customer the key may see in the same profile pane, without a conversation. Starts when first shown while signed in and stops
 * on sign-out; the lists keep following the live stream while another screen is open.
 */
export function createConsoleView(deps: ConsoleViewDeps): View {
  const now = deps.now ?? Date.now;
  let app: AppState | null = null;
  let running = false;
  let ticker: ReturnType<typeof setInterval> | undefined;

  const controller = createConsoleController({
    fetch: deps.fetch,
    getKey: deps.getKey,
    onUnauthorized: deps.onUnauthorized,
    onLiveStatus: deps.onLiveStatus,
    now,
    onChange: () => paint(),
  });
  const toolbar = createToolbar({ setPresence: (p) => void controller.setPresence(p) });
  const lists = createListsPane({ select: (id) => controller.select(id), accept: (id) => void controller.accept(id) });
  const chat = createChatPane({
    reply: (text) => controller.reply(text),
    used: (scriptId, edited) => void controller.suggestionUsed(scriptId, edited),
    correctIntent: (i) => controller.correctIntent(i),
    markWrong: (m) => controller.markWrong(m),
  });
  const actionsPane = createActionsPane({ transfer: (k, target, note) => controller.transfer(k, target, note), close: (o, v) => controller.close(o, v) });
  const opportunity = createOpportunityPane({ qualify: (v, p) => controller.qualify(v, p) });
  const followupUrl = (id: string) => `/v1/customers/${encodeURIComponent(id)}/followups`;
  const followup = createFollowupPane({
    load: (id) => consoleRequest<FollowupView>(deps.fetch, deps.getKey() ?? '', 'GET', followupUrl(id)),
    cancel: (id) => consoleRequest<{ stopped: boolean; state: string }>(deps.fetch, deps.getKey() ?? '', 'DELETE', followupUrl(id)),
  });
  const customer = createCustomerPane([followup.el]);
  const search = createSearchPane({ search: (kind, text) => void controller.search(kind, text), open: (id) => void controller.openCustomer(id) });
  const team = createTeamPane({ setPolicy: (g, p) => void controller.setPolicy(g, p) });
  const scriptsPane = createScriptsPane({ fetch: deps.fetch, getKey: deps.getKey });

  const el = h('main', { class: 'board console', 'data-testid': 'console-view', hidden: true }, [
    toolbar.el,
    search.el,
    h('div', { class: 'console-grid' }, [lists.el, h('div', { class: 'console-center' }, [chat.el, opportunity.el, actionsPane.el]), customer.el]),
    team.el,
    scriptsPane.el,
  ]);

  const ctx = (): PaneContext => ({ t: translator(app!.locale), locale: app!.locale, now: now() });
  function paint() {
    if (!app || el.hidden) return;
    const s: ConsoleState = controller.state;
    const c = ctx();
    el.dataset.ready = String(!!s.me);
    for (const pane of [toolbar, search, lists, chat, opportunity, actionsPane, customer, followup, team, scriptsPane]) pane.render(s, c);
  }

  return {
    el,
    render(next: AppState) {
      const prevLocale = app?.locale;
      app = next;
      const show = next.signedIn && next.route === 'console';
      const wasHidden = el.hidden;
      el.hidden = !show;
      if (next.signedIn && show && !running) {
        running = true;
        void controller.start();
        ticker = setInterval(() => !el.hidden && app && lists.tick(ctx()), 1000);
      } else if (!next.signedIn && running) {
        running = false;
        clearInterval(ticker);
        controller.stop();
      }
      if (show && (wasHidden || prevLocale !== next.locale)) paint();
    },
    destroy() {
      clearInterval(ticker);
      controller.stop();
    },
  };
}
