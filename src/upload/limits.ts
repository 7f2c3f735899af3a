// Limits of the "Your data" page, stated on the page and in docs/data-formats.md. Pure constants.

const MIB = 1024 * 1024;

/** The largest file the page reads (bytes). Above it the file is refused before it is read. */
export const MAX_FILE_BYTES = 400 * MIB;
/** The same limit in words, for messages and the page. */
export const MAX_FILE_LABEL = "400 MB";

/**
 * The most attention weights the page holds in memory at once (groups × layers × heads × N²), as 32-bit
 * floats: 48 M weights = 192 MB, enough for 12 layers × 12 heads × 512 tokens (37.7 M) of one sample.
 */
export const MAX_WEIGHTS = 48_000_000;

/**
 * From this many weights (declared by a Parquet footer), a file that could be held is opened in parts on "Your
 * data" when its row groups allow it: read whole, 16 M weights take about 3 s on the 2-core machine before the
 * first view (docs/data-formats.md), a part a fraction of a second.
 */
export const PARTS_FROM_WEIGHTS = 16 * MIB;

/**
 * The most bytes one compressed Arrow buffer may declare uncompressed: a column of MAX_WEIGHTS float64
 * weights. A larger length is a corrupt file, refused before anything is allocated.
 */
export const MAX_BUFFER_BYTES = MAX_WEIGHTS * 8;

/** A row of a map "sums to 1" when its sum is within this of 1 (float32 rounding over 512 keys is ~1e-5). */
export const ROW_SUM_TOLERANCE = 1e-3;

/** How many locations one message lists before it only counts the rest. */
export const MAX_LOCATIONS = 3;
