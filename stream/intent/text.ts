/**
 * Text handling for the built-in intent classifier: normalisation, language detection by script share, and the
 * token stream (Han characters and stemmed English words) with negation scopes. Pure functions, no I/O.
 */
import type { IntentLanguage } from './intent-port.js';

/** Common traditional characters seen in support chats → simplified (a small set; not a full converter). */
const T2S: Record<string, string> = Object.fromEntries(
  [
    '價价',
    '錢钱',
    '訂订',
    '貨货',
    '發发',
    '買买',
    '賣卖',
    '無无',
    '錄录',
    '錯错',
    '誤误',
    '單单',
    '們们',
    '這这',
    '個个',
    '麼么',
    '請请',
    '問问',
    '題题',
    '務务',
    '帳账',
    '賬账',
    '號号',
    '碼码',
    '機机',
    '電电',
    '應应',
    '壞坏',
    '騙骗',
    '訴诉',
    '滿满',
    '評评',
    '優优',
    '試试',
    '報报',
    '運运',
    '費费',
    '讓让',
    '開开',
    '關关',
    '體体',
    '驗验',
    '線线',
    '網网',
    '頁页',
    '顯显',
    '說说',
    '話话',
    '時时',
    '間间',
    '還还',
    '沒没',
    '會会',
    '從从',
    '後后',
    '東东',
    '質质',
    '經经',
    '給给',
    '幫帮',
    '聯联',
    '繫系',
    '係系',
    '負负',
    '責责',
    '處处',
    '態态',
    '換换',
    '員员',
    '點点',
    '當当',
    '閃闪',
    '動动',
    '載载',
    '裝装',
    '級级',
    '統统',
    '資资',
    '據据',
    '產产',
    '專专',
    '業业',
    '購购',
    '車车',
    '實实',
    '際际',
    '遞递',
    '郵邮',
    '輸输',
    '離离',
    '為为',
    '嗎吗',
    '與与',
    '轉转',
    '續续',
    '約约',
    '慮虑',
    '戶户',
    '圖图',
    '規规',
    '寶宝',
    '內内',
    '氣气',
    '稱称',
    '復复',
    '還还',
    '筆笔',
    '額额',
    '寫写',
    '錄录',
    '卡卡',
    '總总',
    '兩两',
    '謝谢',
    '裡里',
    '綁绑',
    '標标',
    '艦舰',
    '薦荐',
    '營营',
    '銷销',
    '塊块',
    '爛烂',
    '煩烦',
    '麼么',
    '嗎吗',
    '啟启',
    '樣样',
    '見见',
    '覺觉',
    '記记',
    '認认',
    '識识',
    '讀读',
    '學学',
    '習习',
    '區区',
    '別别',
    '臺台',
    '檯台',
    '灣湾',
    '門门',
    '閉闭',
    '聽听',
    '鐘钟',
    '鍵键',
    '鎖锁',
    '銀银',
    '鋪铺',
    '錶表',
    '響响',
    '頭头',
    '題题',
    '顏颜',
    '願愿',
    '風风',
    '飛飞',
    '馬马',
    '驅驱',
    '髒脏',
    '鬧闹',
    '魚鱼',
    '鳥鸟',
    '麵面',
    '齊齐',
    '齡龄',
    '龍龙',
    '優优',
    '儲储',
    '傳传',
    '債债',
    '傷伤',
    '價价',
    '僅仅',
    '億亿',
    '劃划',
    '劑剂',
    '勞劳',
    '勢势',
    '匯汇',
    '參参',
    '雙双',
    '變变',
    '囉啰',
    '啞哑',
    '團团',
    '園园',
    '圓圆',
    '場场',
    '壓压',
    '備备',
    '夠够',
    '奪夺',
    '奮奋',
    '寬宽',
    '層层',
    '歲岁',
    '廠厂',
    '廣广',
    '張张',
    '強强',
    '彈弹',
    '徑径',
    '從从',
    '復复',
    '惡恶',
    '懷怀',
    '戰战',
    '擊击',
    '據据',
    '擴扩',
    '損损',
    '搶抢',
    '揀拣',
    '敗败',
    '數数',
    '斷断',
    '暫暂',
    '曆历',
    '書书',
    '條条',
    '楊杨',
    '榮荣',
    '極极',
    '構构',
    '權权',
    '歡欢',
    '殘残',
    '殺杀',
    '氣气',
    '決决',
    '沒没',
    '潔洁',
    '濕湿',
    '燈灯',
    '爭争',
    '狀状',
    '獎奖',
    '環环',
    '畫画',
    '痠酸',
    '發发',
    '盡尽',
    '監监',
    '盤盘',
    '碼码',
    '礙碍',
    '禮礼',
    '穩稳',
    '窮穷',
    '節节',
    '範范',
    '簡简',
    '糧粮',
    '紀纪',
    '紅红',
    '純纯',
    '紙纸',
    '級级',
    '細细',
    '終终',
    '組组',
    '結结',
    '絕绝',
    '給给',
    '統统',
    '經经',
    '綠绿',
    '維维',
    '網网',
    '緊紧',
    '線线',
    '編编',
    '緩缓',
    '練练',
    '縮缩',
    '績绩',
    '繳缴',
    '罰罚',
    '聲声',
    '職职',
    '聯联',
    '腦脑',
    '臉脸',
    '興兴',
    '舊旧',
    '艙舱',
    '萬万',
    '葉叶',
    '蘋苹',
    '處处',
    '號号',
    '蟲虫',
    '補补',
    '裝装',
    '製制',
    '複复',
    '視视',
    '親亲',
    '覽览',
    '觸触',
    '計计',
    '訊讯',
    '託托',
    '設设',
    '許许',
    '證证',
    '詢询',
    '該该',
    '詳详',
    '誰谁',
    '課课',
    '調调',
    '談谈',
    '請请',
    '諮咨',
    '講讲',
    '護护',
    '讚赞',
    '負负',
    '貨货',
    '質质',
    '購购',
    '貴贵',
    '費费',
    '貼贴',
    '賠赔',
    '賺赚',
    '趕赶',
    '跡迹',
    '蹤踪',
    '軟软',
    '輕轻',
    '較较',
    '輛辆',
    '辦办',
    '農农',
    '這这',
    '連连',
    '週周',
    '進进',
    '過过',
    '達达',
    '遲迟',
    '選选',
    '遺遗',
    '還还',
    '邊边',
    '鄰邻',
    '醫医',
    '針针',
    '鈕钮',
    '鋼钢',
    '錢钱',
    '鐵铁',
    '長长',
    '閱阅',
    '隊队',
    '陽阳',
    '險险',
    '隨随',
    '難难',
    '雲云',
    '電电',
    '靈灵',
    '靜静',
    '頁页',
    '項项',
    '順顺',
    '須须',
    '預预',
    '領领',
    '頻频',
    '額额',
    '類类',
    '顯显',
    '飯饭',
    '飲饮',
    '餘余',
    '館馆',
    '驗验',
    '體体',
    '點点',
    '當当',
    '絲丝',
    '麗丽',
    '寶宝',
    '實实',
    '審审',
    '寫写',
    '將将',
    '對对',
    '導导',
    '屆届',
    '屬属',
    '幣币',
    '幹干',
    '幾几',
    '庫库',
    '廳厅',
    '彙汇',
    '後后',
    '徵征',
    '態态',
    '慣惯',
    '憑凭',
    '應应',
    '懂懂',
    '戲戏',
    '戶户',
    '撥拨',
    '擇择',
    '擔担',
    '擬拟',
    '攜携',
    '敵敌',
    '於于',
    '無无',
    '時时',
    '晝昼',
    '顧顾',
    '飽饱',
    '饋馈',
    '來来',
    '準准',
    '個个',
    '們们',
    '愛爱',
    '齒齿',
    '壞坏',
    '錯错',
    '鬆松',
    '隻只',
    '產产',
    '單单',
    '廢废',
    '換换',
    '車车',
    '稅税',
    '執执',
    '寄寄',
    '專专',
    '樓楼',
    '鄉乡',
    '歷历',
    '員员',
    '夥伙',
    '佈布',
    '衛卫',
    '術术',
    '彎弯',
    '邏逻',
    '輯辑',
    '嚴严',
    '勁劲',
    '鑰钥',
    '匙匙',
    '瀏浏',
    '橋桥',
    '災灾',
    '憶忆',
    '樂乐',
    '華华',
    '際际',
    '訂订',
    '蓋盖',
    '燒烧',
    '聰聪',
    '壽寿',
    '鞋鞋',
    '襪袜',
    '褲裤',
    '滬沪',
    '蘇苏',
    '廈厦',
    '漢汉',
    '寧宁',
    '況况',
    '紐纽',
    '綫线',
    '澀涩',
  ]
    .filter((p) => p.length === 2)
    .map((p) => [p.charAt(0), p.charAt(1)]),
);

/** Full-width and CJK punctuation that NFKC leaves alone → ASCII. */
const PUNCT: Record<string, string> = {
  '。': '.',
  '、': ',',
  '「': '"',
  '」': '"',
  '『': '"',
  '』': '"',
  '【': '[',
  '】': ']',
  '《': '"',
  '》': '"',
  '〈': '"',
  '〉': '"',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
  '—': '-',
  '～': '~',
  '·': ' ',
};

/**
 * NFKC (which also folds full-width ASCII and half-width katakana), CJK punctuation → ASCII, lower case,
 * a small traditional → simplified map, whitespace collapsed. Lone surrogates are replaced, never thrown on.
 */
export function normalise(text: string): string {
  const wellFormed = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  let out = '';
  for (const ch of wellFormed.normalize('NFKC').toLowerCase()) out += PUNCT[ch] ?? T2S[ch] ?? ch;
  return out.replace(/\s+/g, ' ').trim();
}

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;

/**
 * Language by script share: Han characters against Latin letters (a Han character counts as two letters, about
 * one English word per 1.5–2 Han characters). ≥ 80% Han → zh, ≤ 20% → en, in between → mixed; no Han or Latin
 * letters (emoji, digits, other scripts dominating) → unknown.
 */
export function detectLanguage(text: string): IntentLanguage {
  let han = 0;
  let latin = 0;
  let other = 0;
  for (const ch of text) {
    if (HAN.test(ch)) han += 1;
    else if (LATIN.test(ch)) latin += 1;
    else if (LETTER.test(ch)) other += 1;
  }
  const zh = han * 2;
  if (zh + latin === 0 || other > zh + latin) return 'unknown';
  const share = zh / (zh + latin);
  return share >= 0.8 ? 'zh' : share <= 0.2 ? 'en' : 'mixed';
}

/** English contractions and variants folded before stemming; "n't" forms become the negator `not`. */
const EN_FOLD: Record<string, string> = {
  "can't": 'cannot',
  cant: 'cannot',
  "couldn't": 'cannot',
  couldnt: 'cannot',
  unable: 'cannot',
  "won't": 'not',
  wont: 'not',
  "don't": 'not',
  dont: 'not',
  "doesn't": 'not',
  doesnt: 'not',
  "didn't": 'not',
  didnt: 'not',
  "isn't": 'not',
  isnt: 'not',
  "wasn't": 'not',
  "aren't": 'not',
  "haven't": 'not',
  havent: 'not',
  "hasn't": 'not',
  hasnt: 'not',
  "weren't": 'not',
  never: 'not',
  "i'm": 'i',
  "it's": 'it',
  "i've": 'i',
  login: 'log',
  logon: 'log',
  signin: 'log',
  'e-mail': 'email',
  pls: 'please',
  plz: 'please',
  u: 'you',
};

/** A few function words carry no intent signal. */
const EN_STOP = new Set(
  'a an the i me my we our you your he she it its they them is am are was were be been do does did have has had to of in on at for and or but so this that these those with as by from just please hi hello thanks thank'.split(
    ' ',
  ),
);

/** Very small suffix stripper (Porter-flavoured): crashes/crashed/crashing → crash, shipping → ship, pricing/price → pric. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (/(ss|sh|ch|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('ly') && w.length > 4) w = w.slice(0, -2);
  if (/([b-df-hj-km-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** One unit of the token stream: a Han character or a stemmed English word; `neg` when inside a negation scope. */
export interface Unit {
  kind: 'han' | 'word';
  text: string;
  neg: boolean;
  /** Index of the run of consecutive Han characters / words this unit belongs to (bigrams never cross runs). */
  run: number;
}

/** Chinese negators that open a scope; `有没有` / `是不是` (yes-no questions) are excluded in {@link tokenise}. */
const ZH_NEGATORS = ['不是', '没有', '并非', '不想', '不要', '不用', '无需', '没'];
const ZH_SCOPE = 4;
const EN_NEGATORS = new Set(['not', 'no', 'without']);
const EN_SCOPE = 3;

/**
 * Splits normalised text into units. Han characters are units; Latin/digit words are folded, stemmed and kept
 * unless stop words. A negator (不是/没有/没/不想/不要/… ; not/no/never/n't) marks the next few units as negated,
 * up to punctuation. Yes-no question forms (有没有, 是不是) do not negate.
 */
export function tokenise(norm: string): Unit[] {
  const units: Unit[] = [];
  const re = /(\p{Script=Han}+)|([a-z0-9]+(?:['-][a-z]+)?)|([.,!?;:~"()[\]]+)|(\s+)|([^])/gu;
  let run = 0;
  let scope = 0;
  let lastKind: 'han' | 'word' | 'sep' = 'sep';
  for (const m of norm.matchAll(re)) {
    if (m[1]) {
      if (lastKind !== 'han') run += 1;
      const chars = [...m[1]];
      for (let i = 0; i < chars.length; i++) {
        const neg = ZH_NEGATORS.find((n) => chars.slice(i, i + n.length).join('') === n);
        const question = neg !== undefined && ((i > 0 && chars[i - 1] === '有' && neg.startsWith('没')) || (i > 0 && chars[i - 1] === '是' && neg === '不是'));
        if (neg && !question) {
          for (const c of neg) units.push({ kind: 'han', text: c, neg: false, run });
          i += neg.length - 1;
          scope = ZH_SCOPE;
          continue;
        }
        units.push({ kind: 'han', text: chars[i], neg: scope > 0, run });
        if (scope > 0) scope -= 1;
      }
      lastKind = 'han';
    } else if (m[2]) {
      if (lastKind !== 'word') run += 1;
      lastKind = 'word';
      const folded = EN_FOLD[m[2]] ?? m[2];
      if (EN_NEGATORS.has(folded)) {
        units.push({ kind: 'word', text: folded, neg: false, run });
        scope = EN_SCOPE;
        continue;
      }
      if (EN_STOP.has(folded)) continue;
      units.push({ kind: 'word', text: stem(folded), neg: scope > 0, run });
      if (scope > 0) scope -= 1;
    } else if (m[3] || m[5]) {
      scope = 0;
      lastKind = 'sep';
    }
  }
  return units;
}
