// The nudges' prompts and a stakeholder update as Slack shows them.
import type { KnownBlock } from '@slack/types';
import { nudgeMessage } from '../../../src/slack/views/nudge-messages';
import { updateMessage, updatePostedText } from '../../../src/slack/views/update-messages';
import { anIncident, at } from '../../support/builders';

const json = (blocks: KnownBlock[]): string => JSON.stringify(blocks);

describe('nudge prompts', () => {
  it('asks for a lead with an "I\'ll lead" button while it stands', () => {
    const prompt = nudgeMessage(anIncident({ leadUserId: null }), 'lead', null, 'UTC');
    expect(prompt.text).toContain('INC-7 has no lead yet');
    expect(json(prompt.blocks)).toContain('"action_id":"nudge_lead"');
  });

  it('reminds the lead by mention, with a Post update button', () => {
    const reminder = nudgeMessage(anIncident({ leadUserId: 'U0ALICE' }), 'update', null, 'UTC');
    expect(reminder.text).toContain('<@U0ALICE>, no update for INC-7');
    expect(json(reminder.blocks)).toContain('"action_id":"update_open"');
  });

  it('once settled, says why and offers nothing to click', () => {
    const incident = anIncident({ leadUserId: 'U0BOB' });
    const led = nudgeMessage(incident, 'lead', { why: 'lead_assigned', userId: 'U0BOB' }, 'UTC');
    expect(led.text).toContain('<@U0BOB> leads the incident');
    expect(json(led.blocks)).not.toContain('action_id');
    const updated = nudgeMessage(incident, 'update', { why: 'update_posted', at: at(40) }, 'UTC');
    expect(updated.text).toContain('An update went out at 12:10');
    expect(nudgeMessage(incident, 'update', { why: 'superseded' }, 'UTC').text).toContain('newer reminder');
    expect(nudgeMessage(incident, 'lead', { why: 'resolved' }, 'UTC').text).toContain('resolved');
  });
});

describe('stakeholder updates', () => {
  const update = {
    text: 'Rolled back <!channel> & watching',
    actor: { kind: 'user' as const, id: 'U0ALICE' },
    at: at(40),
  };

  it('in the channel and the thread: the text, escaped, and who posted it', () => {
    const message = updateMessage(anIncident(), { ...update, where: 'thread' });
    expect(json(message.blocks)).toContain('Rolled back &lt;!channel&gt; &amp; watching');
    expect(json(message.blocks)).toContain('Posted by <@U0ALICE>');
    expect(json(message.blocks)).not.toContain('incident_unsubscribe');
  });

  it('as a direct message: which incident, where to follow it, and how to stop', () => {
    const message = updateMessage(anIncident({ channelId: 'C0INC' }), { ...update, where: 'direct' });
    expect(json(message.blocks)).toContain('Update on INC-7');
    expect(json(message.blocks)).toContain('<#C0INC>');
    expect(json(message.blocks)).toContain('"action_id":"incident_unsubscribe"');
  });

  it('tells the poster where it went', () => {
    expect(updatePostedText(0)).toBe(':mega: Update posted: here, under the announcement.');
    expect(updatePostedText(2)).toBe(':mega: Update posted: here, under the announcement, and to 2 subscribers.');
  });
});
