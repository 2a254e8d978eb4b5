/**
 * Held-out evaluation set for the built-in intent classifier: messages NOT in seed-examples.ts, in Chinese,
 * English and mixed zh/en, with typos, emoji, full-width punctuation and a few traditional characters.
 */
import type { LabelledExample } from './seed-examples.js';

const e = (intent: LabelledExample['intent'], lang: LabelledExample['lang'], texts: string[]): LabelledExample[] => texts.map((text) => ({ text, intent, lang }));

export const EVAL_EXAMPLES: readonly LabelledExample[] = [
  ...e('pre_sale', 'zh', ['这个系统一年多少钱？', '麻烦出个报价，我们有30个人', '试用版可以用几天😊', '請問價格怎麼算', '专业版现在有优惠吗！', '我们打算采购一批，能打折吗', '旗舰版包含哪些功能？', '想预约演示，下周可以吗', '你们按什么收费的', '我不是要投诉，就想问问价格']),
  ...e('pre_sale', 'en', ['how much for 10 users?', 'Could I get a quote please 🙏', 'is there a trail version', 'What does the premium plan include?', 'Any discount if we pay yearly?', "We're interested in buying for our sales team", 'Can we schedule a demo next week?', 'pricing for enterprise?', 'Do you sell licences for schools?', "no complaints, just want to know the cost of the upgrade"]),
  ...e('pre_sale', 'mixed', ['想要一个demo，下周方便吗', 'pro版本的pricing是多少', '请问有free trial吗']),
  ...e('tech_support', 'zh', ['登陆不上去了，怎么回事', 'app一打开就崩溃😭', '提示系统错误，无法提交', '验证码一直收不到！！', '更新以后页面白屏', '同步老是失败', '打开报表就卡住不动', '手机版登录不了', '文件上传失败，提示网络异常', '忘记密码了怎么重置']),
  ...e('tech_support', 'en', ["cant login since this morning", 'the app keeps crashing on android', 'Getting an error when I try to export', 'verification code never comes', 'screen goes blank after update', 'sync failed again!!', 'the dashboard is stuck loading forever', "password reset link doesn't work", 'I think I found a bug in the calendar', 'webhook requests are timing out']),
  ...e('tech_support', 'mixed', ['login的时候一直报错', 'app闪退了，是bug吗', '上传file失败，显示error 413']),
  ...e('after_sale', 'zh', ['我的快递到哪了', '申请退款，谢谢', '衣服尺码不对，想退货', '帮我开个发票，抬头是公司', '物流一直没有更新', '订单显示已签收，但我没拿到', '东西坏了，能保修吗', '退款怎么还没到账？', '能不能换个颜色', '發票什麼時候能開好']),
  ...e('after_sale', 'en', ['where is my package?', 'i want my money back, please refund', 'the box arrived crushed, how do I return it', 'Need an invoice for order 7788', 'tracking number is not working', 'my order still not delivered 📦', 'can I swap this for a bigger size', 'is the warranty still valid?', 'refund not recieved yet', 'please cancel my order']),
  ...e('after_sale', 'mixed', ['我的order什么时候发货', 'refund什么时候到账', '帮我开invoice']),
  ...e('complaint', 'zh', ['我要投诉！！', '等了半天没人回复，太慢了', '客服态度太差', '非常失望，差评', '你们这是骗人的吧', '什么破东西，垃圾', '再这样我就去投诉你们', '找你们领导来', '气死了，没人管', '這服務太差了，我不滿意']),
  ...e('complaint', 'en', ['This is terrible service', 'worst experiance ever 😡', 'completely unacceptable', 'I want to complain about your agent', "You guys are scammers", 'I am really disappointed', 'get me your manager now', 'nobody answers, ridiculous', 'the rudest support I have dealt with', 'I will never buy from you again']),
  ...e('complaint', 'mixed', ['你们的service太差了', '我要complaint你们的销售', 'terrible，太让人失望了']),
  ...e('other', 'zh', ['您好', '在不在', '好的👌', '谢谢啦', '拜拜', '你们在哪个城市', '能给个电话吗', '我再考虑一下', '有人吗？', '早安']),
  ...e('other', 'en', ['hey', 'thx', 'ok 👍', 'see you', 'where are you based?', 'can I get your phone number', "I'll get back to you", 'is anyone there?', 'good afternoon', 'cool']),
  ...e('other', 'mixed', ['hi，你好', 'ok好的', 'thanks谢谢']),
];
