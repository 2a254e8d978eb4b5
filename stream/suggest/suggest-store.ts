import type { StateStore } from '../../shared/ports/state-store.js';
import type { Posterior } from './bandit.js';
import { csatReward, REWARD } from './bandit.js';
import { checkLibrary, type Script } from './script.js';
import { DEMO_LIBRARY } from './demo-library.js';

/** Rewards are stored in thousandths so that hincrBy (integers on both adapters) can add them atomically. */
const MILLI = 1000;
const postKey = (ctx: string) => `sg:post:${ctx}`;
const onceKey = (conv: string, script: string, what: string) => `sg:once:${conv}:${script}:${what}`;
const usedKey = (conv: string) => `sg:used:${conv}`;
const shownKey = (conv: string) => `sg:shown:${conv}`;
const LIBRARY_KEY = 'sg:library';

export type Outcome = 'opportunity' | 'deal' | 'csat';

/**
 * Suggestion state in the StateStore: the library, the bandit's posteriors per (context, script) as hash fields
 * `<script>:n` (trials) and `<script>:r` (reward in thousandths) of `sg:post:<context>`, and per-conversation
 * markers that make every count idempotent: a script counts as shown once per conversation, used once, and
 * rewarded once per (conversation, script, outcome). A marker is set before its increment, so a crash between the
 * two loses that one count (at most once) and never counts it twice.
 */
export class SuggestStore {
  constructor(
    private readonly state: StateStore,
    private readonly markerTtlMs = 30 * 24 * 3_600_000,
  ) {}

  /** The managed library, or the shipped demo library when none was saved. */
  async library(): Promise<Script[]> {
    const raw = await this.state.get(LIBRARY_KEY);
    return raw ? (JSON.parse(raw) as Script[]) : [...DEMO_LIBRARY];
  }

  /** Replaces the library; throws a RangeError naming the problem when a script is invalid. */
  async saveLibrary(scripts: Script[]): Promise<void> {
    const r = checkLibrary(scripts);
    if (!r.ok) throw new RangeError(r.message);
    await this.state.set(LIBRARY_KEY, JSON.stringify(scripts));
  }

  /**
   * Creates or replaces one script (by id), keeping the others in order; a RangeError names a bad script. A
   * read-modify-write of the one library value: two managers saving at the same instant may lose one edit.
   */
  async putScript(script: Script): Promise<{ created: boolean; scripts: number }> {
    const lib = await this.library();
    const i = lib.findIndex((s) => s.id === script.id);
    if (i >= 0) lib[i] = script;
    else lib.push(script);
    await this.saveLibrary(lib);
    return { created: i < 0, scripts: lib.length };
  }

  /** Deletes one script; the scripts left, or null when there was none with that id. */
  async deleteScript(id: string): Promise<number | null> {
    const lib = await this.library();
    const next = lib.filter((s) => s.id !== id);
    if (next.length === lib.length) return null;
    await this.saveLibrary(next);
    return next.length;
  }

  /** Posteriors of every script seen in a context. */
  async posteriors(ctx: string): Promise<Record<string, Posterior>> {
    const h = await this.state.hgetall(postKey(ctx));
    const out: Record<string, Posterior> = {};
    for (const [f, v] of Object.entries(h)) {
      const cut = f.lastIndexOf(':');
      const id = f.slice(0, cut);
      const p = (out[id] ??= { trials: 0, reward: 0 });
      if (f.endsWith(':n')) p.trials = Number(v);
      else if (f.endsWith(':r')) p.reward = Number(v) / MILLI;
    }
    return out;
  }

  /** The context a script was last shown in for a conversation, or null. */
  async shownContext(conv: string, scriptId: string): Promise<string | null> {
    return (await this.state.hgetall(shownKey(conv)))[scriptId] ?? null;
  }

  private async once(conv: string, script: string, what: string): Promise<boolean> {
    return this.state.setIfAbsent(onceKey(conv, script, what), '1', this.markerTtlMs);
  }

  /** Scripts shown for a conversation: one trial each, once per conversation. Returns how many were new. */
  async shown(conv: string, ctx: string, scriptIds: readonly string[]): Promise<number> {
    if (scriptIds.length === 0) return 0;
    // The context each script was last shown in: a later "used" is credited there.
    await this.state.hset(shownKey(conv), Object.fromEntries(scriptIds.map((id) => [id, ctx])));
    await this.state.expire(shownKey(conv), this.markerTtlMs);
    let n = 0;
    for (const id of scriptIds) {
      if (!(await this.once(conv, id, 'shown'))) continue;
      await this.state.hincrBy(postKey(ctx), `${id}:n`, 1);
      n++;
    }
    return n;
  }

  /**
   * A script inserted into the reply box: a small reward (less when the agent says it edited it), and the
   * (conversation → script, context) link that outcome rewards follow. Idempotent per (conversation, script).
   */
  async used(conv: string, ctx: string, scriptId: string, edited: boolean): Promise<boolean> {
    await this.state.hset(usedKey(conv), { [scriptId]: ctx });
    await this.state.expire(usedKey(conv), this.markerTtlMs);
    if (!(await this.once(conv, scriptId, 'used'))) return false;
    // A script used without a recorded show (a stale console) still counts as a trial.
    if (await this.once(conv, scriptId, 'shown')) await this.state.hincrBy(postKey(ctx), `${scriptId}:n`, 1);
    await this.state.hincrBy(postKey(ctx), `${scriptId}:r`, Math.round((edited ? REWARD.edited : REWARD.used) * MILLI));
    await this.state.hincrBy(postKey(ctx), `${scriptId}:u`, 1);
    if (edited) await this.state.hincrBy(postKey(ctx), `${scriptId}:e`, 1);
    return true;
  }

  /**
   * The conversation reached an opportunity or a deal, or its customer answered the CSAT survey (`score` 1-5,
   * csatReward): every script used in it earns the outcome's reward in the context it was used in, once per
   * (conversation, script, outcome) — a second CSAT answer for the same conversation rewards nothing. Returns the
   * scripts marked now (a CSAT of 3 or less marks them with no reward).
   */
  async outcome(conv: string, outcome: Outcome, score = 5): Promise<string[]> {
    const reward = outcome === 'csat' ? csatReward(score) : REWARD[outcome];
    const used = await this.state.hgetall(usedKey(conv));
    const done: string[] = [];
    for (const [id, ctx] of Object.entries(used).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!(await this.once(conv, id, outcome))) continue;
      if (reward > 0) await this.state.hincrBy(postKey(ctx), `${id}:r`, Math.round(reward * MILLI));
      done.push(id);
    }
    return done;
  }
}
