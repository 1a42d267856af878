// Monitoring words onto sev1–sev4: the built-in words, including the ones Datadog, New Relic and Zabbix send.
import { severityFromWord } from '../../../src/domain/severity';

describe('severityFromWord', () => {
  it.each([
    // Datadog's monitor priorities, $ALERT_PRIORITY
    ['P1', 'sev1'],
    ['P2', 'sev2'],
    ['P3', 'sev3'],
    ['P4', 'sev4'],
    ['P5', 'sev4'],
    // New Relic's issue priorities, {{priority}}
    ['CRITICAL', 'sev1'],
    ['HIGH', 'sev2'],
    ['MEDIUM', 'sev3'],
    ['LOW', 'sev4'],
    // Zabbix's trigger severities, {EVENT.SEVERITY}
    ['Disaster', 'sev1'],
    ['High', 'sev2'],
    ['Average', 'sev3'],
    ['Warning', 'sev3'],
    ['Information', 'sev4'],
    ['Not classified', 'sev4'],
  ] as const)('maps %s to %s', (word, severity) => {
    expect(severityFromWord(word, 'sev3')).toBe(severity);
  });

  it('ignores case and surrounding space, lets the policy add words, and falls back otherwise', () => {
    expect(severityFromWord('  not CLASSIFIED ', 'sev2')).toBe('sev4');
    expect(severityFromWord('blocker', 'sev3', { blocker: 'sev1' })).toBe('sev1');
    expect(severityFromWord('meh', 'sev2')).toBe('sev2');
    expect(severityFromWord(undefined, 'sev2')).toBe('sev2');
  });
});
