import { OmnilaneError } from '../../shared/errors.js';
import type { WebchatService } from '../channels/webchat/webchat-service.js';
import type { ChannelSender, OutboundMessage, SendResult } from './sender.js';

/**
 * Sends agent replies to web chat visitors: appends the message to the
 * conversation's log (a new seq, idempotent by the outbound id) and pushes it
 * to the sockets connected now. A visitor who is offline gets it from the
 * replay when they reconnect, so "sent" means stored, not seen.
 */
export class WebchatSender implements ChannelSender {
  readonly channel = 'web';
  constructor(private readonly svc: WebchatService) {}

  async send(msg: OutboundMessage): Promise<SendResult> {
    const stored = await this.svc.agentMessage(msg.conversation_id, msg.id, msg.text, msg.agent_id);
    if (!stored) throw new OmnilaneError('API_ERR_NOT_FOUND', `web chat conversation ${msg.conversation_id} does not exist or expired`);
    return { provider_id: `${msg.conversation_id}#${stored.seq}` };
  }
}
