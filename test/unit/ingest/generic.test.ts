// The generic webhook: one alert object, severity words mapped, a stable default fingerprint, paths in issues.
import { parseGenericAlert } from '../../../src/ingest/generic';

const options = { defaultSeverity: 'sev3' as const, severityWords: { disaster: 'sev1' as const } };

function issuesOf(body: unknown): string[] {
  const result = parseGenericAlert(body, options);
  if (result.ok) throw new Error('expected the payload to be refused');
  return result.issues;
}

describe('parseGenericAlert', () => {
  it('normalizes a minimal alert: firing by default, a fingerprint from service and title', () => {
    const result = parseGenericAlert(
      { title: 'Checkout error rate above 5%', severity: 'high', service: 'checkout' },
      options,
    );
    expect(result).toEqual({
      ok: true,
      alerts: [
        {
          source: 'generic',
          fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
          title: 'Checkout error rate above 5%',
          service: 'checkout',
          severity: 'sev2',
          status: 'firing',
          labels: {},
        },
      ],
    });
  });

  it('gives the same fingerprint to the same service and title, and a different one otherwise', () => {
    const fingerprint = (body: object) => {
      const result = parseGenericAlert({ severity: 'low', ...body }, options);
      return result.ok ? result.alerts[0]?.fingerprint : undefined;
    };
    const a = fingerprint({ title: 'Disk full', service: 'db' });
    expect(fingerprint({ title: 'Disk full', service: 'db', status: 'resolved', summary: 'ok now' })).toBe(a);
    expect(fingerprint({ title: 'Disk full', service: 'web' })).not.toBe(a);
    expect(fingerprint({ title: 'Disk full', service: 'db', fingerprint: 'mine' })).toBe('mine');
  });

  it('keeps status, summary and labels, and maps policy severity words', () => {
    const result = parseGenericAlert(
      {
        title: 'Queue backlog',
        severity: 'Disaster',
        service: 'orders',
        status: 'resolved',
        summary: 'Drained',
        labels: { region: 'eu-west-1' },
      },
      options,
    );
    expect(result.ok && result.alerts[0]).toMatchObject({
      severity: 'sev1',
      status: 'resolved',
      summary: 'Drained',
      labels: { region: 'eu-west-1' },
    });
    const unknownWord = parseGenericAlert({ title: 't', severity: 'meh', service: 's' }, options);
    expect(unknownWord.ok && unknownWord.alerts[0]?.severity).toBe('sev3');
  });

  it('names what is wrong, with paths', () => {
    expect(issuesOf({ severity: 'high' })).toEqual(['title: required', 'service: required']);
    expect(issuesOf({ title: '  ', severity: 'high', service: 'web', status: 'ok', labels: { a: 1 } })).toEqual([
      'title: must not be empty',
      'status: expected "firing" or "resolved" (got "ok")',
      'labels.a: expected a string (got 1)',
    ]);
    expect(issuesOf({ title: 'x'.repeat(301), severity: 'high', service: 'web' })).toEqual([
      'title: must be at most 300 characters long',
    ]);
    expect(issuesOf({ title: 'x', severity: 'high', service: 'web', sumary: 'typo' })).toEqual([
      'unknown key "sumary" (did you mean "summary"?); expected title, severity, service, status, fingerprint, summary, labels',
    ]);
    expect(issuesOf([{ title: 'x', severity: 'high', service: 'web' }])).toEqual(['expected an object (got an array)']);
  });
});
