// Sandbox mode: the local Slack that `npm start` talks to when there is no Slack token, in this process.
// Its state is also written to data/sandbox-slack.json so a newcomer can see what the bot did.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { FakeSlack } from './fake-slack';

export const SANDBOX_BOT_TOKEN = 'xoxb-sandbox';

export interface Sandbox {
  slack: FakeSlack;
  slackApiUrl: string;
  botToken: string;
  botUserId: string;
  /** Tells the local Slack where to send slash commands, clicks and events, signed like Slack. */
  connect(requestUrl: string): Promise<void>;
  stop(): Promise<void>;
}

function snapshot(slack: FakeSlack): object {
  return {
    note: 'What the sandbox Slack holds: the channels Firebreak created and the messages it posted.',
    channels: slack.listChannels().map((channel) => ({
      ...channel,
      members: slack.members(channel.id),
      messages: slack.messages(channel.id),
    })),
  };
}

export async function startSandbox(options: { logger: Logger; signingSecret: string; dataDir?: string }): Promise<Sandbox> {
  const slack = await FakeSlack.start({ botToken: SANDBOX_BOT_TOKEN });
  const dataDir = options.dataDir ?? 'data';
  const recordPath = join(dataDir, 'sandbox-slack.json');
  mkdirSync(dataDir, { recursive: true });
  let timer: NodeJS.Timeout | null = null;
  // Debounced: a storm of card edits writes the record once, a moment later.
  const unsubscribe = slack.onChange(() => {
    timer ??= setTimeout(() => {
      timer = null;
      writeFileSync(recordPath, JSON.stringify(snapshot(slack), null, 2));
    }, 200);
  });
  options.logger.info({ slackApiUrl: slack.apiUrl, record: recordPath }, 'sandbox: local Slack started');
  const auth = slack.auth();
  return {
    slack,
    slackApiUrl: slack.apiUrl,
    botToken: SANDBOX_BOT_TOKEN,
    botUserId: auth.botUserId,
    async connect(requestUrl) {
      slack.connectApp({ requestUrl, signingSecret: options.signingSecret });
    },
    async stop() {
      unsubscribe();
      if (timer) clearTimeout(timer);
      await slack.stop();
    },
  };
}
