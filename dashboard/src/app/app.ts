import { fetchBoard } from '../api/client.js';
import type { BoardSnapshot } from '../api/types.js';
import {
  extractKeyFromHash,
  fetchSession,
  safeGet,
  safeSet,
  signInWithPassword,
  signOutSession,
  type KeyValueStorage,
  type SessionInfo,
} from '../auth/session.js';
import { createAttributionView } from '../attribution/index.js';
import { createAuditView } from '../audit/audit-view.js';
import { createBoardView } from '../board/index.js';
import { createConsoleView } from '../console/index.js';
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

/** Where older versions kept the API key; cleared at start so no secret stays in the browser's storage. */
const OLD_KEY_STORAGE = 'omnilane.key';

/**
 * The shell: asks the server who is signed in (HttpOnly session cookie), shows the sign-in form (username and
 * password) when nobody is or the server ends the session (401), loads a snapshot and follows the live stream.
 * The session's CSRF token lives in memory only and goes out in X-CSRF-Token; an agent gets the console only.
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
    role: null,
  });

  // An old printed link may carry a key in the fragment: take it out of the address bar and history, unused.
  const { rest } = extractKeyFromHash(env.location.hash);
  safeSet(env.storage, OLD_KEY_STORAGE, null);
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
  /** The signed-in session's CSRF token (memory only); null when signed out. */
  let token: string | null = null;
  const getToken = () => token;

  const accept = (board: BoardSnapshot) => {
    if (isNewer(store.get().board, board)) store.set({ board });
  };

  const signOut = (rejected: boolean) => {
    session++;
    live?.stop();
    live = null;
    token = null;
    store.set({ signedIn: false, board: null, status: 'offline', access: 'full', role: null });
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
    signOut: () => {
      if (token) void signOutSession(env.fetch, token);
      signOut(false);
    },
  });

  /** Shows what the signed-in person may see: agents the console, everyone else the board (and its stream). */
  const enter = (s: SessionInfo) => {
    token = s.csrf;
    if (s.role === 'agent') {
      store.set({ signedIn: true, access: 'console', route: 'console', board: null, status: consoleStatus, role: s.role });
      return;
    }
    store.set({ signedIn: true, access: 'full', status: 'connecting', role: s.role });
    const mine = session;
    const csrf = s.csrf;
    void fetchBoard(env.fetch, csrf, minutes).then((result) => {
      if (mine !== session) return;
      if (result.kind === 'unauthorized') return signOut(true);
      if (result.kind === 'ok') accept(result.board);
      follow(csrf);
    });
  };

  const signIn = createSignIn({
    async submit(username, password) {
      const result = await signInWithPassword(env.fetch, username, password);
      if (result.kind === 'unauthorized') return { key: 'signin.rejected' };
      if (result.kind === 'error') return { key: 'signin.unreachable', params: { message: result.message } };
      enter(result.session);
      return null;
    },
  });

  const board = createBoardView({
    fetch: env.fetch,
    getKey: getToken,
    onUnauthorized: () => signOut(true),
  });
  const attribution = createAttributionView({
    fetch: env.fetch,
    getKey: getToken,
    onUnauthorized: () => signOut(true),
  });
  // A console-only key shows the console's stream state in the header (it follows no board stream).
  let consoleStatus: LiveStatus = 'connecting';
  const agentConsole = createConsoleView({
    fetch: env.fetch,
    getKey: getToken,
    onUnauthorized: () => signOut(true),
    onLiveStatus: (status) => {
      consoleStatus = status;
      if (store.get().access === 'console') store.set({ status });
    },
  });
  const experiments = createExperimentsView({ fetch: env.fetch, getKey: getToken, onUnauthorized: () => signOut(true) });
  const audit = createAuditView({ fetch: env.fetch, getKey: getToken, onUnauthorized: () => signOut(true) });
  const views: View[] = [header, signIn, board, attribution, experiments, agentConsole, audit];
  env.root.replaceChildren(
    h(
      'div',
      { class: 'app' },
      views.map((v) => v.el),
    ),
  );

  const paint = (state: AppState, prev?: AppState) => {
    if (!prev || prev.locale !== state.locale) {
      env.document.documentElement.lang = state.locale;
      env.document.title = translate(state.locale, 'app.documentTitle');
    }
    for (const v of views) v.render(state);
  };
  store.subscribe(paint);
  paint(store.get());

  // A session cookie from an earlier visit: ask the server who it belongs to (the cookie itself is HttpOnly).
  const first = session;
  void fetchSession(env.fetch).then((result) => {
    if (first === session && result.kind === 'ok') enter(result.session);
  });

  return {
    stop() {
      session++;
      live?.stop();
      for (const v of views) v.destroy?.();
    },
  };
}
