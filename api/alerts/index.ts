export { AlertEvaluator, breaches, type FiringAlert, type AlertEvaluatorOptions } from './evaluator.js';
export { AlertWebhook, type AlertTransition, type WebhookOptions } from './webhook.js';
export { parseAlertRules, checkRule, DEFAULT_ALERT_RULES, ALERT_OPS, type AlertRule, type AlertOp } from '../../shared/alert-rules.js';
export { alertRoutes } from './alert-routes.js';
