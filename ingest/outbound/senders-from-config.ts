import type { ChannelsConfig } from '../../shared/config.js';
import { EmailSender } from './email-sender.js';
import { SenderRegistry } from './sender.js';
import { SmsSender } from './sms-sender.js';
import { WechatSender } from './wechat-sender.js';
import { WhatsappSender } from './whatsapp-sender.js';

/**
 * The outbound senders whose provider is configured: SMS (TWILIO_ACCOUNT_SID,
 * TWILIO_AUTH_TOKEN, SMS_FROM), WhatsApp (WHATSAPP_ACCESS_TOKEN,
 * WHATSAPP_PHONE_NUMBER_ID), WeChat (WECHAT_APP_ID, WECHAT_APP_SECRET), email
 * (EMAIL_PROVIDER_URL, EMAIL_API_KEY, EMAIL_FROM). Web chat registers its own sender when the app is built.
 */
export function sendersFromConfig(cfg: ChannelsConfig): SenderRegistry {
  const registry = new SenderRegistry();
  if (cfg.twilioAccountSid && cfg.twilioAuthToken && cfg.smsFrom) {
    registry.register(
      new SmsSender({
        baseUrl: cfg.smsProviderUrl,
        accountSid: cfg.twilioAccountSid,
        authToken: cfg.twilioAuthToken,
        from: cfg.smsFrom,
        statusCallback: cfg.publicBaseUrl ? `${cfg.publicBaseUrl.replace(/\/$/, '')}/v1/channels/sms/twilio/status` : undefined,
      }),
    );
  }
  if (cfg.whatsappAccessToken && cfg.whatsappPhoneNumberId) {
    registry.register(new WhatsappSender({ baseUrl: cfg.whatsappApiUrl, phoneNumberId: cfg.whatsappPhoneNumberId, accessToken: cfg.whatsappAccessToken }));
  }
  if (cfg.wechatAppId && cfg.wechatAppSecret) {
    registry.register(new WechatSender({ baseUrl: cfg.wechatApiUrl, appId: cfg.wechatAppId, appSecret: cfg.wechatAppSecret }));
  }
  if (cfg.emailProviderUrl && cfg.emailApiKey && cfg.emailFrom) {
    registry.register(new EmailSender({ baseUrl: cfg.emailProviderUrl, apiKey: cfg.emailApiKey, from: cfg.emailFrom }));
  }
  return registry;
}
