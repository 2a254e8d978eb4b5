/**
 * Message catalogue. English defines the key set; every other locale must provide every key
 * (the compiler checks it through `Catalogue`, and `messages.test.ts` checks it at run time).
 * Placeholders are `{name}` and are filled by `translate`.
 */
import { boardKpiEn, boardKpiZhCN } from './messages-board-kpis.js';
import { consoleEn, consoleZhCN } from './messages-console.js';
import { opportunityEn, opportunityZhCN } from './messages-opportunity.js';
import { botEn, botZhCN } from './messages-bot.js';
import { followupEn, followupZhCN } from './messages-followup.js';
import { auditEn, auditZhCN } from './messages-audit.js';
import { experimentsEn, experimentsZhCN } from './messages-experiments.js';

const base = {
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
  'chart.timeAxis': 'Time ({zone})',
  'chart.empty': 'No data yet',
  'chart.emptyHint': 'Charts fill in as soon as events arrive.',
  'chart.frtEmpty': 'No first responses yet',

  'frt.p50': 'p50',
  'frt.p90': 'p90',

  'signin.title': 'Sign in to Omnilane',
  'signin.prompt': 'Sign in with your username and password (after the first start: the file the omnilane CLI named).',
  'signin.username': 'Username',
  'signin.label': 'Password',
  'signin.submit': 'Sign in',
  'signin.rejected': 'Wrong username or password. Check them and try again.',
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

  'nav.label': 'Views',
  'nav.board': 'Live board',
  'nav.attribution': 'Attribution',

  'attr.title': 'Attribution',
  'attr.summary': 'Latest run {time} · {journeys} journeys · {conversions} conversions · window {from} – {to}',
  'attr.empty': 'No attribution results yet',
  'attr.emptyHint': 'Results appear once won deals have been attributed.',
  'attr.refresh': 'Refresh',
  'attr.run': 'Run now',
  'attr.running': 'Running…',
  'attr.error': 'Could not load: {message}',
  'attr.models': 'Models side by side per channel',
  'attr.metric.label': 'Show',
  'attr.metric.conversions': 'Conversions',
  'attr.metric.value': 'Value',
  'attr.table': 'Credits, removal effects and 95% intervals',
  'attr.col.model': 'Model',
  'attr.col.channel': 'Channel',
  'attr.col.removal': 'Removal effect',
  'attr.col.conversions': 'Conversions',
  'attr.col.value': 'Value',
  'attr.col.ci': '95% interval',
  'attr.graph': 'Markov transition graph',
  'attr.graphEmpty': 'No transitions yet',
  'attr.state.start': 'Start',
  'attr.state.conversion': 'Conversion',
  'attr.state.null': 'No conversion',

  'model.markov': 'Markov chain',
  'model.shapley': 'Shapley',
  'model.first': 'First touch',
  'model.last': 'Last touch',
  'model.linear': 'Linear',
  'model.time_decay': 'Time decay',
  'model.position': 'Position 40/20/40',

  'touch.chat': '{channel} chat',
  'touch.phone_follow_up': 'Phone follow-up',

  'funnel.title': 'Funnel explorer',
  'funnel.by': 'Group by',
  'funnel.by.channel': 'Channel',
  'funnel.by.source': 'Source',
  'funnel.by.segment': 'Segment',
  'funnel.window': 'window per step: {hours} h',
  'funnel.step.inquiry': 'Inquiry',
  'funnel.step.opportunity': 'Opportunity',
  'funnel.step.deal': 'Deal',
  'funnel.col.group': 'Group',
  'funnel.col.toOpportunity': 'Inquiry → opportunity',
  'funnel.col.toDeal': 'Opportunity → deal',
  'funnel.col.overall': 'Inquiry → deal',
  'funnel.col.timeToDeal': 'Avg time to deal',
  'funnel.none': '(none)',
  'funnel.total': 'All',
  'funnel.empty': 'No inquiries in this period',
} as const;

const en = { ...base, ...boardKpiEn, ...consoleEn, ...opportunityEn, ...botEn, ...followupEn, ...auditEn, ...experimentsEn } as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

const baseZhCN: Record<keyof typeof base, string> = {
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
  'chart.timeAxis': '时间 ({zone})',
  'chart.empty': '暂无数据',
  'chart.emptyHint': '事件到达后图表会自动更新。',
  'chart.frtEmpty': '暂无首次响应',

  'frt.p50': 'P50',
  'frt.p90': 'P90',

  'signin.title': '登录 Omnilane',
  'signin.prompt': '请用用户名和密码登录（首次启动后：见 omnilane 命令行提示的文件）。',
  'signin.username': '用户名',
  'signin.label': '密码',
  'signin.submit': '登录',
  'signin.rejected': '用户名或密码错误，请检查后重试。',
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

  'nav.label': '视图',
  'nav.board': '实时看板',
  'nav.attribution': '归因',

  'attr.title': '归因分析',
  'attr.summary': '最近一次计算 {time} · {journeys} 条旅程 · {conversions} 次转化 · 窗口 {from} – {to}',
  'attr.empty': '暂无归因结果',
  'attr.emptyHint': '有成交被归因后，这里会显示结果。',
  'attr.refresh': '刷新',
  'attr.run': '立即计算',
  'attr.running': '计算中…',
  'attr.error': '加载失败：{message}',
  'attr.models': '各模型按渠道对比',
  'attr.metric.label': '显示',
  'attr.metric.conversions': '转化数',
  'attr.metric.value': '成交金额',
  'attr.table': '归因值、移除效应与 95% 区间',
  'attr.col.model': '模型',
  'attr.col.channel': '渠道',
  'attr.col.removal': '移除效应',
  'attr.col.conversions': '转化数',
  'attr.col.value': '金额',
  'attr.col.ci': '95% 区间',
  'attr.graph': '马尔可夫转移图',
  'attr.graphEmpty': '暂无转移数据',
  'attr.state.start': '开始',
  'attr.state.conversion': '转化',
  'attr.state.null': '未转化',

  'model.markov': '马尔可夫链',
  'model.shapley': '沙普利值',
  'model.first': '首次触点',
  'model.last': '末次触点',
  'model.linear': '线性',
  'model.time_decay': '时间衰减',
  'model.position': '位置 40/20/40',

  'touch.chat': '{channel}咨询',
  'touch.phone_follow_up': '电话回访',

  'funnel.title': '漏斗分析',
  'funnel.by': '分组',
  'funnel.by.channel': '渠道',
  'funnel.by.source': '来源',
  'funnel.by.segment': '客户分群',
  'funnel.window': '每步转化窗口：{hours} 小时',
  'funnel.step.inquiry': '咨询',
  'funnel.step.opportunity': '商机',
  'funnel.step.deal': '成交',
  'funnel.col.group': '分组',
  'funnel.col.toOpportunity': '咨询 → 商机',
  'funnel.col.toDeal': '商机 → 成交',
  'funnel.col.overall': '咨询 → 成交',
  'funnel.col.timeToDeal': '平均成交用时',
  'funnel.none': '（无）',
  'funnel.total': '全部',
  'funnel.empty': '该时间段内没有咨询',
};

const zhCN: Catalogue = { ...baseZhCN, ...boardKpiZhCN, ...consoleZhCN, ...opportunityZhCN, ...botZhCN, ...followupZhCN, ...auditZhCN, ...experimentsZhCN };

/** Supported locales, Chinese first: the primary users are Chinese-speaking sales managers. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const catalogues: Record<Locale, Catalogue> = { 'zh-CN': zhCN, en };

/** Label shown for each locale in the language switch (always in its own language). */
export const localeNames: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };
