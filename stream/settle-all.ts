/**
 * Like Promise.all, but waits for every write to settle before rejecting with
 * the first failure. A failed batch is retried after its contributions are
 * discarded: a sibling write still in flight could land after that discard
 * and count twice, so none may be left running.
 */
export async function settleAll(writes: ReadonlyArray<Promise<unknown> | undefined>): Promise<void> {
  const results = await Promise.allSettled(writes.filter((w): w is Promise<unknown> => w !== undefined));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
