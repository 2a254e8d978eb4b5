import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/envelope.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { deskWorld } from './test/desk-world.js';

describe('routing triage', () => {
  it('takes a stated intent as given and classifies the text otherwise', async () => {
    const state = new MemoryStateStore({ clock: { now: () => Date.now() } });
    const world = await deskWorld([state]);
    const { service, desk } = world.workers[0];
    const started = (id: string, properties: Record<string, unknown>): EventEnvelope => ({ id: `s-${id}`, producer: 'test', type: 'conversation.started', channel: 'web', occurred_at: world.clock.now(), received_at: world.clock.now(), customer_key: `k-${id}`, customer: { external_id: id }, conversation_id: id, agent_id: null, properties });
    await service.intake(started('x1', { intent: 'pre_sale' })); // no text: the stated intent decides → g1
    await service.intake(started('x2', { text: '我想买企业版，多少钱？' })); // classified pre_sale → g1
    await service.intake(started('x3', { intent: 'not-an-intent' })); // unknown and no text → other → g2
    expect((await desk.store.conv('x1'))?.group).toBe('g1');
    expect((await desk.store.conv('x2'))?.group).toBe('g1');
    expect((await desk.store.conv('x3'))?.group).toBe('g2');
    await state.close();
  });
});
