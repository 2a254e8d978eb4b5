/**
 * Seed training set for the built-in intent classifier: short, realistic sales and support chat messages written
 * for Omnilane (not copied from any corpus), 30+ per intent per language. Kept separate from eval-examples.ts.
 */
import type { Intent } from './intent-port.js';

export interface LabelledExample {
  text: string;
  intent: Intent;
  lang: 'zh' | 'en' | 'mixed';
}

const ZH: Record<Intent, string[]> = {
  pre_sale: [
    '你好，请问这款软件多少钱？', '能给我发一份报价单吗', '企业版的价格是怎么算的', '有没有免费试用', '现在买有什么优惠活动吗',
    '我们公司想采购五十个账号', '标准版和专业版有什么区别', '可以预约一个产品演示吗', '年付有折扣吗', '你们的套餐都包含哪些功能',
    '想了解一下你们的产品', '批量购买能便宜点吗', '请问支持私有化部署吗，费用多少', '试用期是多长时间', '我想买两台，能开个价吗',
    '有没有适合小团队的方案', '收费标准是按人头还是按年', '你们和竞品比有什么优势', '能不能先试用再决定', '这个型号还有现货吗，我想下单',
    '代理商怎么合作', '可以定制开发吗，大概什么价位', '续费有没有老客户优惠', '请问教育机构有特价吗', '我在考虑买你们的CRM',
    '你们的价格表能发我一下吗', '升级到高级版要加多少钱', '支持哪些付款方式', '报价含税吗', '想咨询一下会员套餐',
    '双十一有活动吗', '这个功能在基础版里有吗',
  ],
  tech_support: [
    '登录不了，一直提示密码错误', 'APP打开就闪退', '页面一直在加载，打不开', '系统报错了，错误代码500', '收不到验证码',
    '软件更新后就崩溃了', '数据同步失败怎么办', '接口调用一直超时', '安装的时候提示失败', '后台白屏了',
    '无法上传文件', '账号被锁定了，登不上去', '导出报表时出错', '手机端卡顿得厉害', '重置密码的邮件没收到',
    '打印功能不能用了', '连不上服务器', '配置完之后还是不生效', '点了保存没有反应', '图片显示不出来',
    '视频通话一直断线', '扫码登录失败', '程序运行到一半卡住了', '插件装不上', '提示网络异常，但我网络是好的',
    '为什么我的数据不见了', '系统老是自动退出', '客户端启动报错', '怎么设置双重验证', '消息推送收不到',
    'API返回401是什么原因', '电脑版和手机版数据不同步',
  ],
  after_sale: [
    '我的订单什么时候发货', '我要退款', '收到的货有破损，想退货', '请帮我开一张发票', '物流三天没更新了',
    '快递显示签收了但我没收到', '想换一个颜色，可以换货吗', '产品坏了在保修期内吗', '怎么申请维修', '退款什么时候到账',
    '发票抬头写错了，能重开吗', '订单号123456，帮我查一下物流', '包裹寄错地址了', '我想取消订单', '退货运费谁出',
    '收到的数量不对，少了一件', '能帮我改一下收货地址吗', '电子发票在哪里下载', '已经寄回去了，什么时候退钱', '商品和描述不一样，申请售后',
    '还没有发货吗，都一周了', '维修寄回来要多久', '换货的单号是多少', '我要开增值税专用发票', '到货时间大概是哪天',
    '七天无理由退货怎么操作', '快递员说联系不上我', '请问订单状态怎么查', '配件少了一个，补发一下', '续费的发票怎么开',
    '退款被拒了，为什么', '想把订单拆成两次发',
  ],
  complaint: [
    '我要投诉你们的客服', '太慢了，等了一个小时都没人回', '服务态度太差了', '非常不满意，要给差评', '你们就是骗子',
    '质量这么垃圾还卖这么贵', '太让人失望了', '说好的三天到货，现在还没到，骗人', '找你们经理出来', '再不解决我就去12315举报',
    '客服一直敷衍我', '被你们坑了', '气死我了，问了五遍都没人管', '这种服务真离谱', '我要求赔偿',
    '发了好几条消息没人理', '你们的销售忽悠我买的', '以后再也不买了', '受够了，一个问题拖了一个月', '我要去网上曝光你们',
    '态度恶劣，必须道歉', '说话这么冲，什么意思', '承诺的东西一样都没做到', '这是我用过最差的产品', '投诉无门，太生气了',
    '乱扣费，必须给个说法', '每次都说在处理，处理到现在', '你们的售后简直形同虚设', '我很不满意这次的处理结果', '真是浪费我的时间',
    '要是今天不给答复我就投诉到消协', '这么大公司怎么这么不靠谱',
  ],
  other: [
    '你好', '在吗', '谢谢', '好的，明白了', '再见',
    '今天天气不错', '请问你们公司地址在哪里', '你们招聘销售吗', '我是来应聘的', '你们几点下班',
    '哈哈', '收到', '嗯嗯', '没事了', '你是机器人吗',
    '可以留个联系方式吗', '我随便看看', '你们周末上班吗', '能加个微信吗', '好的谢谢你',
    '早上好', '不用了，谢谢', '我再想想', '帮我转人工', '你叫什么名字',
    '请问有人吗', '你们公司成立多久了', '我是供应商，想找采购部', '打错了', '晚安',
    '这个号码是谁的', '稍等一下',
  ],
};

const EN: Record<Intent, string[]> = {
  pre_sale: [
    'Hi, how much does the pro plan cost?', 'Can you send me a quote for 20 seats?', 'Do you offer a free trial?', 'Is there a discount for annual billing?', "I'd like to book a demo",
    'What is the pricing for the enterprise edition?', "We're evaluating tools like yours, what features do you have?", 'Do you have a cheaper plan for startups?', 'Can I buy a license for my whole team?', 'What is the difference between basic and premium?',
    'Are there any promotions this month?', 'We want to purchase 100 units, do you do bulk pricing?', 'Is the price per user or per month?', 'Interested in your product, can someone from sales call me?', 'How long is the trial period?',
    'Do you offer discounts for nonprofits?', 'Can I upgrade later if I start with the small package?', 'Does the subscription include support?', 'Which payment methods do you accept?', 'Is VAT included in the quote?',
    'Do you have this model in stock? I want to order two', 'Can you customize the product for our workflow, and what would it cost?', 'Looking for a reseller partnership', 'What do I get with the starter plan?', 'Is there a student price?',
    'Could you share your price list?', 'How does your product compare to the competitors?', 'Thinking about buying, any coupon?', 'Can we get a proof of concept before we sign?', 'What would renewal cost next year?',
    'Do you support on-premise deployment and how is it priced?', 'Is there a Black Friday deal?',
  ],
  tech_support: [
    "I can't log in, it says wrong password", 'The app crashes every time I open it', 'Getting error 500 on the dashboard', 'I never got the verification code', 'The page is stuck on loading',
    'Sync has been failing since yesterday', 'API calls keep timing out', 'Installation fails halfway', 'Blank screen after the latest update', 'Unable to upload attachments',
    'My account is locked', 'Export to Excel throws an error', 'The mobile app is super laggy', 'Password reset email never arrives', 'Printing does not work anymore',
    'Cannot connect to the server', 'I changed the settings but nothing happens', 'Clicking save does nothing', 'Images are not displaying', 'Video calls keep dropping',
    'QR code login failed', 'The program freezes in the middle of a job', "The plugin won't install", 'It says network error but my internet is fine', 'My data disappeared',
    'It keeps logging me out', 'Desktop client shows an error on startup', 'How do I set up two-factor authentication?', 'Push notifications are not coming through', 'Why does the API return 401?',
    "Found a bug: the search doesn't return results", 'Data is not syncing between desktop and phone',
  ],
  after_sale: [
    'When will my order ship?', 'I want a refund', 'The item arrived damaged, I want to return it', 'Please send me an invoice', "Tracking hasn't updated in three days",
    'It says delivered but I never got the package', 'Can I exchange it for a different size?', 'Is this still under warranty?', 'How do I get it repaired?', 'When will the refund hit my account?',
    'The invoice has the wrong company name, can you reissue it?', 'Order 123456, where is my parcel?', 'The package went to the wrong address', "I'd like to cancel my order", 'Who pays for return shipping?',
    'I received the wrong quantity, one is missing', 'Can you change my delivery address?', 'Where can I download the receipt?', 'I already sent it back, when do I get my money?', 'The product is not as described, I need a replacement',
    "It still hasn't shipped after a week", 'How long does the repair take?', 'What is the tracking number for my exchange?', 'I need a VAT invoice for accounting', 'What is the expected delivery date?',
    'How does the 30 day return policy work?', 'The courier said he could not reach me', 'How do I check my order status?', 'An accessory was missing from the box, please send it', 'Can I get an invoice for my renewal?',
    'My refund request was rejected, why?', 'Can you split my order into two shipments?',
  ],
  complaint: [
    'I want to file a complaint about your support', 'Way too slow, I waited an hour with no reply', 'Your staff were rude to me', 'Very disappointed, leaving a bad review', 'This is a scam',
    'Terrible quality for such a high price', 'Absolutely unacceptable', 'You promised three days and it has been two weeks, liars', 'Let me speak to your manager', "If this isn't fixed today I'm reporting you to consumer protection",
    'Your agents keep brushing me off', 'I feel cheated', "I've asked five times and nobody cares", 'This service is a joke', 'I demand compensation',
    'Sent several messages and got ignored', 'Your salesperson lied to get me to buy', 'Never again', "I'm fed up, one issue dragged on for a month", "I'll post about this everywhere",
    'Horrible attitude, I expect an apology', 'Worst product I have ever used', 'You charged me twice and nobody explains why, this is outrageous', "Every time you say you're working on it", 'Your after-sales is useless',
    'I am very unhappy with how this was handled', 'What a waste of my time', "I'm contacting my lawyer", 'How can a company this big be so unreliable', 'Awful experience from start to finish',
    'I am furious about this', 'Worst customer service ever',
  ],
  other: [
    'Hello', 'Hi there', 'Thanks!', 'Ok got it', 'Bye',
    'Nice weather today', 'Where is your office located?', 'Are you hiring?', "I'm applying for the job", 'What time do you close?',
    'lol', 'Noted', 'ok ok', 'Never mind', 'Are you a bot?',
    'Can I have your contact details?', 'Just browsing', 'Are you open on weekends?', 'Do you have WhatsApp?', 'Ok thank you',
    'Good morning', 'No thanks', "I'll think about it", 'Talk to a human please', "What's your name?",
    'Anyone there?', 'How long has your company been around?', "I'm a supplier looking for your procurement team", 'Wrong number sorry', 'Good night',
    'Who is this?', 'One moment please',
  ],
};

export const SEED_EXAMPLES: readonly LabelledExample[] = [
  ...Object.entries(ZH).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent: intent as Intent, lang: 'zh' as const }))),
  ...Object.entries(EN).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent: intent as Intent, lang: 'en' as const }))),
];
