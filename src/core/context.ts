/** What the pure core needs from the outside world, passed in so that decisions are reproducible. */
export interface DecisionContext {
  now: Date;
  newId: () => string;
  /** A number in [0, 1): retry jitter. */
  random: () => number;
}
