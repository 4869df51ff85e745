// "Did you mean list?": the nearest of the names a word was meant to be, for one-line usage
// errors. Edit distance from fastest-levenshtein (already in oclif's tree).

import {distance} from 'fastest-levenshtein'

/** The candidate nearest to `word` (case-insensitive), if it is near enough to be a typo. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase()
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase())
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }

  // One edit in a short word, two in a longer one (lsit, sortt, cpuu, comand).
  return bestDistance <= (w.length <= 3 ? 1 : 2) ? best : undefined
}

/** ` (did you mean X?)`, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>, prefix = ''): string {
  const n = nearest(word, candidates)
  return n === undefined ? '' : ` (did you mean ${prefix}${n}?)`
}
