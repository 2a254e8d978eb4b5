/**
 * Mergeable aggregates. `add` folds one value in, `merge` combines two
 * partial aggregates (session windows need it). Laws the aggregator relies on:
 * `merge` is associative and commutative with `empty` as identity, and
 * `add(a, v) = merge(a, add(empty, v))`. Functions never mutate their inputs.
 */
export interface Monoid<V, A> {
  readonly empty: A;
  add: (acc: A, value: V) => A;
  merge: (a: A, b: A) => A;
}

export const count: Monoid<unknown, number> = { empty: 0, add: (a) => a + 1, merge: (a, b) => a + b };

export const sum: Monoid<number, number> = { empty: 0, add: (a, v) => a + v, merge: (a, b) => a + b };

/** `null` for an empty window (never emitted: windows exist only once an event landed). */
export const min: Monoid<number, number | null> = {
  empty: null,
  add: (a, v) => (a === null || v < a ? v : a),
  merge: (a, b) => (a === null ? b : b === null ? a : Math.min(a, b)),
};

export const max: Monoid<number, number | null> = {
  empty: null,
  add: (a, v) => (a === null || v > a ? v : a),
  merge: (a, b) => (a === null ? b : b === null ? a : Math.max(a, b)),
};

/** Several aggregates over the same value at once: `{ n: count, total: sum }` → `{ n, total }`. */
export function record<V, R extends Record<string, unknown>>(parts: { [K in keyof R]: Monoid<V, R[K]> }): Monoid<V, R> {
  const keys = Object.keys(parts) as Array<keyof R>;
  const build = (f: (k: keyof R) => unknown) => Object.fromEntries(keys.map((k) => [k, f(k)])) as R;
  return {
    empty: build((k) => parts[k].empty),
    add: (acc, v) => build((k) => parts[k].add(acc[k], v)),
    merge: (a, b) => build((k) => parts[k].merge(a[k], b[k])),
  };
}

/** Aggregate a projection of the value, e.g. `contramap(sum, (e) => e.amount)`. */
export function contramap<V, W, A>(m: Monoid<W, A>, f: (v: V) => W): Monoid<V, A> {
  return { empty: m.empty, add: (acc, v) => m.add(acc, f(v)), merge: m.merge };
}
