import type { FastifyInstance } from 'fastify';
import { appRoutes } from './app/app-routes.js';
import type { ChannelDeps } from './common.js';
import { emailRoutes } from './email/email-routes.js';
import { smsRoutes } from './sms/sms-routes.js';
import { voiceRoutes } from './voice/voice-routes.js';
import { wechatRoutes } from './wechat/wechat-routes.js';
import { whatsappRoutes } from './whatsapp/whatsapp-routes.js';

export { channelsConfigFrom, type ChannelDeps, type ChannelsConfig } from './common.js';
export { twilioSignature } from './twilio/twilio.js';
export { metaSignature } from './whatsapp/whatsapp-routes.js';
export { wechatSignature } from './wechat/wechat.js';
export { emailSignature } from './email/email-routes.js';

/**
 * Every channel webhook under /v1/channels/<provider>/…, each provider in its
 * own encapsulated context (its own body parser, rate limit and error
 * handler). Webhooks are public routes authenticated by the provider's
 * signature; a provider without its secret answers 503.
 */
export async function channelRoutes(app: FastifyInstance, deps: ChannelDeps): Promise<void> {
  const log = deps.log.child({ stage: 'channels' });
  const d: ChannelDeps = { ...deps, log };
  for (const plugin of [smsRoutes, voiceRoutes, whatsappRoutes, wechatRoutes, emailRoutes, appRoutes]) {
    await app.register(async (scope) => plugin(scope, d));
  }
}
