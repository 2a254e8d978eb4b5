import { afterAll, describe, expect, it } from 'vitest';
import type { BusBatch, BusMessage, EventBus, Subscription } from '../../shared/ports/event-bus.js';
import { partitionFor } from '../../stream/bus/partitioner.js';
import { eventually, sleep } from './engines.js';

export interface BusHarness {
  /** A bus; every test uses its own topics and groups, so one bus may be shared. */
  open(): Promise<EventBus>;
  /**
   * Closes `bus` and opens it again on the same storage (the embedded log's
   * folder, the same Kafka cluster and namespace): for the durability check.
   */
  reopen(bus: EventBus): Promise<EventBus>;
  /** Longest a group needs to hand partitions over (Kafka: a rebalance). */
  rebalanceMs: number;
  cleanup?(): Promise<void>;
}

let n = 0;
const name = (s: string) => `${s}-${Date.now().toString(36)}-${++n}`;

interface Collector {
  messages: BusMessage[];
  batches: BusBatch[];
  byValue(): Map<string, number>;
}

function collector(): Collector & { handler(b: BusBatch): Promise<void> } {
  const c = {
    messages: [] as BusMessage[],
    batches: [] as BusBatch[],
    byValue() {
      const m = new Map<string, number>();
      for (const x of c.messages) m.set(x.value, (m.get(x.value) ?? 0) + 1);
      return m;
    },
    async handler(b: BusBatch) {
      c.batches.push(b);
      c.messages.push(...b.messages);
    },
  };
  return c;
}

const totalLag = async (s: Subscription) => (await s.lag()).reduce((a, p) => a + p.lag, 0);

/**
 * The EventBus port contract: what the stream worker relies on, checked
 * against every adapter (in-process log, Kafka).
 */
export function eventBusContract(adapter: string, harness: BusHarness): void {
  describe(`EventBus contract: ${adapter}`, () => {
    let bus: EventBus;
    const subs: Subscription[] = [];
    const bootstrap = async () => {
      bus ??= await harness.open();
      return bus;
    };
    afterAll(async () => {
      for (const s of subs) await s.stop().catch(() => undefined);
      await bus?.close();
      await harness.cleanup?.();
    });
    const subscribe = async (b: EventBus, o: Parameters<EventBus['subscribe']>[0]) => {
      const s = await b.subscribe(o);
      subs.push(s);
      return s;
    };

    it('keeps each key in order on the partition partitionFor picks, with contiguous offsets', async () => {
      const b = await bootstrap();
      const topic = name('order');
      await b.ensureTopic(topic, 4);
      await b.ensureTopic(topic, 4); // idempotent
      const keys = Array.from({ length: 23 }, (_, i) => `customer-${i}`);
      for (let round = 0; round < 3; round++) {
        await b.publish(
          topic,
          Array.from({ length: 230 }, (_, i) => ({ key: keys[i % keys.length], value: `${round}:${i}` })),
        );
      }
      const c = collector();
      await subscribe(b, { groupId: name('g'), topics: [topic], eachBatch: (x) => c.handler(x) });
      await eventually('all 690 records', () => c.messages.length >= 690);
      expect(c.messages).toHaveLength(690);
      for (const m of c.messages) {
        expect(m.topic).toBe(topic);
        expect(m.partition, `key ${m.key}`).toBe(partitionFor(m.key, 4));
      }
      const perKey = new Map<string, number[]>();
      for (const m of c.messages) {
        const [round, i] = m.value.split(':').map(Number);
        perKey.set(m.key, [...(perKey.get(m.key) ?? []), round * 1000 + i]);
      }
      for (const [k, seq] of perKey) expect(seq, `order of ${k}`).toEqual([...seq].sort((x, y) => x - y));
      const perPartition = new Map<number, number[]>();
      for (const m of c.messages) perPartition.set(m.partition, [...(perPartition.get(m.partition) ?? []), m.offset]);
      for (const [p, offs] of perPartition) expect(offs, `offsets of partition ${p}`).toEqual(offs.map((_o, i) => i));
      for (const batch of c.batches) expect(new Set(batch.messages.map((m) => m.partition)).size).toBe(1);
    });

    it('shares partitions in a group: each record once, disjoint owners, stop() hands partitions over', async () => {
      const b = await bootstrap();
      const topic = name('group');
      const groupId = name('g');
      await b.ensureTopic(topic, 4);
      const a = collector();
      const c = collector();
      const subA = await subscribe(b, { groupId, topics: [topic], eachBatch: (x) => a.handler(x) });
      await subscribe(b, { groupId, topics: [topic], eachBatch: (x) => c.handler(x) });
      // One key per partition, so probes show who owns what.
      const keyFor = (p: number) => {
        for (let i = 0; ; i++) if (partitionFor(`k${i}`, 4) === p) return `k${i}`;
      };
      const pk = [0, 1, 2, 3].map(keyFor);
      // Probe until the group is settled: both members receive, and owners are disjoint.
      let round = 0;
      await eventually(
        'both members own partitions',
        async () => {
          const mark = `probe${round++}`;
          await b.publish(
            topic,
            pk.map((k) => ({ key: k, value: `${mark}:${k}` })),
          );
          await sleep(200);
          const owners = (col: Collector) => new Set(col.messages.filter((m) => m.value.startsWith(mark)).map((m) => m.partition));
          const oa = owners(a);
          const oc = owners(c);
          return oa.size > 0 && oc.size > 0 && oa.size + oc.size === 4 && [...oa].every((p) => !oc.has(p));
        },
        harness.rebalanceMs * 3,
        50,
      );
      const main = Array.from({ length: 400 }, (_, i) => ({ key: `cust-${i % 50}`, value: `main:${i}` }));
      await b.publish(topic, main);
      await eventually('main records consumed', () => [...a.byValue().keys(), ...c.byValue().keys()].filter((v) => v.startsWith('main:')).length >= 400);
      await sleep(300);
      const count = (v: string) => (a.byValue().get(v) ?? 0) + (c.byValue().get(v) ?? 0);
      for (const r of main) expect(count(r.value), r.value).toBe(1);
      const pa = new Set(a.messages.filter((m) => m.value.startsWith('main:')).map((m) => m.partition));
      const pc = new Set(c.messages.filter((m) => m.value.startsWith('main:')).map((m) => m.partition));
      expect(pa.size).toBeGreaterThan(0);
      expect(pc.size).toBeGreaterThan(0);
      expect([...pa].filter((p) => pc.has(p))).toEqual([]);

      // Every group sees every record.
      const other = collector();
      await subscribe(b, { groupId: name('other'), topics: [topic], eachBatch: (x) => other.handler(x) });
      await eventually('second group sees main', () => [...other.byValue().keys()].filter((v) => v.startsWith('main:')).length === 400);

      // A stops: its partitions go to C, which then gets everything new, once.
      await subA.stop();
      const after = Array.from({ length: 200 }, (_, i) => ({ key: `cust-${i % 50}`, value: `after:${i}` }));
      await b.publish(topic, after);
      await eventually('C takes over', () => [...c.byValue().keys()].filter((v) => v.startsWith('after:')).length >= 200, harness.rebalanceMs * 3);
      await sleep(300);
      for (const r of after) {
        expect(c.byValue().get(r.value), r.value).toBe(1);
        expect(a.byValue().get(r.value) ?? 0, r.value).toBe(0);
      }
      for (const r of main) expect(count(r.value), `${r.value} after hand-over`).toBe(1);
    });

    it('gives each subscription of a group the partitions of its own topics (the worker subscribes twice in one group)', async () => {
      const b = await bootstrap();
      const [t1, t2] = [name('events'), name('rejected')];
      const groupId = name('g');
      await b.ensureTopic(t1, 4);
      await b.ensureTopic(t2, 1);
      const c1 = collector();
      const c2 = collector();
      await subscribe(b, { groupId, topics: [t1], eachBatch: (x) => c1.handler(x) });
      await subscribe(b, { groupId, topics: [t2], eachBatch: (x) => c2.handler(x) });
      await b.publish(
        t1,
        Array.from({ length: 100 }, (_, i) => ({ key: `c${i}`, value: `e${i}` })),
      );
      await b.publish(
        t2,
        Array.from({ length: 10 }, (_, i) => ({ key: `p${i}`, value: `r${i}` })),
      );
      await eventually('both topics consumed', () => c1.messages.length >= 100 && c2.messages.length >= 10, harness.rebalanceMs * 2);
      expect(new Set(c1.messages.map((m) => m.partition))).toEqual(new Set([0, 1, 2, 3]));
      expect(c1.messages.every((m) => m.topic === t1)).toBe(true);
      expect(c2.messages.map((m) => m.value)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    });

    it('commits only after the handler resolved; a throwing handler gets the same batch again', async () => {
      const b = await bootstrap();
      const topic = name('commit');
      await b.ensureTopic(topic, 1);
      await b.publish(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i) })),
      );
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let attempts = 0;
      const firstOffsets: number[] = [];
      const errors: unknown[] = [];
      const done: string[] = [];
      const sub = await subscribe(b, {
        groupId: name('g'),
        topics: [topic],
        eachBatch: async (batch) => {
          attempts++;
          firstOffsets.push(batch.messages[0].offset);
          if (attempts === 1) await gate; // in flight: nothing may be committed yet
          if (attempts <= 3) throw new Error(`fail ${attempts}`);
          done.push(...batch.messages.map((m) => m.value));
        },
        onError: (err) => errors.push(err),
      });
      await eventually('first delivery', () => attempts === 1);
      await sleep(200);
      const during = await sub.lag();
      expect(during).toEqual([{ topic, partition: 0, committed: 0, end: 10, lag: 10 }]);
      release();
      await eventually('delivered after failures', () => done.length >= 10);
      expect(errors.map((e) => (e as Error).message)).toEqual(['fail 1', 'fail 2', 'fail 3']);
      expect(firstOffsets.slice(0, 4)).toEqual([0, 0, 0, 0]);
      expect(done).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
      await eventually('committed', async () => (await totalLag(sub)) === 0, 10_000);
      expect(await sub.lag()).toEqual([{ topic, partition: 0, committed: 10, end: 10, lag: 0 }]);
    });

    it('reports lag per partition: committed, end and their difference', async () => {
      const b = await bootstrap();
      const topic = name('lag');
      await b.ensureTopic(topic, 2);
      const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
      const first = keys.map((k) => ({ key: k, value: `1${k}` }));
      await b.publish(topic, first);
      const c = collector();
      const sub = await subscribe(b, { groupId: name('g'), topics: [topic], eachBatch: (x) => c.handler(x) });
      await eventually('first consumed', () => c.messages.length === 6);
      const per = (p: number, list: Array<{ key: string }>) => list.filter((r) => partitionFor(r.key, 2) === p).length;
      await eventually('committed', async () => (await totalLag(sub)) === 0, 10_000);
      expect(await sub.lag()).toEqual([0, 1].map((p) => ({ topic, partition: p, committed: per(p, first), end: per(p, first), lag: 0 })));
      await sub.stop();
      const second = ['a', 'a', 'b', 'c', 'x'].map((k) => ({ key: k, value: `2${k}` }));
      await b.publish(topic, second);
      const lag = await sub.lag();
      expect(lag).toEqual([0, 1].map((p) => ({ topic, partition: p, committed: per(p, first), end: per(p, first) + per(p, second), lag: per(p, second) })));
    });

    it('stop() lets the batch in flight finish and commit; the next member starts after it', async () => {
      const b = await bootstrap();
      const topic = name('stop');
      const groupId = name('g');
      await b.ensureTopic(topic, 1);
      await b.publish(
        topic,
        Array.from({ length: 5 }, (_, i) => ({ key: 'k', value: `a${i}` })),
      );
      let inFlight = false;
      let finished = false;
      const sub = await subscribe(b, {
        groupId,
        topics: [topic],
        eachBatch: async () => {
          inFlight = true;
          await sleep(500);
          finished = true;
        },
      });
      await eventually('batch in flight', () => inFlight);
      await sub.stop();
      expect(finished).toBe(true);
      await b.publish(topic, [{ key: 'k', value: 'b0' }]);
      const c = collector();
      await subscribe(b, { groupId, topics: [topic], eachBatch: (x) => c.handler(x) });
      await eventually('next member consumes', () => c.messages.length >= 1, harness.rebalanceMs * 2);
      await sleep(300);
      expect(c.messages.map((m) => m.value)).toEqual(['b0']);
    });

    it('is durable: reopened, it has the records and the group resumes from its committed offsets', async () => {
      const b = await bootstrap();
      const topic = name('durable');
      const groupId = name('g');
      await b.ensureTopic(topic, 2);
      const recs = Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}` }));
      await b.publish(topic, recs.slice(0, 20));
      const c1 = collector();
      const s1 = await subscribe(b, { groupId, topics: [topic], eachBatch: (x) => c1.handler(x) });
      await eventually('first half consumed', () => c1.messages.length === 20);
      await eventually('committed', async () => (await totalLag(s1)) === 0, 10_000);
      await s1.stop();
      await b.publish(topic, recs.slice(20));
      bus = await harness.reopen(b);
      const c2 = collector();
      await subscribe(bus, { groupId, topics: [topic], eachBatch: (x) => c2.handler(x) });
      await eventually('second half consumed', () => c2.messages.length >= 20, harness.rebalanceMs * 2);
      await sleep(300);
      expect(c2.messages.map((m) => m.value).sort()).toEqual(
        recs
          .slice(20)
          .map((r) => r.value)
          .sort(),
      );
      const all = collector();
      await subscribe(bus, { groupId: name('fresh'), topics: [topic], eachBatch: (x) => all.handler(x) });
      await eventually('a new group reads all', () => all.messages.length >= 40, harness.rebalanceMs * 2);
      expect(all.messages.map((m) => m.value).sort()).toEqual(recs.map((r) => r.value).sort());
    });
  });
}
