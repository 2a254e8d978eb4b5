export type { CrmLookupKey, CrmOpportunity, CrmOrder, CrmPort, CrmRecord, OpportunityStage } from './crm-port.js';
export { OPPORTUNITY_STAGES } from './crm-port.js';
export { EmbeddedCrm, demoRecord } from './embedded-crm.js';
export { HttpCrm, type HttpCrmOptions } from './http-crm.js';
