/**
 * Event-time windowing core (issue 6): pure; the stream worker's KPI minutes run on it (stream/kpis).
 *
 * Shape: `stepAll(config, state, inputs) → { state, outputs }`, no clock, no I/O; the input state is never
 * mutated. Inputs are events `{ id, key, time, value }` (time = event time, epoch ms; key partitions the
 * windows, e.g. a channel) and explicit watermark advances `{ kind: 'watermark', time }` (idle sources, end of
 * a replay).
 *
 * Assigners: tumbling(size), sliding(size, slide), session(gap) and calendarDay(timeZone) (local midnight to
 * local midnight found with Intl; default Asia/Shanghai; 23 h / 25 h on DST days). Windows are [start, end):
 * an event at exactly `end` belongs to the next window. Aggregates are monoids `{ empty, add, merge }`
 * (count, sum, min, max, record(...) for several at once); merge is what lets session windows join.
 *
 * Semantics:
 * - Watermark = max(event time seen) − outOfOrdernessMs, raised further by explicit advances; it never goes back.
 *   It is the promise "events before this time are (mostly) in".
 * - A window is open until watermark ≥ end + allowedLatenessMs; then one `final` output carries its value and
 *   its state is dropped. Every event landing in an open window emits an `update` with the window's FULL new
 *   value and a version (1, 2, …) so a sink simply keeps the highest version per (key, window); late-but-allowed
 *   events thus correct their window.
 * - An event for a finalised window is never dropped silently: it is emitted as `late` (the event, the window it
 *   belonged to, the watermark and lateByMs) for a late-data table. For sliding windows this is per window: an
 *   event can still count in its younger windows and be late for its older ones.
 * - Sessions: each event opens [t, t + gap); overlapping sessions of a key merge (update for the merged window,
 *   `retract` for each absorbed one). A session event is late when watermark > t + allowedLatenessMs: it could
 *   have joined a session that is already final, so it is routed to the late table rather than starting a
 *   wrong session. With that rule, the final sessions equal a batch sessionisation (sort, split at gaps ≥ gap)
 *   of the non-late events.
 * - Outputs depend only on the order of inputs, not on how they are cut into batches. Finals within one
 *   watermark advance are ordered by (end, start, key).
 * - No deduplication here: ingest dedups by event id before events reach the stream workers.
 *
 * Proven by tests (stream/windows/*.test.ts): assigner boundaries and time zones; fast-check properties that
 * final values equal a batch recomputation over exactly the non-late events, every (event, window) pair is
 * counted once (in a final value or as `late`), sessions match batch sessionisation, batching does not matter.
 *
 * No production caller since the KPI minutes became per-batch contributions (issue 11: windows that close on a
 * watermark left late events out, and their state could be lost). Kept as a tested library for windowed
 * features to come (rolling alert windows, sessions); issue 12's clean-up decides whether it stays.
 */
export { calendarDay, DEFAULT_TIME_ZONE, session, sliding, tumbling } from './assigners.js';
export type { Assigner, FixedAssigner, SessionAssigner, Window } from './assigners.js';
export { initialState, isClosed, step, stepAll } from './aggregator.js';
export type { StepResult, WindowConfig, WindowEvent, WindowInput, WindowOutput, WindowState } from './aggregator.js';
export { contramap, count, max, min, record, sum } from './monoids.js';
export type { Monoid } from './monoids.js';
export { localDayWindow, offsetAt, startOfLocalDay } from '../../shared/time-zone.js';
