// A count and its word, for every sentence Firebreak writes: `1 instance`, `3 instances`.
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
