export type { CrmLookupKey, CrmOrder, CrmPort, CrmRecord } from './crm-port.js';
export { EmbeddedCrm, demoRecord } from './embedded-crm.js';
export { HttpCrm, type HttpCrmOptions } from './http-crm.js';
