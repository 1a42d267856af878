import { actorText } from '../../../src/domain/actor';
import { link, mention, PLAIN_INLINES, renderRichText } from '../../../src/domain/rich-text';
import { mrkdwn } from '../../../src/slack/views/format';

describe('rich text rendered for Slack', () => {
  it('a person is a mention Slack renders with their name; literal text is escaped so it cannot become one', () => {
    expect(mrkdwn([mention('U123'), ' already leads <!channel> & co.'])).toBe(
      '<@U123> already leads &lt;!channel&gt; &amp; co.',
    );
  });

  it('a safe link is a Slack link; one that could break out of it is only its label', () => {
    expect(mrkdwn(['see ', link('https://grafana.example/d/1', 'the <dashboard>')])).toBe(
      'see <https://grafana.example/d/1|the &lt;dashboard&gt;>',
    );
    expect(mrkdwn([link('https://x.example/a|b', 'label')])).toBe('label');
  });

  it('the timeline names a person by mention and others by name', () => {
    expect(mrkdwn(actorText({ kind: 'user', id: 'U9', name: 'alice' }))).toBe('<@U9>');
    expect(mrkdwn(actorText({ kind: 'monitor', id: 'alertmanager' }))).toBe('alertmanager');
  });

  it('plain text has no markup: people by id, links with their address', () => {
    expect(renderRichText([mention('U1'), ' see ', link('https://a.example', 'docs')], PLAIN_INLINES)).toBe(
      '@U1 see docs (https://a.example)',
    );
  });
});
