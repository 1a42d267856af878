// The postmortem of issue 16's parts 6 and 7: a pinned message told with its latest edit at its own time, and a
// test incident's postmortem marked as such.
import { draftPostmortem } from '../../../src/domain/postmortem';
import type { TimelineEvent } from '../../../src/domain/timeline';
import { postmortemMarkdown } from '../../../src/web/postmortem-markdown';
import { anIncident, at } from '../../support/builders';

const alice = { kind: 'user', id: 'U0ALICE' } as const;

const events: TimelineEvent[] = [
  {
    id: 1,
    incidentId: 7,
    at: at(0),
    type: 'incident.declared',
    actor: alice,
    data: { title: 'Checkout drill', severity: 'sev3', service: 'checkout', source: 'manual', test: true },
  },
  {
    id: 2,
    incidentId: 7,
    // Posted at 11:32, pinned later: the entry keeps the message's own time.
    at: at(2),
    type: 'message.pinned',
    actor: alice,
    data: { channelId: 'C1', messageId: '1.0', text: 'Sale began 11:25', author: 'U0BOB' },
  },
  {
    id: 3,
    incidentId: 7,
    at: at(9),
    type: 'message.edited',
    actor: { kind: 'user', id: 'U0BOB' },
    data: { channelId: 'C1', messageId: '1.0', text: 'Sale began 11:20' },
  },
];

function draft(test: boolean) {
  return draftPostmortem({
    incident: anIncident({ title: 'Checkout drill', ...(test ? { test } : {}) }),
    events,
    alerts: [],
    answers: {},
    timeZone: 'UTC',
    now: at(30),
    names: new Map([['U0BOB', 'Bob Baker']]),
  });
}

it('tells a pinned message at its own time with its latest text, and not its edit as a line of its own', () => {
  const lines = draft(false).timeline.map((e) => `${e.time} ${e.text}`);
  expect(lines).toContain('11:32 Pinned a message from Bob Baker: “Sale began 11:20”');
  expect(lines.join('\n')).not.toContain('11:25');
});

it('marks a test incident’s postmortem in its title, in Markdown too; a real one carries no mark', () => {
  expect(draft(true).title).toBe('TEST INCIDENT — Postmortem: Checkout drill (INC-7)');
  expect(draft(true).timeline[0]?.text).toBe('Test incident declared: Checkout drill (sev3, checkout)');
  expect(postmortemMarkdown(draft(true))).toContain('TEST INCIDENT — Postmortem: Checkout drill (INC-7)');
  expect(draft(false).title).toBe('Postmortem: Checkout drill (INC-7)');
});
