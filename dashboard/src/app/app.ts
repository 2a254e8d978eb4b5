import { fetchBoard } from '../api/client.js';
import type { BoardSnapshot } from '../api/types.js';
import { extractKeyFromHash, KEY_STORAGE, safeGet, safeSet, type KeyValueStorage } from '../auth/key.js';
import { createAttributionView } from '../attribution/index.js';
import { createBoardView } from '../board/index.js';
import { createConsoleView } from '../console/index.js';
import { opensConsole } from '../console/session.js';
import { h } from '../dom.js';
import { detectLocale, LOCALE_STORAGE, translate, type Locale } from '../i18n/index.js';
import { startLive, type LiveClient, type LiveStatus } from '../live/live-client.js';
import { createHeader } from '../shell/header.js';
import { createSignIn } from '../shell/sign-in.js';
import { createStore, type AppState, type View } from './store.js';
import { experimentIdFromHash, isNewer, minutesFromSearch, routeFromHash } from './url.js';
import { createExperimentsView } from '../experiments/index.js';

/** What the app takes from the browser; tests or other hosts can pass their own. */
export interface AppEnv {
  root: HTMLElement;
  document: Document;
  storage: KeyValueStorage;
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState'>;
  fetch: typeof fetch;
  /** Subscribes to URL fragment changes (`hashchange`); without it the route is read once. */
  onHashChange?: (listener: () => void) => void;
  languages?: readonly string[];
  language?: string;
}

/**
 * The shell: reads the key (URL fragment, then localStorage), loads a snapshot, follows the live stream,
 * and asks for a key when there is none or the server rejects it (401).
 */
export function startApp(env: AppEnv): { stop(): void } {
  const minutes = minutesFromSearch(env.location.search);
  const store = createStore<AppState>({
    locale: detectLocale(safeGet(env.storage, LOCALE_STORAGE), env.languages, env.language),
    route: 'board',
    board: null,
    status: 'offline',
    signedIn: false,
    access: 'full',
  });

  // The key arrives as /#key=… once; keep it and take it out of the address bar and history.
  const { key: hashKey, rest } = extractKeyFromHash(env.location.hash);
  if (hashKey) safeSet(env.storage, KEY_STORAGE, hashKey);
  if (env.location.hash && rest !== env.location.hash) {
    env.history.replaceState(null, '', `${env.location.pathname}${env.location.search}${rest}`);
  }
  store.set({ route: routeFromHash(rest), experimentId: experimentIdFromHash(rest) });
  env.onHashChange?.(() => {
    // A console-only key (an agent) has no other screen to go to.
    const route = store.get().access === 'console' ? 'console' : routeFromHash(env.location.hash);
    const experimentId = experimentIdFromHash(env.location.hash);
    if (route !== store.get().route || experimentId !== store.get().experimentId) store.set({ route, experimentId });
  });

  let live: LiveClient | null = null;
  let session = 0;

  const accept = (board: BoardSnapshot) => {
    if (isNewer(store.get().board, board)) store.set({ board });
  };

  const signOut = (rejected: boolean) => {
    session++;
    live?.stop();
    live = null;
    safeSet(env.storage, KEY_STORAGE, null);
    store.set({ signedIn: false, board: null, status: 'offline', access: 'full' });
    signIn.showError(rejected ? 'signin.rejected' : null);
  };

  const follow = (key: string) => {
    live?.stop();
    const mine = ++session;
    live = startLive({
      key,
      minutes,
      fetch: env.fetch,
      onBoard: (b) => mine === session && accept(b),
      onStatus: (status) => mine === session && store.set({ status }),
      onUnauthorized: () => mine === session && signOut(true),
    });
  };

  const header = createHeader({
    setLocale(locale: Locale) {
      safeSet(env.storage, LOCALE_STORAGE, locale);
      store.set({ locale });
    },
    signOut: () => signOut(false),
  });

  const signIn = createSignIn({
    async submit(key) {
      const result = await fetchBoard(env.fetch, key, minutes);
      if (result.kind === 'unauthorized') return { key: 'signin.rejected' };
      if (result.kind === 'error' && (await opensConsole(env.fetch, key))) {
        safeSet(env.storage, KEY_STORAGE, key);
        store.set({ signedIn: true, access: 'console', route: 'console', board: null, status: consoleStatus });
        return null;
      }
      if (result.kind === 'error') return { key: 'signin.unreachable', params: { message: result.message } };
      safeSet(env.storage, KEY_STORAGE, key);
      store.set({ signedIn: true, board: null });
      accept(result.board);
      follow(key);
      return null;
    },
  });

  const board = createBoardView({
    fetch: env.fetch,
    getKey: () => safeGet(env.storage, KEY_STORAGE),
    onUnauthorized: () => signOut(true),
  });
  const attribution = createAttributionView({
    fetch: env.fetch,
    getKey: () => safeGet(env.storage, KEY_STORAGE),
    onUnauthorized: () => signOut(true),
  });
  // A console-only key shows the console's stream state in the header (it follows no board stream).
  let consoleStatus: LiveStatus = 'connecting';
  const agentConsole = createConsoleView({
    fetch: env.fetch,
    getKey: () => safeGet(env.storage, KEY_STORAGE),
    onUnauthorized: () => signOut(true),
    onLiveStatus: (status) => {
      consoleStatus = status;
      if (store.get().access === 'console') store.set({ status });
    },
  });
  const experiments = createExperimentsView({
    fetch: env.fetch,
    getKey: () => safeGet(env.storage, KEY_STORAGE),
    onUnauthorized: () => signOut(true),
  });
  const views: View[] = [header, signIn, board, attribution, experiments, agentConsole];
  env.root.replaceChildren(h('div', { class: 'app' }, views.map((v) => v.el)));

  const paint = (state: AppState, prev?: AppState) => {
    if (!prev || prev.locale !== state.locale) {
      env.document.documentElement.lang = state.locale;
      env.document.title = translate(state.locale, 'app.documentTitle');
    }
    for (const v of views) v.render(state);
  };
  store.subscribe(paint);
  paint(store.get());

  const key = safeGet(env.storage, KEY_STORAGE);
  if (key) {
    // Optimistically show the board; the snapshot request confirms the key (401 → sign-in form).
    store.set({ signedIn: true, status: 'connecting' });
    const mine = session;
    void fetchBoard(env.fetch, key, minutes).then((result) => {
      if (mine !== session) return;
      if (result.kind === 'unauthorized') return signOut(true);
      if (result.kind === 'ok') {
        accept(result.board);
        return follow(key);
      }
      // The board refused a key that is not unknown: an agent's key opens the console only.
      void opensConsole(env.fetch, key).then((agent) => {
        if (mine !== session) return;
        if (agent) store.set({ access: 'console', route: 'console', status: consoleStatus });
        else follow(key);
      });
    });
  }

  return {
    stop() {
      session++;
      live?.stop();
      for (const v of views) v.destroy?.();
    },
  };
}
