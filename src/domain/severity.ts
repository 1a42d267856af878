// Severity levels, sev1 (worst) to sev4, and how monitoring words map onto them.
export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** Lower rank is worse: sev1 → 1. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity) + 1;
}

export function worseOf(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

/** The words monitoring systems use, mapped to ours; the policy file may add to it. */
export const DEFAULT_SEVERITY_WORDS: Readonly<Record<string, Severity>> = {
  sev1: 'sev1',
  p1: 'sev1',
  critical: 'sev1',
  page: 'sev1',
  fatal: 'sev1',
  emergency: 'sev1',
  disaster: 'sev1',
  sev2: 'sev2',
  p2: 'sev2',
  high: 'sev2',
  major: 'sev2',
  error: 'sev2',
  sev3: 'sev3',
  p3: 'sev3',
  warning: 'sev3',
  warn: 'sev3',
  medium: 'sev3',
  minor: 'sev3',
  average: 'sev3',
  sev4: 'sev4',
  p4: 'sev4',
  p5: 'sev4',
  info: 'sev4',
  information: 'sev4',
  'not classified': 'sev4',
  low: 'sev4',
  none: 'sev4',
};

export function severityFromWord(
  word: string | undefined,
  fallback: Severity,
  extra: Readonly<Record<string, Severity>> = {},
): Severity {
  if (!word) return fallback;
  const key = word.trim().toLowerCase();
  return extra[key] ?? DEFAULT_SEVERITY_WORDS[key] ?? fallback;
}
