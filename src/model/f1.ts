// The task's score, used by training (validation, early stopping) and by every table of results. Kept in
// a file of its own: training depends on it, so it is part of every trained model's cache key.

/**
 * Binary F1 of the positive class over all entries (micro-F1 across cells and samples):
 * 2TP / (2TP + FP + FN); 0 when neither predictions nor truth have a positive (scikit-learn's choice).
 */
export function microF1(pred: Uint8Array, truth: Uint8Array): number {
  if (pred.length !== truth.length) throw new Error(`pred has ${pred.length} entries, truth ${truth.length}`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let n = 0; n < pred.length; n++) {
    if (pred[n] && truth[n]) tp++;
    else if (pred[n]) fp++;
    else if (truth[n]) fn++;
  }
  const denominator = 2 * tp + fp + fn;
  return denominator > 0 ? (2 * tp) / denominator : 0;
}
