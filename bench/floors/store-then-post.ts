// Floor for alert → card: store the alert, answer 202, then open the group's channel and post one message
// in it with @slack/web-api. Creating the channel is included because Firebreak's card lives in a new
// channel: without it the floor would skip a Web API call the figure cannot avoid.
import { WebClient } from '@slack/web-api';
import { openAlertStore } from './alert-store';
import { startAlertServer, type Webhook } from './alert-server';
import { setting } from './listen';

const web = new WebClient(setting('SLACK_BOT_TOKEN'), {
  slackApiUrl: setting('SLACK_API_URL'),
  retryConfig: { retries: 0 },
});
/** Groups already given a channel: the floor opens one per group, as Firebreak opens one incident per group. */
const opened = new Set<string>();

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

async function postCard(webhook: Webhook): Promise<void> {
  const first = webhook.alerts[0];
  if (!first || opened.has(webhook.groupKey)) return;
  opened.add(webhook.groupKey);
  const title = first.annotations.summary ?? first.labels.alertname ?? 'alert';
  const created = await web.conversations.create({ name: `floor-${slug(title)}` });
  const channel = created.channel?.id;
  if (!channel) throw new Error('conversations.create answered without a channel');
  await web.chat.postMessage({
    channel,
    text: title,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${webhook.alerts.length} alert(s) firing` } },
    ],
  });
}

startAlertServer({
  store: openAlertStore(setting('DATABASE_PATH')),
  token: setting('ALERT_WEBHOOK_TOKEN'),
  afterStored: (webhook) =>
    void postCard(webhook).catch((error: unknown) =>
      process.stderr.write(`floor: posting the card failed: ${String(error)}\n`),
    ),
});
