/**
 * Message catalogue. English defines the key set; every other locale must provide every key
 * (the compiler checks it through `Catalogue`, and `messages.test.ts` checks it at run time).
 * Placeholders are `{name}` and are filled by `translate`.
 */
const en = {
  'app.name': 'Omnilane',
  'app.subtitle': 'Live board',
  'app.documentTitle': 'Omnilane · Live board',

  'lang.label': 'Language',

  'status.connecting': 'connecting…',
  'status.live': 'live',
  'status.reconnecting': 'reconnecting…',
  'status.offline': 'offline',
  'status.title.live': 'Receiving live updates',
  'status.title.reconnecting': 'Connection lost; retrying',

  'header.updated': 'Updated {time}',
  'header.waiting': 'Waiting for data',
  'header.signOut': 'Sign out',

  'tile.events': 'Events',
  'tile.conversations': 'Conversations',
  'tile.frtP50': 'First response · p50',
  'tile.frtP90': 'First response · p90',
  'tile.window': 'last {n} min',
  'tile.sample': 'across {n} conversations',
  'tile.byChannel': 'By channel',
  'tile.share': 'Share',
  'tile.channel': 'Channel',
  'tile.value': 'Value',
  'tile.noChannels': 'No channel data yet',

  'chart.events': 'Events per minute by channel',
  'chart.conversations': 'Conversations per minute',
  'chart.mix': 'Channel mix (events)',
  'chart.frt': 'First response by channel',
  'chart.total': 'Total',
  'chart.empty': 'No data yet',
  'chart.emptyHint': 'Charts fill in as soon as events arrive.',
  'chart.frtEmpty': 'No first responses yet',

  'frt.p50': 'p50',
  'frt.p90': 'p90',

  'signin.title': 'Sign in to Omnilane',
  'signin.prompt': 'Enter the access key that the omnilane CLI printed when it started.',
  'signin.label': 'Access key',
  'signin.submit': 'Open board',
  'signin.rejected': 'That key was not accepted. Check it and try again.',
  'signin.unreachable': 'Cannot reach the server: {message}',

  'error.unreachable': 'Cannot reach the server; retrying.',

  'channel.web': 'Web',
  'channel.app': 'App',
  'channel.sms': 'SMS',
  'channel.email': 'Email',
  'channel.whatsapp': 'WhatsApp',
  'channel.wechat': 'WeChat',
  'channel.voice': 'Voice',
  'channel.social': 'Social',
  'channel.ad': 'Ads',
  'channel.others': 'Others',
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

const zhCN: Catalogue = {
  'app.name': 'Omnilane',
  'app.subtitle': '实时看板',
  'app.documentTitle': 'Omnilane · 实时看板',

  'lang.label': '语言',

  'status.connecting': '连接中…',
  'status.live': '实时',
  'status.reconnecting': '重新连接中…',
  'status.offline': '未连接',
  'status.title.live': '正在接收实时数据',
  'status.title.reconnecting': '连接已断开，正在重试',

  'header.updated': '更新于 {time}',
  'header.waiting': '等待数据',
  'header.signOut': '退出',

  'tile.events': '事件数',
  'tile.conversations': '会话数',
  'tile.frtP50': '首次响应 · P50',
  'tile.frtP90': '首次响应 · P90',
  'tile.window': '近 {n} 分钟',
  'tile.sample': '基于 {n} 个会话',
  'tile.byChannel': '按渠道',
  'tile.share': '占比',
  'tile.channel': '渠道',
  'tile.value': '数值',
  'tile.noChannels': '暂无渠道数据',

  'chart.events': '每分钟事件数（按渠道）',
  'chart.conversations': '每分钟会话数',
  'chart.mix': '渠道占比（事件）',
  'chart.frt': '各渠道首次响应时间',
  'chart.total': '合计',
  'chart.empty': '暂无数据',
  'chart.emptyHint': '事件到达后图表会自动更新。',
  'chart.frtEmpty': '暂无首次响应',

  'frt.p50': 'P50',
  'frt.p90': 'P90',

  'signin.title': '登录 Omnilane',
  'signin.prompt': '请输入 omnilane 命令行启动时打印的访问密钥。',
  'signin.label': '访问密钥',
  'signin.submit': '进入看板',
  'signin.rejected': '密钥无效，请检查后重试。',
  'signin.unreachable': '无法连接服务器：{message}',

  'error.unreachable': '无法连接服务器，正在重试。',

  'channel.web': '网站',
  'channel.app': 'App',
  'channel.sms': '短信',
  'channel.email': '邮件',
  'channel.whatsapp': 'WhatsApp',
  'channel.wechat': '微信',
  'channel.voice': '电话',
  'channel.social': '社交媒体',
  'channel.ad': '广告',
  'channel.others': '其他',
};

/** Supported locales, Chinese first: the primary users are Chinese-speaking sales managers. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const catalogues: Record<Locale, Catalogue> = { 'zh-CN': zhCN, en };

/** Label shown for each locale in the language switch (always in its own language). */
export const localeNames: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };
