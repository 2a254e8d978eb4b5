import type { TransitionsData } from './types.js';

export const START = '(start)';
export const TERMINALS = ['(conversion)', '(null)'] as const;
const SPECIAL = new Set<string>([START, ...TERMINALS]);

/** The drawing box in graph units (pinned by invisible corners, so units stay close to pixels on a wide panel). */
export const GRAPH_BOX = { width: 1000, height: 420 } as const;
/** Outgoing transitions drawn per state: the strongest ones; the rest stay in the tooltip-free background. */
export const TOP_K_PER_STATE = 3;
/** Steps the visit distribution is propagated for layering: journeys longer than this share the last layer. */
const MAX_STEPS = 8;

export interface LaidOutNode {
  state: string;
  /** 0 for (start), the last layer for (conversion) and (null). */
  layer: number;
  x: number;
  y: number;
  /** Expected visits per journey (how much flows through the state). */
  mass: number;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  probability: number;
  /** Among the strongest TOP_K_PER_STATE of its source: drawn. */
  shown: boolean;
  /** The source's strongest transition: carries its percentage as a label. */
  labelled: boolean;
  /** Points back to an earlier (or the same) layer: drawn curved so it does not run through the nodes. */
  backward: boolean;
}

export interface MarkovLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  layers: number;
  /** Vertical distance between neighbours in the fullest layer, graph units. */
  rowGap: number;
  /** Horizontal distance between layers, graph units. */
  colGap: number;
}

/**
 * Lays the chain out in layers from (start) to (conversion)/(null): a state's layer is the step at which a
 * journey is most likely to be in it (the visit distribution is propagated from (start) through the
 * transition probabilities), so first touches sit left and closing steps right even though order-1 chains
 * reach nearly every state in one step. Within a layer, states are ordered by the weighted position of what
 * flows into them (fewer crossings) and spread evenly, so no two nodes share a spot.
 */
export function layoutMarkov(data: TransitionsData): MarkovLayout {
  const out = new Map<string, Array<{ to: string; p: number }>>();
  const states = new Set<string>();
  for (const t of data.transitions) {
    states.add(t.from).add(t.to);
    if (!out.has(t.from)) out.set(t.from, []);
    out.get(t.from)!.push({ to: t.to, p: t.probability });
  }
  const middle = [...states].filter((s) => !SPECIAL.has(s)).sort();
  // visit distribution per step from (start); absorbing states keep nothing flowing on
  const mass = new Map<string, number>(middle.map((s) => [s, 0]));
  const best = new Map<string, { step: number; p: number }>();
  let dist = new Map<string, number>([[START, 1]]);
  for (let step = 1; step <= MAX_STEPS; step++) {
    const next = new Map<string, number>();
    for (const [s, p] of dist) for (const e of out.get(s) ?? []) if (!SPECIAL.has(e.to)) next.set(e.to, (next.get(e.to) ?? 0) + p * e.p);
    for (const [s, p] of next) {
      mass.set(s, (mass.get(s) ?? 0) + p);
      if (p > (best.get(s)?.p ?? 1e-12)) best.set(s, { step, p });
    }
    dist = next;
  }
  // compact the steps actually used into consecutive layers 1..n; states (start) never reaches go to layer 1
  const steps = [...new Set(middle.map((s) => best.get(s)?.step ?? 1))].sort((a, b) => a - b);
  const layerOf = new Map<string, number>(middle.map((s) => [s, steps.indexOf(best.get(s)?.step ?? 1) + 1]));
  const last = steps.length + 1;
  if (states.has(START)) layerOf.set(START, 0);
  for (const s of TERMINALS) if (states.has(s)) layerOf.set(s, last);

  const layers: string[][] = Array.from({ length: last + 1 }, () => []);
  for (const [s, l] of layerOf) layers[l].push(s);
  const rank = new Map<string, number>();
  const incoming = (s: string) => data.transitions.filter((t) => t.to === s && rank.has(t.from) && t.from !== s);
  layers.forEach((members, l) => {
    if (l === last) members.sort((a, b) => TERMINALS.indexOf(a as (typeof TERMINALS)[number]) - TERMINALS.indexOf(b as (typeof TERMINALS)[number]));
    else {
      const centre = (s: string) => {
        const ins = incoming(s);
        const w = ins.reduce((sum, t) => sum + t.probability, 0);
        return w > 0 ? ins.reduce((sum, t) => sum + rank.get(t.from)! * t.probability, 0) / w : 0.5;
      };
      const c = new Map(members.map((s) => [s, l <= 1 ? -(mass.get(s) ?? 0) : centre(s)]));
      members.sort((a, b) => c.get(a)! - c.get(b)! || a.localeCompare(b));
    }
    members.forEach((s, i) => rank.set(s, (i + 0.5) / members.length));
  });

  const fullest = Math.max(1, ...layers.map((m) => m.length));
  const rowGap = GRAPH_BOX.height / fullest;
  const colGap = last > 0 ? GRAPH_BOX.width / last : GRAPH_BOX.width;
  const nodes: LaidOutNode[] = layers.flatMap((members, l) =>
    members.map((s) => ({ state: s, layer: l, x: l * colGap, y: rank.get(s)! * GRAPH_BOX.height, mass: s === START ? 1 : (mass.get(s) ?? 0) })),
  );

  const edges: LaidOutEdge[] = [];
  for (const [from, list] of out) {
    const sorted = [...list].sort((a, b) => b.p - a.p || a.to.localeCompare(b.to));
    sorted.forEach((e, i) =>
      edges.push({
        from,
        to: e.to,
        probability: e.p,
        shown: i < TOP_K_PER_STATE,
        labelled: i === 0,
        backward: (layerOf.get(e.to) ?? 0) <= (layerOf.get(from) ?? 0),
      }),
    );
  }
  return { nodes, edges, layers: last + 1, rowGap, colGap };
}
