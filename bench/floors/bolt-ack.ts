// Floor for slash command → ack: a Bolt app on its HTTP receiver, Slack's signature checked, a /incident
// listener that only acknowledges. Bot ids are given so Bolt never calls auth.test per request (as Firebreak).
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { listenAddress, setting } from './listen';

const receiver = new HTTPReceiver({
  signingSecret: setting('SLACK_SIGNING_SECRET'),
  endpoints: '/slack/events',
  customRoutes: [
    {
      path: '/healthz',
      method: 'GET',
      handler: (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'),
    },
  ],
});
const app = new App({
  receiver,
  token: setting('SLACK_BOT_TOKEN'),
  botId: setting('SLACK_BOT_ID'),
  botUserId: setting('SLACK_BOT_USER_ID'),
  tokenVerificationEnabled: false,
  clientOptions: { slackApiUrl: setting('SLACK_API_URL') },
  logLevel: LogLevel.ERROR,
});
app.command('/incident', async ({ ack }) => {
  await ack();
});
void app.start(listenAddress());
