// Slash commands as Slack sends them (form-encoded, v0-signed, fresh timestamp and trigger), sent by the
// bench's own keep-alive sender. FakeSlack.slashCommand sends through fetch, which cost ~5 ms of the bench
// process's CPU a command here: at 20 in flight the sender, not the app, set the pace (~200 commands/s
// against a Bolt app that acks at ~480/s). Answers posted to the response URL go to a sink in this process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeSlack } from '../src/sandbox/fake-slack';
import { APP_ID, TEAM } from '../src/sandbox/fake-slack/preset';
import { signSlackRequest } from '../src/sandbox/slack-signature';
import { secrets } from './config';
import { send, type Reply } from './send';

/** Where apps post their later answers: answers 200 {"ok":true}, as Slack's response URLs do, and counts them. */
export class ResponseSink {
  received = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ResponseSink> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sink = new ResponseSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      req.resume().on('end', () => {
        sink.received += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    return sink;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A sender of `/incident <text>` from a person in #general of the fake Slack, to an app's request URL. */
export function commandSender(
  slack: FakeSlack,
  appUrl: string,
  sink: ResponseSink,
): (text: string, i: number) => Promise<Reply> {
  const general = slack.channelByName('general');
  if (!general) throw new Error('the fake Slack has no #general');
  const url = new URL('/slack/events', appUrl);
  return (text, i) => {
    const body = new URLSearchParams({
      token: 'bench-verification-token',
      team_id: TEAM.id,
      team_domain: TEAM.domain,
      channel_id: general.id,
      channel_name: general.name,
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/incident',
      text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: `${sink.url}/response/${i}`,
      trigger_id: `${i}.${Date.now()}.bench`,
    }).toString();
    // A fresh signature each time: the app refuses a replayed one.
    return send('slack', 'POST', url, body, {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(secrets.signingSecret, body, Date.now() / 1000),
    });
  };
}
