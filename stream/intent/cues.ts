/**
 * Keyword cues per intent, in Chinese and English. A cue is matched on the token stream (Han characters, stemmed
 * English words), so "crashed", "crashes" and "crashing" all match `crash`. A leading `*` doubles the weight.
 * `negatable` intents lose a cue inside a negation scope ("我不是要投诉", "not interested in buying"); for service
 * issues a negation usually IS the problem ("还没有发货", "no refund yet"), so those cues stay.
 */
import type { Intent } from './intent-port.js';
import { normalise, tokenise } from './text.js';

export const CUES: Record<Exclude<Intent, 'other'>, { negatable: boolean; zh: string[]; en: string[] }> = {
  pre_sale: {
    negatable: true,
    zh: ['*价格', '*报价', '*多少钱', '优惠', '*试用', '购买', '折扣', '套餐', '版本', '功能', '演示', '咨询', '采购', '合作', '方案', '收费', '费用', '便宜', '打折', '续费', '定制', '代理', '批量', '下单'],
    en: ['*price', '*pricing', '*quote', '*trial', 'demo', 'discount', 'plan', 'purchase', 'buy', 'cost', 'how much', 'subscription', 'license', 'feature', 'enterprise', 'bulk', 'sales', 'upgrade', 'package', 'interested'],
  },
  tech_support: {
    negatable: false,
    zh: ['*登录', '*报错', '*崩溃', '*无法', '闪退', '打不开', '不能用', '不能', '出错', '错误', '故障', '卡住', '卡顿', '白屏', '黑屏', '连不上', '失败', '异常', '密码', '验证码', '加载', '安装', '配置', '接口', '更新后', '同步', '重启'],
    en: ['*bug', '*error', '*crash', 'cannot log', '*log', 'password', 'not work', 'broken', 'fail', 'freeze', 'stuck', 'loading', 'install', 'api', 'timeout', 'sync', 'reset', 'glitch', 'blank', 'cannot', 'issue', 'setup', 'configure', 'update'],
  },
  after_sale: {
    negatable: false,
    zh: ['*发货', '*退款', '*退货', '*发票', '*物流', '快递', '换货', '保修', '维修', '到货', '收到', '签收', '订单', '运单', '包裹', '售后', '退钱', '取消订单', '地址', '返修'],
    en: ['*refund', '*invoice', '*shipping', '*delivery', '*return', 'ship', 'deliver', 'track', 'tracking', 'package arrived', 'parcel', 'warranty', 'repair', 'exchange', 'replacement', 'receipt', 'cancel', 'courier', 'arrived', 'order status', 'received'],
  },
  complaint: {
    negatable: true,
    zh: ['*投诉', '*不满意', '*差评', '太慢', '*骗', '垃圾', '态度', '失望', '生气', '气死', '坑', '离谱', '太差', '没人理', '敷衍', '忽悠', '曝光', '举报', '12315', '经理', '赔偿', '受够'],
    en: ['*complaint', '*complain', '*terrible', '*worst', '*unacceptable', 'awful', 'ridiculous', 'scam', 'disappointed', 'angry', 'rude', 'horrible', 'manager', 'never again', 'waste', 'useless', 'furious', 'joke', 'ignored', 'compensation', 'lawyer'],
  },
};

export interface CompiledCue {
  intent: Exclude<Intent, 'other'>;
  label: string;
  units: string[];
  weight: number;
  negatable: boolean;
}

/** Cues compiled to unit sequences with the same normalisation and tokenisation as messages. */
export function compileCues(cues = CUES): CompiledCue[] {
  const out: CompiledCue[] = [];
  for (const [intent, def] of Object.entries(cues) as [Exclude<Intent, 'other'>, (typeof cues)['pre_sale']][]) {
    for (const raw of [...def.zh, ...def.en]) {
      const label = raw.replace(/^\*/, '');
      const units = tokenise(normalise(label)).map((u) => u.text);
      if (units.length > 0) out.push({ intent, label, units, weight: raw.startsWith('*') ? 2 : 1, negatable: def.negatable });
    }
  }
  return out;
}
