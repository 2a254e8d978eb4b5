/** The page the e-mail unsubscribe link shows (no script, no outside resources). */
export function unsubscribePage(lang: 'zh' | 'en'): string {
  const t =
    lang === 'zh'
      ? { title: '已退订', body: '您将不再收到我们的跟进邮件。如需恢复，请直接回复我们的任意消息。' }
      : { title: 'Unsubscribed', body: 'You will not receive follow-up e-mails from us any more. To start again, reply to any of our messages.' };
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${t.title}</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>${t.title}</h1><p>${t.body}</p></body></html>`;
}
