export { webchatRoutes, type WebchatRoutesOptions } from './webchat-routes.js';
export { WebchatService, WEBCHAT_PRODUCER, visitorEventId, type WebchatOptions, type ConversationRef } from './webchat-service.js';
export { InProcessHub, type WebchatHub, type HubListener } from './hub.js';
export { RedisHub } from './redis-hub.js';
export { ConversationLog, appendMessageScript, messagesAfter, type ConversationMeta, type AppendResult } from './conversation-log.js';
export {
  parseClientFrame,
  TokenBucket,
  WEBCHAT_CLOSE,
  MAX_FRAME_BYTES,
  MAX_TEXT_LENGTH,
  type ClientFrame,
  type ServerFrame,
  type ChatMessage,
  type WebchatErrorCode,
} from './protocol.js';
export { checkSite, originAllowedAnywhere, type WebchatSiteKey } from './site-keys.js';
export { DEFAULT_LIMITS, type ConnectionLimits } from './visitor-connection.js';
