import type { PersonalData } from '../shared/privacy/personal-data.js';
import { SuggestStore } from '../stream/suggest/suggest-store.js';
import type { Clock } from '../shared/clock.js';
import type { BotConfig, Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { EventBus } from '../shared/ports/event-bus.js';
import type { StateStore } from '../shared/ports/state-store.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import { BuiltinIntentClassifier } from '../stream/intent/builtin-classifier.js';
import type { IntentClassifier } from '../stream/intent/intent-port.js';
import type { RoutingPolicy } from '../stream/routing/policies.js';
import { defaultRegistry } from '../stream/routing/rules.js';
import { loadRoster } from '../stream/routing/roster.js';
import { RoutingDesk } from '../stream/routing/routing-desk.js';
import { RoutingService } from '../stream/routing/routing-service.js';
import { PredictiveTrainer } from '../stream/routing/predictive/trainer.js';
import { BotResponder } from '../stream/bot/bot-responder.js';
import { botSwitch } from '../stream/bot/bot-switch.js';
import { FaqBot } from '../stream/bot/faq-bot.js';
import { loadKnowledgeBase } from '../stream/bot/knowledge-base.js';
import { busPublisher } from '../stream/experiments/bus-publish.js';
import { ExperimentService } from '../stream/experiments/experiment-service.js';
import { ExperimentAssigner } from '../stream/experiments/exposure.js';

/** The FAQ bot from BOT_KNOWLEDGE_DIR (bad articles are logged and skipped; an empty base hands everything over). */
function startBot(cfg: BotConfig, desk: RoutingDesk, clock: Clock, log: Logger): BotResponder {
  const blog = log.child({ stage: 'bot' });
  const kb = loadKnowledgeBase(cfg.knowledgeDir);
  for (const e of kb.errors) blog.warn({ code: e.code, file: e.file, line: e.line }, e.reason);
  blog.info({ articles: kb.articles.length, channels: cfg.channels, minConfidence: cfg.minConfidence }, 'FAQ bot on');
  const allowed = botSwitch({ channels: cfg.channels, queues: desk.roster.queues });
  return new BotResponder({
    bot: new FaqBot({ articles: kb.articles, minConfidence: cfg.minConfidence }),
    allowed,
    desk,
    state: desk.o.state,
    personal: desk.o.personal,
    clock,
    log: blog,
  });
}

export interface RoutingRuntime {
  desk: RoutingDesk;
  /**
   * The policies decisions look up by name, live: the PredictiveTrainer puts
   * `predictive` here once the warehouse holds enough history (and retrains it
   * every ROUTING_MODEL_INTERVAL_MIN). Until then a queue naming it is ranked least-loaded.
   */
  registry: Map<string, RoutingPolicy>;
  service?: RoutingService;
  /** The FAQ bot on the live path (BOT_ENABLED, in the process that runs the routing service). */
  bot?: BotResponder;
  stop(): Promise<void>;
}

/**
 * Routing in a process: the desk (console actions) wherever there is a state
 * store and a bus, and the RoutingService (bus consumer, timers) in a
 * process with the stream role. A bad ROUTING_CONFIG throws CFG_ERR_INVALID.
 * With `demo`, agents without a presence count as online so demo traffic gets routed.
 */
export async function startRouting(o: {
  cfg: Config;
  engines: { bus: EventBus; state: StateStore; warehouse: Warehouse };
  clock: Clock;
  log: Logger;
  demo: boolean;
  service: boolean;
  /** Seals what routing stores and publishes, opens what it consumes (docs/privacy.md); absent: plain. */
  personal?: PersonalData;
  /** Classifies customers' words (the built-in classifier on this thread when absent). */
  classifier?: IntentClassifier;
}): Promise<RoutingRuntime> {
  const roster = loadRoster(o.cfg.routing.config);
  if (o.cfg.routing.acceptTimeoutMs) roster.acceptTimeoutMs = o.cfg.routing.acceptTimeoutMs;
  const registry = defaultRegistry(roster.rules);
  const experiments = new ExperimentService(o.engines.warehouse, o.clock);
  const desk = new RoutingDesk({
    state: o.engines.state,
    bus: o.engines.bus,
    clock: o.clock,
    log: o.log.child({ stage: 'routing' }),
    roster,
    registry,
    rng: Math.random,
    ttlMs: o.cfg.state.ttlMs,
    defaultPresence: o.demo ? 'online' : 'offline',
    personal: o.personal,
    // Running routing_policy experiments rank their customers by the variant's policy (docs/experiments.md).
    experiments: new ExperimentAssigner({
      experiments: () => experiments.list(),
      state: o.engines.state,
      clock: o.clock,
      publish: busPublisher(o.engines.bus, o.clock, o.personal),
    }),
  });
  let service: RoutingService | undefined;
  let trainer: PredictiveTrainer | undefined;
  let bot: BotResponder | undefined;
  if (o.service && o.cfg.bot.enabled) bot = startBot(o.cfg.bot, desk, o.clock, o.log);
  if (o.service) {
    service = new RoutingService({
      bot,
      personal: o.personal,
      desk,
      warehouse: o.engines.warehouse,
      classifier: o.classifier ?? new BuiltinIntentClassifier(),
      suggestions: new SuggestStore(o.engines.state),
      priority: {
        channels: { ...o.cfg.routing.channelPriority },
        defaultChannel: 10,
        urgentKeywords: [...o.cfg.routing.urgentKeywords],
        urgentBoost: o.cfg.routing.urgentPriorityBoost,
      },
    });
    await service.start();
    // The process that routes also keeps the predictive policy trained from the warehouse history.
    trainer = new PredictiveTrainer({
      warehouse: o.engines.warehouse,
      registry,
      clock: o.clock,
      log: o.log.child({ stage: 'routing-model' }),
      intervalMs: o.cfg.routing.modelIntervalMs,
      lookbackDays: o.cfg.routing.modelLookbackDays,
    });
    trainer.start();
  }
  return {
    desk,
    registry,
    service,
    bot,
    stop: async () => {
      await trainer?.stop();
      await service?.stop();
      await bot?.idle();
    },
  };
}
