export { SESSION_TYPES, continues, foldSessions, mergedAway, tagsOf, type SessionFoldInput, type SessionFoldOutput, type SessionRules, type SessionState } from './session-fold.js';
export { SessionStep, sessionKey, type SessionBatch } from './session-step.js';
export {
  DEFAULT_CHANNEL_PRIORITY,
  DEFAULT_URGENT_BOOST,
  DEFAULT_URGENT_KEYWORDS,
  conversationPriority,
  defaultPriorityRules,
  isUrgent,
  parseChannelPriority,
  parseKeywords,
  type PriorityInput,
  type PriorityRules,
} from './priority.js';
export {
  closedConversationKey,
  conversationIdFor,
  openConversationCall,
  openConversationKey,
  openConversationScript,
  type OpenConversationDecision,
  type OpenConversationRequest,
} from './open-conversation.js';
