export { identifiersOf, isWeak, kindOf, normalisePhoneE164, byteCompare, type Identifier, type NormaliseOptions } from './identifiers.js';
export { resolveLocal, splitLocal, rootOf, type IdTx, type Resolution, type SplitResult } from './identity-core.js';
export { IDENTITY_SEQ_KEY, resolveIdentityScript, splitIdentityScript } from './identity-scripts.js';
export { IdentityService, type CustomerIdentity, type IdentityOptions, type IdentityResolver, type ResolvedEnvelope } from './identity-service.js';
