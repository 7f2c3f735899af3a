// Attention-map metrics (alignment, redundancy, entropy), head-pattern scores and mixing diagonal
// dominance. Pure functions over plain arrays: no TensorFlow, browser-safe. (F1 is in f1.ts.)

/** A square map as rows (rows = queries): `number[][]`, `Float32Array[]`, … */
export type SquareMap = ReadonlyArray<ArrayLike<number>>;

/**
 * One evaluated query cell: the query row of every head and the cell's ground-truth path.
 * For several layers, evaluate each layer separately (redundancy compares heads of one layer).
 */
export interface QueryCell {
  /** maps[h][k] = attention of head h from this query to key k; H rows of length N */
  maps: ArrayLike<number>[];
  /** ground-truth key indices (sorted or not, distinct), all in [0, N) */
  path: number[];
}

/** Per-head means over the cells, each H long. */
export interface PerHeadMetrics {
  alignment: number[];
  entropy: number[];
  align_hit: number[];
}

/** Metrics of one evaluation set (means over its query cells). */
export interface AttentionMetrics {
  /** number of query cells evaluated */
  cells: number;
  /** mean over cells and heads of the mass on the path */
  alignment: number;
  /** mean over cells of the best head's path mass */
  best_head_alignment: number;
  /** share of (cell, head) whose argmax key is on the path (ties split evenly) */
  align_hit: number;
  /** mean over cells of the mean pairwise cosine between head rows; NaN with a single head */
  redundancy: number;
  /** mean over cells and heads of the row entropy in nats */
  entropy: number;
  per_head: PerHeadMetrics;
}

/** Attention mass a query row puts on the path keys: Σ_{k∈G} row[k]. */
export function pathMass(row: ArrayLike<number>, path: readonly number[]): number {
  let mass = 0;
  for (const k of path) mass += row[k];
  return mass;
}

/**
 * Share of a row's absolute weight that falls on the path keys: Σ_{k∈G} |row[k]| / Σ_k |row[k]| (0 for an
 * all-zero row). For an attention row (non-negative, sums to 1) this is pathMass; it also reads signed or
 * sliced rows (effective maps, IHA's naive slice) as a share.
 */
export function pathShare(row: ArrayLike<number>, path: readonly number[]): number {
  let total = 0;
  for (let k = 0; k < row.length; k++) total += Math.abs(row[k]);
  if (total === 0) return 0;
  return path.reduce((sum, k) => sum + Math.abs(row[k] ?? 0), 0) / total;
}

/** A row divided by its sum (a distribution over its keys); a row that sums to 0 or less becomes all zeros. */
export function renormalised(row: ArrayLike<number>): Float32Array {
  const out = new Float32Array(row.length); // [N]
  let sum = 0;
  for (let k = 0; k < row.length; k++) sum += row[k];
  if (sum > 0) for (let k = 0; k < row.length; k++) out[k] = row[k] / sum;
  return out;
}

/** Shannon entropy in nats, −Σ r ln r over the positive entries (zeros contribute nothing). */
export function rowEntropy(row: ArrayLike<number>): number {
  let entropy = 0;
  for (let k = 0; k < row.length; k++) if (row[k] > 0) entropy -= row[k] * Math.log(row[k]);
  return entropy;
}

/**
 * Whether the row's argmax lies on the path, as a share: with t tied maxima of which h are on the
 * path the hit is h / t (so a uniform row scores |G|/N, the chance level).
 */
export function argmaxHit(row: ArrayLike<number>, path: readonly number[]): number {
  let best = -Infinity;
  for (let k = 0; k < row.length; k++) best = Math.max(best, row[k]);
  const onPath = new Set(path);
  let ties = 0;
  let hits = 0;
  for (let k = 0; k < row.length; k++) {
    if (row[k] !== best) continue;
    ties++;
    if (onPath.has(k)) hits++;
  }
  return hits / ties;
}

/** Cosine similarity of two equal-length vectors; 0 when either is all zeros. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k] * b[k];
    normA += a[k] * a[k];
    normB += b[k] * b[k];
  }
  return normA > 0 && normB > 0 ? dot / Math.sqrt(normA * normB) : 0;
}

/** Mean cosine over the H(H−1)/2 head pairs; NaN for fewer than two heads. */
export function meanPairwiseCosine(rows: ArrayLike<number>[]): number {
  let sum = 0;
  let pairs = 0;
  for (let h = 0; h < rows.length; h++) {
    for (let g = h + 1; g < rows.length; g++) {
      sum += cosine(rows[h], rows[g]);
      pairs++;
    }
  }
  return pairs > 0 ? sum / pairs : NaN;
}

/** Throws unless all cells share H ≥ 1 heads and N keys and every path index is a key. */
function checkCells(cells: readonly QueryCell[]): {heads: number; keys: number} {
  if (cells.length === 0) throw new Error("attention metrics need at least one query cell");
  const heads = cells[0].maps.length;
  if (heads === 0) throw new Error("a query cell needs at least one head row");
  const keys = cells[0].maps[0].length;
  cells.forEach((cell, c) => {
    if (cell.maps.length !== heads) throw new Error(`cell ${c} has ${cell.maps.length} heads, expected ${heads}`);
    if (cell.maps.some((row) => row.length !== keys)) throw new Error(`cell ${c} has a row whose length is not ${keys}`);
    if (cell.path.some((k) => !Number.isInteger(k) || k < 0 || k >= keys)) {
      throw new Error(`cell ${c} has a path index outside [0, ${keys})`);
    }
  });
  return {heads, keys};
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Alignment, best-head alignment, align-hit, redundancy and entropy of one evaluation set
 * (typically every positive cell of every evaluation sample), plus per-head alignment/entropy/hit.
 * Throws on an empty set or on cells whose head count or row length differ.
 */
export function attentionMetrics(cells: readonly QueryCell[]): AttentionMetrics {
  const {heads} = checkCells(cells);
  const alignment = new Array<number>(heads).fill(0); // [H] sums over cells
  const entropy = new Array<number>(heads).fill(0); // [H]
  const hit = new Array<number>(heads).fill(0); // [H]
  let best = 0;
  let redundancy = 0;
  for (const cell of cells) {
    const masses = cell.maps.map((row) => pathMass(row, cell.path)); // [H]
    masses.forEach((mass, h) => (alignment[h] += mass));
    cell.maps.forEach((row, h) => {
      entropy[h] += rowEntropy(row);
      hit[h] += argmaxHit(row, cell.path);
    });
    best += Math.max(...masses);
    redundancy += meanPairwiseCosine(cell.maps);
  }
  const perCell = (sums: number[]) => sums.map((s) => s / cells.length);
  const per_head = {alignment: perCell(alignment), entropy: perCell(entropy), align_hit: perCell(hit)};
  return {
    cells: cells.length,
    alignment: mean(per_head.alignment),
    best_head_alignment: best / cells.length,
    align_hit: mean(per_head.align_hit),
    redundancy: redundancy / cells.length,
    entropy: mean(per_head.entropy),
    per_head
  };
}

/** The same metrics for a uniform map (1/N on every key, same H) on the same cells: the chance level. */
export function uniformBaseline(cells: readonly QueryCell[]): AttentionMetrics {
  const {heads, keys} = checkCells(cells);
  const uniformRow = new Float32Array(keys).fill(1 / keys); // [N]
  const maps = new Array<Float32Array>(heads).fill(uniformRow); // [H][N]
  return attentionMetrics(cells.map((cell) => ({maps, path: cell.path})));
}

/** Square-matrix size, or a thrown Error naming what is wrong. */
function sideOf(map: SquareMap, what: string): number {
  const n = map.length;
  if (n === 0 || map.some((row) => row.length !== n)) throw new Error(`${what} must be a non-empty square matrix`);
  return n;
}

/** previous_token = mean over i ≥ 1 of A[i, i−1] (0 for a 1×1 map). */
export function previousTokenScore(a: SquareMap): number {
  const n = sideOf(a, "attention map");
  let sum = 0;
  for (let i = 1; i < n; i++) sum += a[i][i - 1];
  return n > 1 ? sum / (n - 1) : 0;
}

/** first_token = mean over i of A[i, 0]. */
export function firstTokenScore(a: SquareMap): number {
  const n = sideOf(a, "attention map");
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i][0];
  return sum / n;
}

/** current_token = mean over i of A[i, i]. */
export function currentTokenScore(a: SquareMap): number {
  const n = sideOf(a, "attention map");
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i][i];
  return sum / n;
}

/** Mean over queries (i, j) of the mass on the keys picked by `keyOf(i, j, k)`, k = 0..m−1. */
function gridScore(a: SquareMap, m: number, keyOf: (i: number, j: number, k: number) => number): number {
  const n = sideOf(a, "attention map");
  if (n !== m * m) throw new Error(`attention map is ${n}×${n}, expected m*m = ${m * m}`);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < m; k++) sum += a[i * m + j][keyOf(i, j, k)]; // A[(i,j), key]
    }
  }
  return sum / n;
}

/** Row score on an m×m grid: mean over queries (i, j) of Σ_k A[(i,j), (i,k)]. Uniform map: 1/m. */
export function rowScore(a: SquareMap, m: number): number {
  return gridScore(a, m, (i, _j, k) => i * m + k);
}

/** Column score on an m×m grid: mean over queries (i, j) of Σ_k A[(i,j), (k,j)]. Uniform map: 1/m. */
export function columnScore(a: SquareMap, m: number): number {
  return gridScore(a, m, (_i, j, k) => k * m + j);
}

/**
 * TransformerLens "mul" detection score: Σ A·D / Σ A, with D[q, k] = detect(q, k) ∈ {0, 1}.
 * 0 for a map with no mass.
 */
export function detectionScore(a: SquareMap, detect: (query: number, key: number) => boolean): number {
  const n = sideOf(a, "attention map");
  let hit = 0;
  let total = 0;
  for (let q = 0; q < n; q++) {
    for (let k = 0; k < n; k++) {
      total += a[q][k];
      if (detect(q, k)) hit += a[q][k];
    }
  }
  return total !== 0 ? hit / total : 0;
}

/** Options of the token-based scores. */
export interface TokenScoreOptions {
  /** only earlier keys count (TransformerLens' lower-triangular patterns); default false: any other key */
  causal?: boolean;
}

/** Whether key j (≠ q) is an admissible earlier/other occurrence for query q. */
function otherKey(q: number, j: number, causal: boolean): boolean {
  return causal ? j < q : j !== q;
}

function checkTokens(a: SquareMap, tokens: ArrayLike<number>): void {
  const n = sideOf(a, "attention map");
  if (tokens.length !== n) throw new Error(`tokens has ${tokens.length} entries, expected ${n}`);
}

/** duplicate_token: mass on other positions holding the same token (D[q, j] = 1 iff tok_q = tok_j, j ≠ q). */
export function duplicateTokenScore(a: SquareMap, tokens: ArrayLike<number>, options: TokenScoreOptions = {}): number {
  checkTokens(a, tokens);
  const causal = options.causal ?? false;
  return detectionScore(a, (q, k) => otherKey(q, k, causal) && tokens[q] === tokens[k]);
}

/**
 * induction: mass on the token after an earlier/other occurrence of the query's token
 * (D[q, j+1] = 1 iff tok_q = tok_j, j ≠ q; the duplicate pattern shifted one key to the right).
 */
export function inductionScore(a: SquareMap, tokens: ArrayLike<number>, options: TokenScoreOptions = {}): number {
  checkTokens(a, tokens);
  const causal = options.causal ?? false;
  return detectionScore(a, (q, k) => k >= 1 && otherKey(q, k - 1, causal) && tokens[q] === tokens[k - 1]);
}

/**
 * The repeat period of a probe: BOS followed by a segment repeated (tokens[i] = tokens[i − L] for every
 * i > L), the smallest such L with at least one repeat; null when the tokens after BOS do not repeat.
 */
export function repeatPeriod(tokens: ArrayLike<number>): number | null {
  const n = tokens.length;
  for (let period = 1; 1 + period < n; period++) {
    let repeats = true;
    for (let i = 1 + period; i < n && repeats; i++) repeats = tokens[i] === tokens[i - period];
    if (repeats) return period;
  }
  return null;
}

/**
 * induction, position-based (as TransformerLens-style tools and mlxterp score it): on BOS + a segment of L
 * tokens repeated, the mean over every query i after the first copy of A[i, i − L + 1], the key just after
 * the query's earlier copy. Its maximum is 1 (the token-based score above sums over all rows, so its
 * maximum on BOS + L + L is L/(2L+1)).
 */
export function inductionPositionScore(a: SquareMap, tokens: ArrayLike<number>): number {
  checkTokens(a, tokens);
  const period = repeatPeriod(tokens);
  if (period === null) throw new Error("the position-based induction score needs BOS followed by a repeated segment");
  let sum = 0;
  for (let i = 1 + period; i < tokens.length; i++) sum += a[i][i - period + 1];
  return sum / (tokens.length - 1 - period);
}

/** Every head-pattern score of one map on the m×m task; token scores only when `tokens` is given. */
export interface HeadPatternScores {
  previous_token: number;
  first_token: number;
  current_token: number;
  row: number;
  column: number;
  duplicate_token?: number;
  induction?: number;
}

/** All head-pattern scores of one N×N map (N = m*m), bidirectional token scores. */
export function headPatternScores(a: SquareMap, m: number, tokens?: ArrayLike<number>): HeadPatternScores {
  const scores: HeadPatternScores = {
    previous_token: previousTokenScore(a),
    first_token: firstTokenScore(a),
    current_token: currentTokenScore(a),
    row: rowScore(a, m),
    column: columnScore(a, m)
  };
  if (tokens) {
    scores.duplicate_token = duplicateTokenScore(a, tokens);
    scores.induction = inductionScore(a, tokens);
  }
  return scores;
}

/**
 * Diagonal dominance of a square mixing matrix: trace / total, over absolute values (so signed
 * mixing weights work too). 1 = each head keeps to itself, 1/H = every head mixed evenly.
 */
export function diagonalDominance(g: SquareMap): number {
  const n = sideOf(g, "mixing matrix");
  let trace = 0;
  let total = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) total += Math.abs(g[r][c]);
    trace += Math.abs(g[r][r]);
  }
  if (total === 0) throw new Error("mixing matrix is all zeros");
  return trace / total;
}

/**
 * Total-variation distance between two rows, ½ Σ_k |a[k] − b[k]| (a missing entry of b counts as 0):
 * 0 = identical, 1 = disjoint supports for rows that sum to 1.
 */
export function totalVariation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += Math.abs(a[k] - (b[k] ?? 0));
  return sum / 2;
}

/** Mean over query rows of the total-variation distance between two maps of the same size (0 for no rows). */
export function meanTotalVariation(a: SquareMap, b: SquareMap): number {
  if (a.length === 0) return 0;
  let sum = 0;
  for (let q = 0; q < a.length; q++) sum += totalVariation(a[q], b[q]);
  return sum / a.length;
}

/** Rows up to this length are ordered by insertion sort in averageRanks (no comparator calls; measured faster for rows of N = 36). */
const INSERTION_SORT_MAX = 64;

/** Indices 0 … n−1 ordered by ascending value (stable). */
function ascendingOrder(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  const order = new Int32Array(n); // [n]
  if (n > INSERTION_SORT_MAX) {
    order.set(Array.from({length: n}, (_, i) => i).sort((i, j) => values[i] - values[j] || i - j));
    return order;
  }
  for (let i = 0; i < n; i++) {
    let k = i;
    while (k > 0 && values[order[k - 1]] > values[i]) {
      order[k] = order[k - 1];
      k--;
    }
    order[k] = i;
  }
  return order;
}

/** Ranks 1 … n of the values (ascending), tied values sharing the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = ascendingOrder(values);
  const ranks = new Float64Array(values.length); // [n]
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + end + 1) / 2; // mean of the 1-based ranks start+1 … end
    for (let t = start; t < end; t++) ranks[order[t]] = rank;
    start = end;
  }
  return ranks;
}

/** Whether every entry equals the first (true for an empty vector). */
function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

/** Pearson correlation of two equal-length vectors; NaN when either is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (isConstant(a) || isConstant(b)) return NaN; // tested exactly: a rounded mean would leave a tiny variance
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i];
    meanB += b[i];
  }
  meanA /= n;
  meanB /= n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - meanA) * (b[i] - meanB);
    varA += (a[i] - meanA) ** 2;
    varB += (b[i] - meanB) ** 2;
  }
  return cov / Math.sqrt(varA * varB);
}

/**
 * Spearman's ρ: the Pearson correlation of the average ranks (ties share their mean rank). NaN when
 * either vector is constant (it ranks nothing) or shorter than 2; throws when the lengths differ. To correlate
 * one vector with several, rank it once (averageRanks) and call pearson on the ranks.
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`spearman: lengths ${a.length} and ${b.length} differ`);
  if (a.length < 2) return NaN;
  return pearson(averageRanks(a), averageRanks(b));
}

/** Mean, median, quartiles and count of a sample (NaN statistics for an empty one). */
export interface Distribution {
  mean: number;
  median: number;
  q1: number;
  q3: number;
  n: number;
}

/** The q-quantile of ascending values, linear between order statistics (position q·(n − 1); numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** Mean, median, first and third quartile (quantileSorted) and n of a list of numbers. */
export function distribution(values: ArrayLike<number>): Distribution {
  const sorted = Float64Array.from(values).sort(); // typed-array sort is numeric
  const n = sorted.length;
  const mean = n > 0 ? sorted.reduce((a, b) => a + b, 0) / n : NaN;
  return {mean, median: quantileSorted(sorted, 0.5), q1: quantileSorted(sorted, 0.25), q3: quantileSorted(sorted, 0.75), n};
}

/**
 * Head identity: for every column h of a square distance matrix dist[g][h] (e.g. the mean TV between raw
 * head g and effective head h), the row g nearest to it (the first on ties).
 */
export function nearestHeads(dist: SquareMap): number[] {
  const n = sideOf(dist, "distance matrix");
  return Array.from({length: n}, (_, h) => {
    let best = 0;
    for (let g = 1; g < n; g++) if (dist[g][h] < dist[best][h]) best = g;
    return best;
  });
}

/** How each head's raw rows relate to the effective rows of one layer (docs/effective-maps.md, "Faithfulness"). */
export interface HeadFaithfulness {
  /** tv[h][c] = TV(raw_h, effective_h) on query c */
  tv: number[][];
  /** between[g][h] = mean over queries of TV(raw_g, effective_h) */
  between: number[][];
  /** nearest[h] = the raw head g with the least between[g][h] (nearestHeads) */
  nearest: number[];
}

/**
 * Faithfulness of one layer's per-head maps: for each query, raw[c] and effective[c] hold the H query rows
 * of the two readings (QueryCell.maps). Throws when the query or head counts differ.
 */
export function headFaithfulness(raw: ReadonlyArray<ArrayLike<number>[]>, effective: ReadonlyArray<ArrayLike<number>[]>): HeadFaithfulness {
  if (raw.length === 0 || raw.length !== effective.length) throw new Error(`faithfulness needs as many raw as effective queries (≥ 1), got ${raw.length} and ${effective.length}`);
  const H = raw[0].length;
  const tv = Array.from({length: H}, () => new Array<number>(raw.length)); // [H][queries]
  const between = Array.from({length: H}, () => new Array<number>(H).fill(0)); // [g][h]
  raw.forEach((rows, c) => {
    const eff = effective[c];
    if (rows.length !== H || eff.length !== H) throw new Error(`query ${c} has ${rows.length} raw and ${eff.length} effective rows, expected ${H}`);
    for (let g = 0; g < H; g++) {
      for (let h = 0; h < H; h++) {
        const distance = totalVariation(rows[g], eff[h]);
        between[g][h] += distance / raw.length;
        if (g === h) tv[h][c] = distance;
      }
    }
  });
  return {tv, between, nearest: nearestHeads(between)};
}
