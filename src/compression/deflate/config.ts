/**
 * The configuration table of GNU gzip's deflate.c, which zlib's deflate.c inherited with the same numbers:
 * per level 1..9, good_length (a match this long quarters the chain search), max_lazy (levels 4-9: no lazy
 * search after a match this long; 1-3: the longest match whose strings are inserted into the chains),
 * nice_length (a match this long ends the search) and max_chain (chain links searched at most).
 */
export const DEFLATE_CONFIG: ReadonlyArray<readonly [good: number, lazy: number, nice: number, chain: number]> = [
  [0, 0, 0, 0],
  [4, 4, 8, 4],
  [4, 5, 16, 8],
  [4, 6, 32, 32],
  [4, 4, 16, 16],
  [8, 16, 32, 32],
  [8, 16, 128, 128],
  [8, 32, 128, 256],
  [32, 128, 258, 1024],
  [32, 258, 258, 4096]
]
