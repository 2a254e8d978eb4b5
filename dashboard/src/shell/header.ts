import type { AppState, View } from '../app/store.js';
import { h, setAttr, setText } from '../dom.js';
import { formatClock } from '../format/number.js';
import { localeNames, LOCALES, translator, type Locale } from '../i18n/index.js';

export interface HeaderActions {
  setLocale(locale: Locale): void;
  signOut(): void;
}

/**
 * Dark top bar: brand, last update time, connection state (`live-status`), language switch (`lang-switch`)
 * and sign out.
 */
export function createHeader(actions: HeaderActions): View {
  const subtitle = h('span', { class: 'brand-sub' });
  const updated = h('span', { class: 'updated', 'data-testid': 'last-update' });
  const statusText = h('span', { class: 'status-text' });
  const status = h('span', { class: 'status', 'data-testid': 'live-status', role: 'status', 'aria-live': 'polite' }, [
    h('i', { class: 'status-dot', 'aria-hidden': 'true' }),
    statusText,
  ]);

  // One button holding both names with the current one highlighted. Clicking the other name picks it;
  // clicking anywhere else on the button (or pressing it from the keyboard) toggles.
  const langOptions = LOCALES.map((l) => h('span', { class: 'lang-opt', 'data-lang': l, lang: l }, [localeNames[l]]));
  const langSwitch = h('button', { class: 'lang-switch', type: 'button', 'data-testid': 'lang-switch' }, [
    langOptions[0],
    h('span', { class: 'lang-sep', 'aria-hidden': 'true' }, ['/']),
    langOptions[1],
  ]);
  let current: Locale = LOCALES[0];
  langSwitch.addEventListener('click', (e) => {
    const picked = (e.target as Element).closest?.('.lang-opt')?.getAttribute('data-lang') as Locale | null | undefined;
    if (picked && picked === current) return;
    actions.setLocale(picked ?? LOCALES[(LOCALES.indexOf(current) + 1) % LOCALES.length]);
  });

  // Plain links: the app follows the fragment (`hashchange`), so back/forward and bookmarks work.
  const navBoard = h('a', { class: 'nav-link', href: '#/board', 'data-testid': 'nav-board' });
  const navAttribution = h('a', { class: 'nav-link', href: '#/attribution', 'data-testid': 'nav-attribution' });
  const navExperiments = h('a', { class: 'nav-link', href: '#/experiments', 'data-testid': 'nav-experiments' });
  const navConsole = h('a', { class: 'nav-link', href: '#/console', 'data-testid': 'nav-console' });
  const navAudit = h('a', { class: 'nav-link', href: '#/audit', 'data-testid': 'nav-audit' });
  const nav = h('nav', { class: 'nav' }, [navBoard, navAttribution, navExperiments, navConsole, navAudit]);

  const signOut = h('button', { class: 'signout', type: 'button', 'data-testid': 'sign-out' });
  signOut.addEventListener('click', () => actions.signOut());

  const el = h('header', { class: 'topbar' }, [
    h('div', { class: 'brand' }, [h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-name' }, ['Omnilane']), subtitle]),
    nav,
    h('div', { class: 'topbar-right' }, [updated, status, langSwitch, signOut]),
  ]);

  return {
    el,
    render(state: AppState) {
      const t = translator(state.locale);
      current = state.locale;
      setText(
        subtitle,
        state.route === 'attribution'
          ? t('attr.title')
          : state.route === 'experiments'
            ? t('exp.title')
            : state.route === 'console'
              ? t('console.title')
              : state.route === 'audit'
                ? t('audit.title')
                : t('app.subtitle'),
      );
      setText(
        updated,
        state.board
          ? t('header.updated', { time: formatClock(state.board.generated_at, state.locale, state.board.time_zone) })
          : state.signedIn && state.route !== 'console'
            ? t('header.waiting')
            : '',
      );
      setAttr(updated, 'title', state.board?.generated_at ?? null);
      setAttr(updated, 'data-generated-at', state.board?.generated_at ?? null);
      status.dataset.state = state.status;
      setText(statusText, t(`status.${state.status}`));
      setAttr(status, 'title', state.status === 'live' ? t('status.title.live') : state.status === 'reconnecting' ? t('status.title.reconnecting') : null);
      langSwitch.dataset.locale = state.locale;
      setAttr(langSwitch, 'aria-label', `${t('lang.label')}: ${localeNames[state.locale]}`);
      for (const opt of langOptions) opt.classList.toggle('is-active', opt.dataset.lang === state.locale);
      setText(navBoard, t('nav.board'));
      setText(navAttribution, t('nav.attribution'));
      setText(navExperiments, t('nav.experiments'));
      setText(navConsole, t('console.nav'));
      setText(navAudit, t('nav.audit'));
      // an agent's key opens only the console: no links to screens it may not read
      navBoard.hidden = navAttribution.hidden = navExperiments.hidden = state.access === 'console';
      // the audit log is for admins only (permission audit:read)
      navAudit.hidden = state.role !== 'admin';
      setAttr(nav, 'aria-label', t('nav.label'));
      nav.hidden = !state.signedIn;
      for (const [link, route] of [
        [navBoard, 'board'],
        [navAttribution, 'attribution'],
        [navExperiments, 'experiments'],
        [navConsole, 'console'],
        [navAudit, 'audit'],
      ] as const) {
        link.classList.toggle('is-active', state.route === route);
        setAttr(link, 'aria-current', state.route === route ? 'page' : null);
      }
      setText(signOut, t('header.signOut'));
      signOut.hidden = !state.signedIn;
    },
  };
}
