import type { Script } from './script.js';

/**
 * The shipped zh/en demo script library (the seed's example: a price-sensitive customer asking about price
 * gets the time-limited offer). Managers replace it with `PUT /v1/suggestions/scripts`.
 */
export const DEMO_LIBRARY: readonly Script[] = Object.freeze([
  // Price-sensitive customers: the time-limited offer, and value rather than discount.
  { id: 'offer-limited-zh', lang: 'zh', tags: ['price_sensitive'], stages: [], intents: ['price_inquiry', 'purchase'], text: '{{name}}，{{product}}现在有限时优惠，{{offer_end}}前下单立享折扣，名额有限，需要我帮您锁定吗？' },
  { id: 'offer-limited-en', lang: 'en', tags: ['price_sensitive'], stages: [], intents: ['price_inquiry', 'purchase'], text: 'Hi {{name}}, {{product}} is on a time-limited offer: order before {{offer_end}} and the discount applies right away. Shall I hold it for you?' },
  { id: 'value-breakdown-zh', lang: 'zh', tags: ['price_sensitive'], stages: [], intents: ['price_inquiry', 'feature_comparison'], text: '{{name}}，我帮您算一下：{{product}}按使用年限平均下来每天不到一杯咖啡的钱，而且包含免费升级和售后。' },
  { id: 'value-breakdown-en', lang: 'en', tags: ['price_sensitive'], stages: [], intents: ['price_inquiry', 'feature_comparison'], text: 'Let me break it down, {{name}}: spread over its lifetime, {{product}} costs less than a coffee a day, with free upgrades and support included.' },
  // Price questions from everyone else.
  { id: 'quote-clear-zh', lang: 'zh', tags: [], stages: [], intents: ['price_inquiry'], text: '{{name}}您好，{{product}}的报价我马上发您，请问您大概需要多少数量/席位？我按您的用量给您最合适的方案。' },
  { id: 'quote-clear-en', lang: 'en', tags: [], stages: [], intents: ['price_inquiry'], text: 'Hi {{name}}, I will send you the quote for {{product}} right away. How many units or seats do you need? I will match the plan to your usage.' },
  { id: 'vip-exclusive-zh', lang: 'zh', tags: ['VIP', 'high_value'], stages: [], intents: ['price_inquiry', 'purchase'], text: '{{name}}，作为我们的尊享客户，{{product}}可以为您申请专属价格和一对一的顾问服务。' },
  { id: 'vip-exclusive-en', lang: 'en', tags: ['VIP', 'high_value'], stages: [], intents: ['price_inquiry', 'purchase'], text: '{{name}}, as one of our valued customers you qualify for exclusive pricing on {{product}} and a dedicated adviser.' },
  // Comparison and purchase.
  { id: 'compare-table-zh', lang: 'zh', tags: [], stages: [], intents: ['feature_comparison'], text: '{{name}}，我整理了一份{{product}}各版本的对比表发给您，您最看重哪几项功能？我帮您挑最合适的。' },
  { id: 'compare-table-en', lang: 'en', tags: [], stages: [], intents: ['feature_comparison'], text: 'I have a side-by-side comparison of every edition of {{product}} for you, {{name}}. Which features matter most to you?' },
  { id: 'close-order-zh', lang: 'zh', tags: [], stages: ['discussing', 'closing'], intents: ['purchase'], text: '好的{{name}}，我现在就为您生成{{product}}的订单链接，支持微信、支付宝和对公转账。' },
  { id: 'close-order-en', lang: 'en', tags: [], stages: ['discussing', 'closing'], intents: ['purchase'], text: 'Great, {{name}}! I will send you the order link for {{product}} now; you can pay by card or bank transfer.' },
  // Service intents.
  { id: 'after-sale-zh', lang: 'zh', tags: [], stages: [], intents: ['after_sale', 'logistics'], text: '{{name}}您好，麻烦提供一下订单号，我马上为您查询处理进度。' },
  { id: 'after-sale-en', lang: 'en', tags: [], stages: [], intents: ['after_sale', 'logistics'], text: 'Hi {{name}}, could you share your order number? I will check the status for you right away.' },
  { id: 'tech-help-zh', lang: 'zh', tags: [], stages: [], intents: ['tech_support'], text: '{{name}}，请问您看到的报错提示是什么？方便的话截个图给我，我帮您一步步排查。' },
  { id: 'tech-help-en', lang: 'en', tags: [], stages: [], intents: ['tech_support'], text: 'Sorry about that, {{name}}. What error message do you see? A screenshot helps me walk you through the fix.' },
  { id: 'apology-zh', lang: 'zh', tags: [], stages: [], intents: ['complaint'], text: '{{name}}，非常抱歉给您带来不好的体验，我会亲自跟进这个问题，今天之内给您答复。' },
  { id: 'apology-en', lang: 'en', tags: [], stages: [], intents: ['complaint'], text: 'I am very sorry for the trouble, {{name}}. I will follow this up personally and get back to you today.' },
  // Openings and anything else.
  { id: 'greet-zh', lang: 'zh', tags: [], stages: ['opening'], intents: ['other', 'human_agent'], text: '{{name}}您好，我是您的专属顾问，很高兴为您服务，请问有什么可以帮您？' },
  { id: 'greet-en', lang: 'en', tags: [], stages: ['opening'], intents: ['other', 'human_agent'], text: 'Hi {{name}}, I am your adviser today. How can I help?' },
  { id: 'follow-up-zh', lang: 'zh', tags: [], stages: ['discussing'], intents: ['other', 'human_agent'], text: '{{name}}，关于{{product}}您还有什么顾虑吗？我可以把详细资料发您参考。' },
  { id: 'follow-up-en', lang: 'en', tags: [], stages: ['discussing'], intents: ['other', 'human_agent'], text: 'Is there anything else about {{product}} I can clear up for you, {{name}}? I can send you the details.' },
]);
