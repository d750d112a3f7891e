package filter

import (
	"slices"
	"strings"
)

// maxSuggestDistance is the largest edit distance at which a misspelt name
// gets a "did you mean" suggestion.
const maxSuggestDistance = 2

// suggest returns the candidate closest to s (case-insensitively) within
// maxSuggestDistance edits, the first of equals in candidates' order, or ""
// if there is none or s is too short for a suggestion to mean anything.
func suggest(s string, candidates []string) string {
	ls := strings.ToLower(s)
	best, bestD := "", maxSuggestDistance+1
	for _, c := range candidates {
		if d := editDistance(ls, strings.ToLower(c), bestD); d < bestD {
			best, bestD = c, d
		}
	}
	if 2*bestD >= len(s) {
		return "" // "foo" is 2 edits from "fpe" but means nothing like it
	}
	return best
}

// editDistance returns the optimal string alignment distance between a and
// b (insertions, deletions, substitutions and transpositions of adjacent
// bytes each cost 1), or a value >= limit once it is known to be at least
// limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	if len(a) > 64 || len(b) > 64 {
		return limit // no name is that long; keep the cost bounded
	}
	// prev2, prev and cur are rows i-2, i-1 and i of the DP matrix.
	var rows [3][65]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin >= limit {
			return limit
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// sortedCopy returns a sorted copy of names.
func sortedCopy(names []string) []string {
	s := slices.Clone(names)
	slices.Sort(s)
	return s
}
