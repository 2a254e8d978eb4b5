import { createHash } from 'node:crypto';
import type { CrmLookupKey, CrmOpportunity, CrmPort, CrmRecord } from './crm-port.js';

const COMPANIES = ['上海云帆科技', '深圳启明电子', 'Hangzhou Lakeview Trading', '北京博远咨询', 'Chengdu Panda Logistics', '广州南星贸易'];
const NAMES = ['王磊', '李娜', '张伟', '刘洋', 'Chen Jing', 'Zhao Min', '孙丽', 'Wu Hao'];
const OWNERS = ['agent-li', 'agent-wang', 'agent-zhang', 'agent-chen'];
const PRODUCTS = ['企业版年度订阅', 'Pro seats ×10', '专业服务包', 'Onboarding workshop', '数据接口扩展'];
const STATUSES = ['paid', 'shipped', 'refunded', 'pending'];

/**
 * The embedded CRM with demo data: a deterministic record for every customer
 * with an external id (the same id always gets the same record), plus any
 * records given explicitly (tests). Customers without an external id are
 * unknown to it, as to most CRMs.
 */
export class EmbeddedCrm implements CrmPort {
  /** Opportunities written through the port, by id, in memory (demo data: they go with the process). */
  private readonly opps = new Map<string, CrmOpportunity>();

  constructor(private readonly records: Record<string, CrmRecord> = {}) {}

  async upsertOpportunity(o: CrmOpportunity): Promise<{ id: string; created: boolean }> {
    const created = !this.opps.has(o.id);
    this.opps.set(o.id, structuredClone(o));
    return { id: o.id, created };
  }

  async opportunities(key: CrmLookupKey): Promise<CrmOpportunity[]> {
    return [...this.opps.values()].filter((o) => o.customer_id === key.customer_id).map((o) => structuredClone(o));
  }

  async lookup(key: CrmLookupKey): Promise<CrmRecord | null> {
    if (key.external_id === null) return this.records[key.customer_id] ?? null;
    return this.records[key.external_id] ?? demoRecord(key.external_id);
  }
}

/** A stable demo record derived from the external id's hash. */
export function demoRecord(externalId: string): CrmRecord {
  const h = createHash('sha256').update(externalId).digest();
  const pick = <T>(xs: readonly T[], i: number) => xs[h[i] % xs.length];
  const orders = Array.from({ length: h[0] % 4 }, (_, i) => ({
    id: `SO-${h.readUInt16BE(2 + 2 * i)}`,
    placed_at: new Date(Date.UTC(2026, h[10 + i] % 11, 1 + (h[14 + i] % 28))).toISOString(),
    status: pick(STATUSES, 18 + i),
    total: 1000 + h.readUInt16BE(22 + 2 * i) * 3,
    currency: 'CNY',
    items: [pick(PRODUCTS, 28 + i)],
  }));
  return {
    fields: { name: pick(NAMES, 4), company: pick(COMPANIES, 5), owner: pick(OWNERS, 6), lifetime_value: orders.reduce((s, o) => s + o.total, 0), demo: true },
    orders,
  };
}
