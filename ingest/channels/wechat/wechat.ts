import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { EventInput } from '../../../shared/envelope.js';
import { fitId, secondsToMs } from '../common.js';

/** WeChat's signature: sha1 hex of token, timestamp and nonce sorted and joined. */
export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

// Tag values stay strings: MsgId is a 64-bit number that a JS number would round.
const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, processEntities: true, htmlEntities: false });

export type WechatMessage = Record<string, string>;

/** Parses a plaintext-mode message body (`<xml>…</xml>`); null when it is not one. */
export function parseWechatXml(xml: string): WechatMessage | null {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch {
    return null;
  }
  const root = (doc as { xml?: unknown } | null)?.xml;
  if (typeof root !== 'object' || root === null) return null;
  const out: WechatMessage = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  return out;
}

export type WechatMapResult = { ok: true; events: EventInput[] } | { ok: false; reason: string };

/**
 * A message or event pushed to an Official Account as events on channel
 * wechat (customer: the follower's openid):
 * - text → message.received (text intact); image/voice/video/location/link →
 *   message.received with a `[type]` placeholder and the media id
 * - event subscribe/unsubscribe → touchpoint with step wechat_subscribe/…
 * - event CLICK (menu) → message.received with menu_key; VIEW → touchpoint
 * MsgId is the event id (WeChat retries three times); events use
 * openid+CreateTime+Event.
 */
export function mapWechat(m: WechatMessage, now: number): WechatMapResult {
  const openid = m.FromUserName;
  const type = m.MsgType;
  if (!openid || !type || !m.ToUserName) return { ok: false, reason: 'ToUserName, FromUserName and MsgType are required' };
  const base = { channel: 'wechat', occurred_at: secondsToMs(m.CreateTime, now), customer: { channel_ids: { wechat: openid } } };
  const props = { provider: 'wechat_oa', account: m.ToUserName, msg_type: type };
  if (type === 'event') {
    const ev = m.Event ?? '';
    const id = fitId(`${openid}:${m.CreateTime ?? now}:${ev}:${m.EventKey ?? ''}`);
    if (ev === 'CLICK')
      return {
        ok: true,
        events: [
          { ...base, id, type: 'message.received', properties: { ...props, event: ev, menu_key: m.EventKey ?? null, text: `[menu] ${m.EventKey ?? ''}` } },
        ],
      };
    const step = { subscribe: 'wechat_subscribe', unsubscribe: 'wechat_unsubscribe', VIEW: 'wechat_menu_view', SCAN: 'wechat_scan' }[ev];
    if (!step) return { ok: true, events: [] };
    return {
      ok: true,
      events: [{ ...base, id, type: 'touchpoint', properties: { ...props, event: ev, step, ...(m.EventKey ? { event_key: m.EventKey } : {}) } }],
    };
  }
  if (!m.MsgId) return { ok: false, reason: 'MsgId is missing' };
  const detail: Record<string, unknown> =
    type === 'text' ? { text: m.Content ?? '' } : { text: `[${type}]`, media: { type, media_id: m.MediaId ?? null, url: m.PicUrl ?? m.Url ?? null } };
  return { ok: true, events: [{ ...base, id: m.MsgId, type: 'message.received', properties: { ...props, direction: 'inbound', ...detail } }] };
}

const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** A passive text reply: swaps the sender and receiver of `m`. */
export function wechatTextReply(m: WechatMessage, text: string, nowMs: number): string {
  return (
    `<xml><ToUserName>${cdata(m.FromUserName ?? '')}</ToUserName><FromUserName>${cdata(m.ToUserName ?? '')}</FromUserName>` +
    `<CreateTime>${Math.floor(nowMs / 1000)}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(text)}</Content></xml>`
  );
}
