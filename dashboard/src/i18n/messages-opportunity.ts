/** Console messages for qualifying a sales conversation as an opportunity and the customer's opportunities. */
export const opportunityEn = {
  'console.opportunity.title': 'Sales opportunity',
  'console.opportunity.value': 'Expected value (CNY)',
  'console.opportunity.product': 'Product',
  'console.opportunity.submit': 'Qualify as opportunity',
  'console.opportunity.valueInvalid': 'Enter the expected value as a number ≥ 0, or leave it empty.',
  'console.opportunity.done': 'Opportunity {id} saved to the CRM',
  'console.opportunity.notSales': 'Only price, comparison or purchase conversations can become opportunities.',
  'console.opportunities.title': 'Opportunities',
  'console.opportunities.empty': 'No opportunities',
} as const;

export const opportunityZhCN: Record<keyof typeof opportunityEn, string> = {
  'console.opportunity.title': '销售商机',
  'console.opportunity.value': '预计金额（元）',
  'console.opportunity.product': '产品',
  'console.opportunity.submit': '转为商机',
  'console.opportunity.valueInvalid': '请输入不小于 0 的预计金额，或留空。',
  'console.opportunity.done': '商机 {id} 已同步到 CRM',
  'console.opportunity.notSales': '只有询价、产品对比或购买类会话可以转为商机。',
  'console.opportunities.title': '商机',
  'console.opportunities.empty': '暂无商机',
};
