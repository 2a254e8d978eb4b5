/**
 * Outbound port: an agent's reply leaves through the customer's channel. One
 * sender per channel (SMS gateway, WhatsApp Cloud API, email provider, web
 * chat socket, …), looked up in a registry by channel name.
 */
export interface OutboundMessage {
  /** Producer-unique id of the outgoing message; senders pass it as the provider's idempotency key where one exists. */
  id: string;
  conversation_id: string;
  channel: string;
  /** Channel address of the customer: e.g. { phone: '+86…' }, { email }, { wechat_openid }, { whatsapp_id }, { webchat_visitor }. */
  to: Record<string, string>;
  text: string;
  agent_id: string | null;
}

export interface SendResult {
  /** The provider's id for the message (or the socket delivery id). */
  provider_id: string;
}

export interface ChannelSender {
  readonly channel: string;
  /** Sends once; retries transient failures itself; throws when it finally gives up. */
  send(msg: OutboundMessage): Promise<SendResult>;
}

/** Senders by channel name. */
export class SenderRegistry {
  private readonly senders = new Map<string, ChannelSender>();
  register(sender: ChannelSender): this {
    this.senders.set(sender.channel, sender);
    return this;
  }
  get(channel: string): ChannelSender | undefined {
    return this.senders.get(channel);
  }
  channels(): string[] {
    return [...this.senders.keys()].sort();
  }
}
