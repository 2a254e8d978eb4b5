import type { Logger } from '../../shared/logger.js';

/** What ALERT_WEBHOOK_URL receives on each transition of a rule. */
export interface AlertTransition {
  rule_id: string;
  state: 'firing' | 'resolved';
  value: number | null;
  threshold: number;
  /** ISO-8601 time of the evaluation that saw the transition. */
  at: string;
}

export interface WebhookOptions {
  url: string;
  /** Attempts in all (first try included); default 4. */
  attempts?: number;
  /** Wait before the second attempt, doubled after each failure; default 500 ms. */
  backoffMs?: number;
  timeoutMs?: number;
  log?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Posts alert transitions as JSON. A 2xx answer delivers; a network error, a timeout, a 5xx or a 429 is tried
 * again with exponential backoff; any other 4xx is the receiver refusing the payload and is not retried.
 * Resolves to whether the transition was delivered; never throws (alerting must not stop on a bad receiver).
 */
export class AlertWebhook {
  constructor(private readonly opts: WebhookOptions) {}

  async send(t: AlertTransition): Promise<boolean> {
    const attempts = this.opts.attempts ?? 4;
    const sleep = this.opts.sleep ?? defaultSleep;
    let wait = this.opts.backoffMs ?? 500;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let retry = true;
      try {
        const res = await fetch(this.opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(t),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
        retry = res.status >= 500 || res.status === 429;
        this.opts.log?.warn({ rule_id: t.rule_id, state: t.state, status: res.status, attempt }, 'alert webhook refused');
      } catch (err) {
        this.opts.log?.warn({ err, rule_id: t.rule_id, state: t.state, attempt }, 'alert webhook failed');
      }
      if (!retry || attempt === attempts) break;
      await sleep(wait);
      wait *= 2;
    }
    this.opts.log?.error({ rule_id: t.rule_id, state: t.state }, 'alert webhook gave up');
    return false;
  }
}
