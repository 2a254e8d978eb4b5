import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { sendersFromConfig } from './senders-from-config.js';

describe('sendersFromConfig', () => {
  it('registers only the senders whose provider is configured', () => {
    expect(sendersFromConfig(loadConfig({}).channels).channels()).toEqual([]);
    const cfg = loadConfig({
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: 'twilio-auth-token-0123456789',
      SMS_FROM: '+15005550006',
      WHATSAPP_ACCESS_TOKEN: 'wa-access-token-0123456789',
      WHATSAPP_PHONE_NUMBER_ID: '1234567890',
      EMAIL_PROVIDER_URL: 'http://127.0.0.1:9/',
      EMAIL_API_KEY: 'email-api-key-0123456789',
      EMAIL_FROM: 'sales@omnilane.example',
      WECHAT_APP_ID: 'wx0123456789abcdef',
      WECHAT_APP_SECRET: 'wechat-app-secret-0123456789',
    });
    expect(sendersFromConfig(cfg.channels).channels()).toEqual(['email', 'sms', 'wechat', 'whatsapp']);
    expect(sendersFromConfig(loadConfig({ WECHAT_APP_ID: 'wx0123456789abcdef' }).channels).channels()).toEqual([]);
  });

  it('reads WECHAT_API_URL with the official default', () => {
    expect(loadConfig({}).channels.wechatApiUrl).toBe('https://api.weixin.qq.com');
    expect(loadConfig({ WECHAT_API_URL: 'http://127.0.0.1:9' }).channels.wechatApiUrl).toBe('http://127.0.0.1:9');
    expect(() => loadConfig({ WECHAT_API_URL: 'ftp://x' })).toThrow(/WECHAT_API_URL/);
  });
});
