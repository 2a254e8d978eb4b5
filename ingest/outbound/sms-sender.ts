import { defaultRetry, postWithRetry, SendOnce, type RetryOptions } from './http-retry.js';
import type { ChannelSender, OutboundMessage, SendResult } from './sender.js';

export interface SmsSenderOptions {
  /** Provider base URL, e.g. https://api.twilio.com (SMS_PROVIDER_URL). */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Sender number or messaging service (SMS_FROM). */
  from: string;
  /** Where the provider posts delivery statuses (…/v1/channels/sms/twilio/status). */
  statusCallback?: string;
  retry?: Partial<RetryOptions>;
}

/**
 * SMS through the Twilio Messages API shape: POST
 * {base}/2010-04-01/Accounts/{sid}/Messages.json, form To/From/Body, basic
 * auth; the outbound id is sent as the idempotency token and remembered.
 */
export class SmsSender implements ChannelSender {
  readonly channel = 'sms';
  private readonly once = new SendOnce<SendResult>();
  private readonly retry: RetryOptions;
  constructor(private readonly o: SmsSenderOptions) {
    this.retry = { ...defaultRetry, ...o.retry };
  }

  send(msg: OutboundMessage): Promise<SendResult> {
    return this.once.run(msg.id, async () => {
      const to = msg.to.phone;
      if (!to) throw new Error(`sms message ${msg.id} has no to.phone`);
      const form = new URLSearchParams({ To: to, From: this.o.from, Body: msg.text });
      if (this.o.statusCallback) form.set('StatusCallback', this.o.statusCallback);
      const url = `${this.o.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.o.accountSid)}/Messages.json`;
      const res = await postWithRetry(
        url,
        {
          headers: {
            authorization: `Basic ${Buffer.from(`${this.o.accountSid}:${this.o.authToken}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
            'i-twilio-idempotency-token': msg.id,
          },
          body: form.toString(),
        },
        this.retry,
      );
      const sid = (JSON.parse(res.body) as { sid?: string }).sid;
      if (!sid) throw new Error('provider reply has no sid');
      return { provider_id: sid };
    });
  }
}
