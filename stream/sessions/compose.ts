import type { Clock } from '../../shared/clock.js';
import type { Config } from '../../shared/config.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { CrmPort } from '../crm/crm-port.js';
import { EmbeddedCrm } from '../crm/embedded-crm.js';
import { HttpCrm } from '../crm/http-crm.js';
import { IdentityService } from '../identity/identity-service.js';
import { SessionStep } from './session-step.js';

export interface Workbench {
  /** Absent when IDENTITY_ENABLED=false or the process has no state store. */
  identity?: IdentityService;
  sessions: SessionStep;
  crm: CrmPort;
  sessionExpiryMs: number;
}

/** The composition root's slice for identity, sessions, priority and CRM (cli/runtime.ts wires it). */
/** `seqFloor`: reads the highest customer seq in the warehouse, where this process has one (see IdentityOptions). */
export function composeWorkbench(cfg: Config, state: StateStore, clock: Clock, hasState: boolean, seqFloor?: () => Promise<number>): Workbench {
  const identity =
    hasState && cfg.identityEnabled
      ? new IdentityService({ state, clock, defaultCountryCode: cfg.identityDefaultCountryCode, maxSharedCustomers: cfg.identityMaxShared, seqFloor })
      : undefined;
  const sessions = new SessionStep({
    state,
    ttlMs: Math.max(cfg.stateTtlMs, cfg.sessionExpiryMs),
    rules: {
      switchWindowMs: cfg.sessionSwitchWindowMs,
      expiryMs: cfg.sessionExpiryMs,
      priority: { channels: { ...cfg.channelPriority }, defaultChannel: 10, urgentKeywords: [...cfg.urgentKeywords], urgentBoost: cfg.urgentPriorityBoost },
    },
  });
  const crm = cfg.crmUrl ? new HttpCrm({ url: cfg.crmUrl }) : new EmbeddedCrm();
  return { identity, sessions, crm, sessionExpiryMs: cfg.sessionExpiryMs };
}
