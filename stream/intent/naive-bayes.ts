/** A small multinomial Naive Bayes over string features with Laplace smoothing. Deterministic, no I/O. */
export class NaiveBayes<C extends string> {
  private readonly logPrior = new Map<C, number>();
  private readonly logLik = new Map<C, Map<string, number>>();
  private readonly logUnseen = new Map<C, number>();
  private readonly vocab = new Set<string>();

  constructor(readonly classes: readonly C[], examples: { cls: C; features: string[] }[], alpha = 1) {
    const counts = new Map<C, Map<string, number>>(classes.map((c) => [c, new Map()]));
    const docs = new Map<C, number>(classes.map((c) => [c, 0]));
    for (const ex of examples) {
      docs.set(ex.cls, (docs.get(ex.cls) ?? 0) + 1);
      const m = counts.get(ex.cls)!;
      for (const f of ex.features) {
        m.set(f, (m.get(f) ?? 0) + 1);
        this.vocab.add(f);
      }
    }
    const v = this.vocab.size;
    for (const c of classes) {
      const m = counts.get(c)!;
      let total = 0;
      for (const n of m.values()) total += n;
      const denom = total + alpha * v;
      this.logPrior.set(c, Math.log(((docs.get(c) ?? 0) + 1) / (examples.length + classes.length)));
      this.logUnseen.set(c, Math.log(alpha / denom));
      this.logLik.set(c, new Map([...m].map(([f, n]) => [f, Math.log((n + alpha) / denom)])));
    }
  }

  /** Log joint score per class (prior + likelihood of known features) and how many features were known. */
  score(features: string[]): { scores: Map<C, number>; known: number } {
    const known = features.filter((f) => this.vocab.has(f));
    const scores = new Map<C, number>();
    for (const c of this.classes) {
      const lik = this.logLik.get(c)!;
      const unseen = this.logUnseen.get(c)!;
      let s = this.logPrior.get(c)!;
      for (const f of known) s += lik.get(f) ?? unseen;
      scores.set(c, s);
    }
    return { scores, known: known.length };
  }
}
