// PagerDuty's incident.responder.replied (data: an incident_responder, not an incident) as the neutral reply.
import { responderReplyFromPagerDuty } from '../../../src/adapters/pagerduty/webhook';

const ref = (type: string, id: string, summary: string) => ({ id, type, summary, self: null, html_url: null });

function replied(data: Record<string, unknown>) {
  return {
    event: {
      id: '01DEN4HPBQAAAG05V5QQYBRZMF',
      event_type: 'incident.responder.replied',
      resource_type: 'incident',
      occurred_at: '2026-03-04T10:01:00.000Z',
      agent: ref('user_reference', 'PVMGSML', 'Maeve'),
      client: null,
      data: {
        incident: ref('incident_reference', 'PGR0VU2', 'A little bump in the road'),
        user: ref('user_reference', 'PVMGSML', 'Maeve'),
        escalation_policy: ref('escalation_policy_reference', 'PJFWPEP', 'The Policy'),
        message: 'Please help',
        state: 'joined',
        type: 'incident_responder',
        ...data,
      },
    },
  };
}

it('reads an accepted request: the incident, the policy asked, who answered, when', () => {
  expect(responderReplyFromPagerDuty(replied({}))).toEqual({
    ok: true,
    reply: {
      via: 'PagerDuty',
      source: 'pagerduty',
      deliveryId: '01DEN4HPBQAAAG05V5QQYBRZMF',
      pagerIncidentId: 'PGR0VU2',
      policyId: 'PJFWPEP',
      accepted: true,
      state: 'joined',
      responder: { id: 'PVMGSML', name: 'Maeve' },
      at: new Date('2026-03-04T10:01:00.000Z'),
    },
  });
});

it('a declined request is not an acceptance; a reply without its policy still names the incident', () => {
  const declined = responderReplyFromPagerDuty(replied({ state: 'declined', escalation_policy: null }));
  expect(declined).toEqual({
    ok: true,
    reply: expect.objectContaining({ accepted: false, state: 'declined', policyId: null, pagerIncidentId: 'PGR0VU2' }),
  });
});

it('says what is wrong with a reply that names no incident', () => {
  const result = responderReplyFromPagerDuty(replied({ incident: null }));
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.issues.join(' ')).toContain('incident');
});
