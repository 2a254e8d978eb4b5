import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';

describe('identity, session and priority configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      identity: { enabled: true, maxShared: 3 },
      sessions: { switchWindowMs: 30 * 60_000, expiryMs: 1440 * 60_000 },
      routing: { urgentPriorityBoost: 50 },
    });
    expect(c.identity.defaultCountryCode).toBeUndefined();
    expect(c.routing.channelPriority).toEqual({ voice: 100, whatsapp: 80, wechat: 80, sms: 60, web: 50, app: 50, email: 20 });
    expect(c.routing.urgentKeywords).toEqual(['投诉', '紧急', '退款', 'urgent', 'complaint', 'refund']);
    expect(c.crm.url).toBeUndefined();
  });

  it('reads the variables', () => {
    const c = loadConfig({
      IDENTITY_DEFAULT_COUNTRY_CODE: '+86',
      IDENTITY_MAX_SHARED: '10',
      SESSION_SWITCH_WINDOW_MIN: '5',
      CHANNEL_PRIORITY: 'voice:9, email:1',
      URGENT_KEYWORDS: 'ASAP, 加急',
      IDENTITY_ENABLED: 'false',
      CRM_URL: 'https://crm.example/api',
    });
    expect(c).toMatchObject({
      identity: { defaultCountryCode: '86', maxShared: 10, enabled: false },
      sessions: { switchWindowMs: 300_000 },
      routing: { channelPriority: { voice: 9, email: 1 }, urgentKeywords: ['asap', '加急'] },
      crm: { url: 'https://crm.example/api' },
    });
  });

  it.each([
    [{ IDENTITY_DEFAULT_COUNTRY_CODE: '8600' }, /IDENTITY_DEFAULT_COUNTRY_CODE/],
    [{ IDENTITY_MAX_SHARED: '0' }, /IDENTITY_MAX_SHARED/],
    [{ SESSION_EXPIRY_MIN: 'soon' }, /SESSION_EXPIRY_MIN/],
    [{ CHANNEL_PRIORITY: 'voice=100' }, /CHANNEL_PRIORITY: "voice=100" is not channel:weight/],
    [{ IDENTITY_ENABLED: 'perhaps' }, /IDENTITY_ENABLED/],
    [{ CRM_URL: 'ftp://x' }, /CRM_URL/],
  ])('names the bad variable in %j', (env, msg) => {
    expect(() => loadConfig(env)).toThrow(msg);
  });
});
