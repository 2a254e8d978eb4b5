import fc from 'fast-check';
import { manualClock } from '../../../shared/clock.js';
import type { EventEnvelope } from '../../../shared/envelope.js';
import { createLogger } from '../../../shared/logger.js';
import type { StateStore } from '../../../shared/ports/state-store.js';
import { seededRng } from '../../../shared/random.js';
import { parseFollowupConfig, type FollowupConfig } from '../followup-config.js';
import { FollowupScheduler, type FollowupMessage } from '../followup-scheduler.js';
import { FollowupStore } from '../followup-store.js';
import { consentKey, DUE_KEY, timerKey } from '../followup-scripts.js';
import type { Lead } from '../lead.js';

export const T0 = 1_764_000_000_000;
const quiet = createLogger('silent');

export const raceConfig: FollowupConfig = parseFollowupConfig({
  quiet_hours: null,
  frequency_cap: { max: 100, per_hours: 1 },
  links: {},
  rules: [{ id: 'r', when: { idle_minutes: 0 }, sequence: 's' }],
  sequences: [{ id: 's', steps: [0, 0, 0].map((w) => ({ wait_minutes: w, channels: ['sms'], template: 't' })) }],
  templates: { t: { zh: { text: '您好 {name}' }, en: { text: 'Hi {name}' } } },
});

export const leadOf = (n: number, lastAt = T0): Lead => ({
  customer: { phone: `+86138000${String(n).padStart(5, '0')}` },
  channel: 'sms',
  intent: 'other',
  tag: 'normal',
  stage: 'inquiry',
  lastAt,
  lang: 'zh',
  tz: null,
  name: `客户${n}`,
  converted: false,
});

/**
 * Two (or more) schedulers, each on its own connection to one store, race
 * over `customers` leads with a 3-step sequence; a seeded fault plan crashes
 * them between claim and send and between send and the timer's move.
 * Returns the sends per idempotency key and the published events.
 */
export async function raceSchedulers(stores: StateStore[], o: { customers: number; seed: number; crashRate: number; rounds?: number }) {
  const clock = manualClock(T0);
  const rng = seededRng(o.seed);
  const sends = new Map<string, number>();
  const published: EventEnvelope[] = [];
  const delivery = {
    channels: () => new Set(['sms']),
    send: async (m: FollowupMessage) => {
      await Promise.resolve();
      sends.set(m.id, (sends.get(m.id) ?? 0) + 1);
      return { provider_id: `SM-${m.id}` };
    },
  };
  const crash = (where: string) => () => {
    if (rng() < o.crashRate) throw new Error(`injected crash ${where}`);
  };
  const schedulers = stores.map(
    (state, i) =>
      new FollowupScheduler({
        store: new FollowupStore(state),
        config: () => raceConfig,
        delivery,
        clock,
        log: quiet,
        suppression: { isSuppressed: async () => false },
        publish: async (evs) => void published.push(...evs),
        defaultTimeZone: 'Asia/Shanghai',
        unsubscribeUrl: async () => null,
        leaseMs: 30_000,
        workerId: `w${i}`,
        faults: { afterClaim: crash('after claim'), afterSend: crash('after send') },
      }),
  );
  const store = new FollowupStore(stores[0]);
  for (let c = 0; c < o.customers; c++) await store.arm(`cus_${c}`, T0, leadOf(c));
  for (let r = 0; r < (o.rounds ?? 200); r++) {
    await Promise.all(schedulers.map((s) => s.tick()));
    if ((await store.liveCount()) === 0) break;
    // Crashed claims hold their timers until the lease ends.
    clock.advance(rng() < 0.5 ? 1_000 : 31_000);
  }
  const states = await Promise.all(Array.from({ length: o.customers }, (_, c) => store.read(`cus_${c}`)));
  return { sends, published, states };
}

/** Random sequences of every timer operation, to compare the Lua and local forms. */
export type TimerOp =
  | { k: 'arm'; c: number; due: number | null }
  | { k: 'claim'; c: number; t: number; w: number }
  | { k: 'advance'; c: number; w: number; st: 'pending' | 'active' | 'done' | 'idle'; step: number; due: number; start: boolean; hist: boolean }
  | { k: 'stop'; c: number; any: boolean }
  | { k: 'consent'; c: number; ch: number; out: boolean; at: number }
  | { k: 'erase'; c: number };

export const timerOpArb: fc.Arbitrary<TimerOp> = fc.oneof(
  fc.record({ k: fc.constant('arm' as const), c: fc.nat(2), due: fc.option(fc.nat(5), { nil: null }) }),
  fc.record({ k: fc.constant('claim' as const), c: fc.nat(2), t: fc.nat(6), w: fc.nat(1) }),
  fc.record({
    k: fc.constant('advance' as const),
    c: fc.nat(2),
    w: fc.nat(1),
    st: fc.constantFrom('pending' as const, 'active' as const, 'done' as const, 'idle' as const),
    step: fc.nat(3),
    due: fc.nat(6),
    start: fc.boolean(),
    hist: fc.boolean(),
  }),
  fc.record({ k: fc.constant('stop' as const), c: fc.nat(2), any: fc.boolean() }),
  fc.record({ k: fc.constant('consent' as const), c: fc.nat(2), ch: fc.nat(1), out: fc.boolean(), at: fc.nat(4) }),
  fc.record({ k: fc.constant('erase' as const), c: fc.nat(2) }),
);

/** Applies one op; tokens are per worker and op index so a stale worker's advance is refused. */
export async function runTimerOp(s: FollowupStore, op: TimerOp, i: number, tokens: Map<number, string>): Promise<unknown> {
  const id = `cus_${op.c}`;
  switch (op.k) {
    case 'arm':
      return s.arm(id, op.due === null ? null : T0 + op.due * 1000, leadOf(op.c, T0 + i));
    case 'claim': {
      const tok = `w${op.w}:${i}`;
      const r = await s.claim(id, T0 + op.t * 1000, 10_000, tok);
      if (r.status === 'claimed') tokens.set(op.w * 10 + op.c, tok);
      return r;
    }
    case 'advance':
      return s.advance({
        customerId: id,
        token: tokens.get(op.w * 10 + op.c) ?? 'none',
        state: op.st,
        step: op.step,
        due: T0 + op.due * 1000,
        ...(op.start ? { start: { seq: 's', rule: 'r', gen: i } } : {}),
        ...(op.hist ? { history: { field: `h:1:${op.step}`, value: `{"i":${i}}` } } : {}),
        ...(op.st === 'done' ? { why: { reason: 'completed', at: i } } : {}),
      });
    case 'stop':
      return s.stop(id, 'replied', T0 + i, op.any ? 'any' : 'active');
    case 'consent':
      return s.setConsent(id, ['sms', 'email'][op.ch], op.out ? 'opted_out' : 'opted_in', T0 + op.at, 'test');
    case 'erase':
      return s.erase(id);
  }
}

export async function timerSnapshot(state: StateStore): Promise<unknown> {
  const out: Record<string, unknown> = { due: await state.hgetall(DUE_KEY) };
  for (let c = 0; c <= 2; c++) out[`cus_${c}`] = [await state.hgetall(timerKey(`cus_${c}`)), await state.hgetall(consentKey(`cus_${c}`))];
  return out;
}
