import type { AppState, View } from '../app/store.js';
import { h, setText } from '../dom.js';
import { translator, type MessageKey } from '../i18n/index.js';

export interface SignInActions {
  /** Tries a username and password; resolves to an error message key (and params) to show, or null on success. */
  submit(username: string, password: string): Promise<{ key: MessageKey; params?: Record<string, string> } | null>;
}

/** The sign-in form (username and password); shown while nobody is signed in or after the server ended the session. */
export function createSignIn(actions: SignInActions): View & { showError(key: MessageKey | null, params?: Record<string, string>): void } {
  const title = h('h1', { class: 'signin-title' });
  const prompt = h('p', { class: 'signin-prompt' });
  const userText = h('span');
  const username = h('input', {
    type: 'text',
    name: 'username',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    'data-testid': 'signin-username',
  });
  const labelText = h('span');
  const input = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'signin-password',
  });
  const submit = h('button', { type: 'submit', class: 'btn-primary', 'data-testid': 'signin-submit' });
  const error = h('p', { class: 'signin-error', role: 'alert', 'data-testid': 'signin-error', hidden: true });
  const form = h('form', { class: 'signin-card', 'data-testid': 'signin-form' }, [
    title,
    prompt,
    h('label', { class: 'signin-label' }, [userText, username]),
    h('label', { class: 'signin-label' }, [labelText, input]),
    error,
    submit,
  ]);
  const el = h('div', { class: 'signin', hidden: true }, [form]);

  let locale: AppState['locale'] = 'en';
  let errorKey: MessageKey | null = null;
  let errorParams: Record<string, string> | undefined;
  const paintError = () => {
    error.hidden = errorKey === null;
    setText(error, errorKey ? translator(locale)(errorKey, errorParams) : '');
  };
  const showError = (key: MessageKey | null, params?: Record<string, string>) => {
    errorKey = key;
    errorParams = params;
    paintError();
  };

  // A listener's returned promise is ignored, so the handler runs detached; actions.submit reports a failure in its result.
  form.addEventListener(
    'submit',
    (e) =>
      void (async () => {
        e.preventDefault();
        const name = username.value.trim();
        const password = input.value;
        if (!name || !password) return;
        submit.disabled = true;
        try {
          const result = await actions.submit(name, password);
          showError(result?.key ?? null, result?.params);
          if (!result) input.value = '';
        } finally {
          submit.disabled = false;
        }
      })(),
  );

  let wasHidden = true;
  return {
    el,
    showError,
    render(state: AppState) {
      locale = state.locale;
      const t = translator(state.locale);
      el.hidden = state.signedIn;
      setText(title, t('signin.title'));
      setText(prompt, t('signin.prompt'));
      setText(userText, t('signin.username'));
      setText(labelText, t('signin.label'));
      setText(submit, t('signin.submit'));
      paintError();
      if (wasHidden && !el.hidden) queueMicrotask(() => (username.value ? input : username).focus());
      wasHidden = el.hidden;
    },
  };
}
