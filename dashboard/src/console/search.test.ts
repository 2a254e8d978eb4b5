import { describe, expect, it } from 'vitest';
import { searchError, searchRequest } from './search.js';

describe('customer search box', () => {
  it('reads typed text as the parameter it is (auto), or as the kind chosen', () => {
    expect(searchRequest('auto', ' +86 138 0000 0000 ')).toEqual({ ok: true, query: 'phone=%2B86+138+0000+0000' });
    expect(searchRequest('auto', '(010) 6552-9988')).toEqual({ ok: true, query: 'phone=%28010%29+6552-9988' });
    expect(searchRequest('auto', 'Foo@Example.COM')).toEqual({ ok: true, query: 'email=Foo%40Example.COM' });
    expect(searchRequest('auto', 'cus_42')).toEqual({ ok: true, open: 'cus_42' });
    expect(searchRequest('auto', 'crm-7')).toEqual({ ok: true, query: 'external_id=crm-7' });
    expect(searchRequest('auto', '---')).toEqual({ ok: true, query: 'external_id=---' });
    expect(searchRequest('wechat', 'oWx1&x=1')).toEqual({ ok: true, query: 'channel=wechat&channel_id=oWx1%26x%3D1' });
    expect(searchRequest('external_id', '13800000000')).toEqual({ ok: true, query: 'external_id=13800000000' });
    expect(searchRequest('id', 'cus_7')).toEqual({ ok: true, open: 'cus_7' });
    expect(searchRequest('phone', '  ')).toEqual({ ok: false, key: 'console.search.emptyInput' });
  });

  it('words the API refusals it knows, and passes the rest through', () => {
    expect(searchError('API_ERR_SEARCH_BAD_PHONE', 'x')).toEqual({ key: 'console.search.badPhone' });
    expect(searchError('API_ERR_SEARCH_BAD_EMAIL', 'x')).toEqual({ key: 'console.search.badEmail' });
    expect(searchError('API_ERR_NOT_READY', 'no graph')).toEqual({ key: 'console.error', params: { message: 'API_ERR_NOT_READY: no graph' } });
  });
});
