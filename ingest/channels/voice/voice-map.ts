import type { EventInput } from '../../../shared/envelope.js';
import { phoneCustomer } from '../sms/sms-map.js';
import { twilioTime } from '../twilio/twilio.js';

export type VoiceMapResult = { ok: true; events: EventInput[] } | { ok: false; reason: string };

const MISSED = new Set(['no-answer', 'busy', 'failed', 'canceled']);
const ANSWERED = new Set(['in-progress', 'answered']);

/**
 * A Twilio call status callback (CallSid, CallStatus, Direction, From, To,
 * CallDuration, Timestamp) as conversation events on channel voice; the
 * conversation is `voice:<CallSid>`:
 * - in-progress/answered → conversation.started
 * - completed → conversation.closed with duration_s
 * - no-answer/busy/failed/canceled → conversation.started and .closed with
 *   `missed: true` (a missed call is an inquiry nobody took)
 * - queued/initiated/ringing → no event (acknowledged; nothing happened yet)
 * The customer is the far end: From on inbound calls, To on outbound ones.
 */
export function mapCallStatus(f: Record<string, string>, now: number): VoiceMapResult {
  const sid = f.CallSid;
  const status = f.CallStatus;
  if (!sid || !status) return { ok: false, reason: 'CallSid and CallStatus are required' };
  const inbound = (f.Direction ?? 'inbound') === 'inbound';
  const far = inbound ? f.From : f.To;
  if (!far) return { ok: false, reason: `${inbound ? 'From' : 'To'} is missing` };
  const customer = phoneCustomer('voice', far);
  if (!customer) return { ok: false, reason: `${JSON.stringify(far)} is not a phone number` };
  const at = twilioTime(f.Timestamp, now);
  const base = { channel: 'voice', occurred_at: at, customer, conversation_id: `voice:${sid}` };
  const props = { provider: 'twilio', call_sid: sid, call_status: status, direction: f.Direction ?? 'inbound' };
  if (ANSWERED.has(status)) {
    return { ok: true, events: [{ ...base, id: `${sid}:answered`, type: 'conversation.started', properties: props }] };
  }
  if (status === 'completed') {
    const duration = Number(f.CallDuration ?? f.Duration ?? 0);
    const duration_s = Number.isFinite(duration) && duration >= 0 ? duration : 0;
    return { ok: true, events: [{ ...base, id: `${sid}:completed`, type: 'conversation.closed', properties: { ...props, duration_s, missed: false } }] };
  }
  if (MISSED.has(status)) {
    const missed = { ...props, missed: true, duration_s: 0 };
    return {
      ok: true,
      events: [
        { ...base, id: `${sid}:missed-start`, type: 'conversation.started', properties: missed },
        { ...base, occurred_at: at + 1, id: `${sid}:missed`, type: 'conversation.closed', properties: missed },
      ],
    };
  }
  if (['queued', 'initiated', 'ringing'].includes(status)) return { ok: true, events: [] };
  return { ok: false, reason: `CallStatus ${JSON.stringify(status)} is not a Twilio call status` };
}
