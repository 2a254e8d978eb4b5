import { defaultRetry, postWithRetry, SendOnce, type RetryOptions } from './http-retry.js';
import type { ChannelSender, OutboundMessage, SendResult } from './sender.js';

export interface WhatsappSenderOptions {
  /** Graph API base with version, e.g. https://graph.facebook.com/v21.0 (WHATSAPP_API_URL). */
  baseUrl: string;
  phoneNumberId: string;
  accessToken: string;
  retry?: Partial<RetryOptions>;
}

/**
 * WhatsApp Cloud API text messages: POST {base}/{phone-number-id}/messages
 * with a bearer token. The API has no idempotency key, so repeats of one
 * outbound id are answered from memory; the id also rides in
 * biz_opaque_callback_data, which comes back on status webhooks.
 */
export class WhatsappSender implements ChannelSender {
  readonly channel = 'whatsapp';
  private readonly once = new SendOnce<SendResult>();
  private readonly retry: RetryOptions;
  constructor(private readonly o: WhatsappSenderOptions) {
    this.retry = { ...defaultRetry, ...o.retry };
  }

  send(msg: OutboundMessage): Promise<SendResult> {
    return this.once.run(msg.id, async () => {
      const to = msg.to.whatsapp_id ?? msg.to.phone?.replace(/^\+/, '');
      if (!to) throw new Error(`whatsapp message ${msg.id} has no to.whatsapp_id or to.phone`);
      const res = await postWithRetry(
        `${this.o.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.o.phoneNumberId)}/messages`,
        {
          headers: { authorization: `Bearer ${this.o.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            messaging_product: 'whatsapp',
            recipient_type: 'individual',
            to,
            type: 'text',
            text: { preview_url: false, body: msg.text },
            biz_opaque_callback_data: msg.id,
          }),
        },
        this.retry,
      );
      const id = (JSON.parse(res.body) as { messages?: Array<{ id?: string }> }).messages?.[0]?.id;
      if (!id) throw new Error('provider reply has no messages[0].id');
      return { provider_id: id };
    });
  }
}
