import { defaultRetry, postWithRetry, SendOnce, type RetryOptions } from './http-retry.js';
import type { ChannelSender, OutboundMessage, SendResult } from './sender.js';

export interface EmailSenderOptions {
  /** HTTP email provider base URL (EMAIL_PROVIDER_URL), SendGrid v3 shape: {base}/v3/mail/send. */
  baseUrl: string;
  apiKey: string;
  /** From address (EMAIL_FROM). */
  from: string;
  /** Domain for generated Message-IDs; default the From domain. */
  messageIdDomain?: string;
  retry?: Partial<RetryOptions>;
}

/**
 * Email through an HTTP provider (SendGrid v3 mail/send shape, bearer key).
 * The reply carries Message-ID <outbound-id@domain> and, when `to.in_reply_to`
 * is given, In-Reply-To/References, so the customer's answer threads back
 * into the same conversation through the inbound webhook.
 */
export class EmailSender implements ChannelSender {
  readonly channel = 'email';
  private readonly once = new SendOnce<SendResult>();
  private readonly retry: RetryOptions;
  constructor(private readonly o: EmailSenderOptions) {
    this.retry = { ...defaultRetry, ...o.retry };
  }

  send(msg: OutboundMessage): Promise<SendResult> {
    return this.once.run(msg.id, async () => {
      const to = msg.to.email;
      if (!to) throw new Error(`email message ${msg.id} has no to.email`);
      const domain = this.o.messageIdDomain ?? this.o.from.split('@')[1] ?? 'omnilane.invalid';
      const messageId = `<${msg.id}@${domain}>`;
      const headers: Record<string, string> = { 'Message-ID': messageId };
      if (msg.to.in_reply_to) Object.assign(headers, { 'In-Reply-To': msg.to.in_reply_to, References: msg.to.references ?? msg.to.in_reply_to });
      // Follow-up e-mails carry their signed one-click unsubscribe link (RFC 2369 / RFC 8058).
      if (msg.to.list_unsubscribe)
        Object.assign(headers, { 'List-Unsubscribe': `<${msg.to.list_unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
      await postWithRetry(
        `${this.o.baseUrl.replace(/\/+$/, '')}/v3/mail/send`,
        {
          headers: { authorization: `Bearer ${this.o.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            personalizations: [{ to: [{ email: to }] }],
            from: { email: this.o.from },
            subject: msg.to.subject ?? 'Re: your message',
            content: [{ type: 'text/plain', value: msg.text }],
            headers,
            custom_args: { omnilane_id: msg.id, conversation_id: msg.conversation_id },
          }),
        },
        this.retry,
      );
      return { provider_id: messageId };
    });
  }
}
