/**
 * Keyword cues per intent, in Chinese and English: domain knowledge the small training set cannot cover (other
 * products, other phrasings). Each matched cue adds the feature `k:<intent>` (or `!k:<intent>` inside a negation
 * scope for negatable intents); the model learns how much a cue is worth, so a cue is evidence, not a rule.
 * Cues match the token stream (Han characters, stemmed English words), so "refunds", "refunded" match `refund`.
 * For service issues a negation usually IS the problem ("还没有发货", "no refund yet"), so those cues stay.
 */
import type { Intent } from './intent-port.js';
import { normalise, tokenise, type Unit } from './text.js';

export const CUES: Record<Intent, { negatable: boolean; zh: string[]; en: string[] }> = {
  price_inquiry: {
    negatable: true,
    zh: ['划算', '学费', '会员价', '价目', '免费', '收多少', '多少钱', '价格', '价钱', '价位', '报价', '什么价', '优惠', '折扣', '打折', '几折', '便宜', '贵', '费用', '收费', '预算', '特价', '活动价', '降价', '满减', '优惠券', '优惠卷', '多少米', '总价', '单价', '运费'],
    en: ['cheaper', 'free or paid', 'paid', 'charge for', 'affordable', 'price', 'pricing', 'priced', 'pricey', 'cost', 'how much', 'quote', 'discount', 'coupon', 'promo', 'deal', 'cheap', 'expensive', 'fee', 'budget', 'ballpark', 'sale', 'rate'],
  },
  feature_comparison: {
    negatable: false,
    zh: ['多大', '多少人', '几个设备', '尺寸', '分辨率', '材质', '适不适合', '防水', '怎么样', '区别', '不一样', '对比', '比较', '哪个好', '哪个更', '支持', '有没有', '功能', '能不能', '可以吗', '能否', '兼容', '配置', '参数', '续航', '规格', '优势', '推荐哪', '适合', '是不是'],
    en: ['waterproof', 'work on', 'good for', 'support for', 'faster', 'offline', 'max', 'size of', 'resolution', 'battery', 'difference', 'compare', 'vs', 'versus', 'better', 'which', 'support', 'feature', 'include', 'spec', 'specs', 'integrate', 'compatible', 'stack up', 'recommend'],
  },
  purchase: {
    negatable: true,
    zh: ['花呗', '付款方式', '授权', '拿两', '来两', '报名', '定了', '下单', '购买', '买', '付款', '支付', '结算', '订购', '开通', '拍下', '我要了', '来一', '签合同', '合同', '分期', '转账', '续费', '订一', '要一', '要两', '留一'],
    en: ["i'll take", 'sign us up', 'take the', 'enroll', 'add to cart', 'get this one', 'upgrade my account', 'buy', 'purchase', 'order', 'checkout', 'check out', 'pay', 'payment', 'sign up', 'subscribe', 'installment', 'preorder', 'pre-order', 'renew', 'go ahead', 'sold'],
  },
  after_sale: {
    negatable: false,
    zh: ['能退', '可以退', '失灵', '上门修', '到账', '退款', '退货', '退钱', '换货', '换一', '换个', '保修', '保固', '维修', '修', '发票', '收据', '售后', '质量问题', '坏了', '退回', '差价', '扣错', '多扣', '三包'],
    en: ['money back', 'fee back', 'covered', 'charge back', 'broke', 'refund', 'return', 'exchange', 'swap', 'replacement', 'warranty', 'repair', 'invoice', 'receipt', 'defective', 'broken', 'money back', 'send it back', 'charged twice', 'overcharged', 'tax invoice'],
  },
  tech_support: {
    negatable: false,
    zh: ['掉线', '断连', '没声音', '出错', '不能用', '锁定', '上传', '闪', '不生效', '收不到', '登录', '登陆', '登不上', '报错', '错误', '崩溃', '闪退', '打不开', '无法', '失败', '故障', '卡住', '卡顿', '卡纸', '白屏', '黑屏', '连不上', '配对', '绑定', '验证码', '密码', '设置', '升级', '固件', '同步', '安装', '没反应', '权限', '证书', '宕机', '异常', 'bug'],
    en: ['locked', 'upload', 'disconnect', 'no audio', 'not firing', 'stopped working', "won't connect", 'flashing', 'buffering', 'bricked', 'error code', 'log in', 'login', 'sign in', 'error', 'crash', 'bug', 'not working', 'fail', 'failed', 'freeze', 'frozen', 'stuck', 'jam', 'pair', 'password', 'reset', 'setup', 'set up', 'configure', 'firmware', 'update', 'sync', 'install', 'permission', 'redirect', 'timeout', 'not sending'],
  },
  complaint: {
    negatable: true,
    zh: ['丢人', '答非所问', '不符', '再也不', '骚扰', '恶劣', '推来推去', '一星', '太气人', '火大', '一肚子火', '投诉', '不满意', '差评', '太差', '太烂', '烂', '垃圾', '骗', '坑', '离谱', '失望', '生气', '气死', '敷衍', '忽悠', '曝光', '举报', '12315', '赔偿', '受够', '无语', '态度', '过分', '欺骗', '虚假', '烦', '没人理', '没人管', '没人接', '放鸽子', '阴阳怪气'],
    en: ['outrageous', 'disgraceful', 'fraud', 'rip-off', 'ignored', 'joke', 'spamming', 'spam', 'one star', 'unhappy', 'acceptable', 'post about', 'lied', 'stop it', 'complaint', 'complain', 'terrible', 'worst', 'awful', 'horrible', 'garbage', 'pathetic', 'ridiculous', 'unacceptable', 'scam', 'disappointed', 'dissatisfied', 'angry', 'furious', 'rude', 'condescending', 'useless', 'misleading', 'lied', 'harassment', 'fed up', 'sick of', 'lawyer', 'compensation', 'shame', 'never again', 'waste'],
  },
  logistics: {
    negatable: false,
    zh: ['催', '退回', '签收', '发了吗', '到了吗', '寄到', '送到', '快递', '物流', '发货', '出货', '到货', '送到', '送货', '配送', '寄', '运到', '单号', '签收', '派送', '包裹', '到哪', '几天能到', '什么时候到', '顺丰', '京东物流', '驿站', '收货地址', '上门', '上楼', '自提', '清关', '中转'],
    en: ['chase', 'sender', 'signed for', 'shipment', 'where is my', 'when will it arrive', 'shipping', 'ship', 'shipped', 'delivery', 'deliver', 'delivered', 'tracking', 'track', 'parcel', 'package', 'courier', 'carrier', 'dispatch', 'in transit', 'customs', 'arrive', 'dhl', 'fedex', 'ups', 'pick up', 'shipping label'],
  },
  human_agent: {
    negatable: true,
    zh: ['主管', '工程师', '销售直接', '直接聊', '客服在吗', '对接', '人工', '真人', '转接', '客服经理', '专员', '活人', '工作人员', '销售顾问', '负责人', '找个人', '换个人', '叫个人', '联系我', '打电话给我', '客户经理', '技术人员'],
    en: ['supervisor', 'engineer', 'customer service', 'talk to', 'speak to', 'speak with', 'contact me', 'callback', 'human', 'real person', 'person', 'agent', 'representative', 'operator', 'someone', 'live support', 'live agent', 'staff', 'rep', 'call me', 'reach out', 'consultant', 'technician', 'not a bot', 'chatbot'],
  },
  other: {
    negatable: false,
    zh: ['考虑', '没事', '天气', '愉快', '公司在哪', '几点下班', '营业时间', '打扰', '发错', '你好', '您好', '哈喽', '谢谢', '多谢', '感谢', '辛苦', '好的', '好嘞', '收到', '明白', '知道了', '拜拜', '再见', '早上好', '中午好', '晚上好', '晚安', '在吗', '哈哈', '嗯', '哦'],
    en: ['think about', 'opening hours', 'based', 'located', 'office', 'wrong chat', 'cheers', 'nevermind', 'never mind', 'hi', 'hello', 'hey', 'thanks', 'thank', 'thx', 'ok', 'okay', 'alright', 'bye', 'good morning', 'good evening', 'cool', 'got it', 'noted', 'lol', 'just browsing'],
  },
};

export interface CompiledCue {
  intent: Intent;
  label: string;
  units: string[];
  negatable: boolean;
}

/** Cues compiled to unit sequences with the same normalisation and tokenisation as messages. */
export function compileCues(cues = CUES): CompiledCue[] {
  const out: CompiledCue[] = [];
  for (const [intent, def] of Object.entries(cues) as [Intent, (typeof cues)['other']][]) {
    for (const label of [...def.zh, ...def.en]) {
      // Stop words ("hi", "thanks", "please") are dropped by tokenise; keep them as raw words for the `other` cues.
      const units = tokenise(normalise(label)).map((u) => u.text);
      const raw = normalise(label).split(' ');
      out.push({ intent, label, units: units.length > 0 ? units : raw, negatable: def.negatable });
    }
  }
  return out;
}

/** The intents whose cues match a unit stream (`!`-prefixed when negated), and the matched cue labels. */
export function matchCues(units: readonly Unit[], rawWords: ReadonlySet<string>, index: CueIndex): CueHit[] {
  const hits: CueHit[] = [];
  const seen = new Set<CompiledCue>();
  for (let i = 0; i < units.length; i++) {
    for (const cue of index.get(units[i].text) ?? []) {
      if (seen.has(cue) || i + cue.units.length > units.length) continue;
      let ok = true;
      for (let k = 1; k < cue.units.length && ok; k++) ok = units[i + k].text === cue.units[k] && units[i + k].run === units[i].run;
      if (ok) {
        seen.add(cue);
        hits.push({ intent: cue.intent, label: cue.label, negated: cue.negatable && units[i].neg });
      }
    }
  }
  // Stop words ("hi", "thanks") never reach the unit stream: match one-word cues on the raw words too.
  for (const w of rawWords) {
    for (const cue of index.get(w) ?? []) {
      if (!seen.has(cue) && cue.units.length === 1) {
        seen.add(cue);
        hits.push({ intent: cue.intent, label: cue.label, negated: false });
      }
    }
  }
  return hits;
}

export interface CueHit {
  intent: Intent;
  label: string;
  negated: boolean;
}

/** Compiled cues by their first unit, so matching costs one map lookup per unit. */
export type CueIndex = Map<string, CompiledCue[]>;

export function indexCues(cues: readonly CompiledCue[] = compileCues()): CueIndex {
  const index: CueIndex = new Map();
  for (const c of cues) {
    if (c.units.length === 0) continue;
    const list = index.get(c.units[0]) ?? [];
    list.push(c);
    index.set(c.units[0], list);
  }
  return index;
}

