const en = {
  title: 'Chat with us',
  open: 'Open chat',
  close: 'Close chat',
  placeholder: 'Type a message…',
  send: 'Send',
  typing: 'Agent is typing…',
  read: 'Read',
  failed: 'Not sent',
  sending: 'Sending…',
  offline: 'Reconnecting…',
  welcome: 'Hi! How can we help you?',
};
export type Messages = typeof en;
const zh: Messages = {
  title: '在线咨询',
  open: '打开聊天',
  close: '关闭聊天',
  placeholder: '输入消息…',
  send: '发送',
  typing: '客服正在输入…',
  read: '已读',
  failed: '未发送',
  sending: '发送中…',
  offline: '正在重新连接…',
  welcome: '您好！有什么可以帮您？',
};

/** zh-CN for any Chinese browser language, English otherwise. */
export function pickMessages(languages: readonly string[]): { lang: 'zh-CN' | 'en'; t: Messages } {
  const zhFirst = languages.find((l) => /^(zh|en)/i.test(l));
  return zhFirst && /^zh/i.test(zhFirst) ? { lang: 'zh-CN', t: zh } : { lang: 'en', t: en };
}
