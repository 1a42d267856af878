// Secrets never reach the log, wherever they sit in what we log.
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/observability/logger';

function capture(): { lines: () => string; stream: Writable } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { lines: () => text, stream };
}

it('redacts tokens, signatures and connection strings at any depth we log', () => {
  const out = capture();
  const logger = createLogger({ level: 'info', destination: out.stream });
  logger.info({
    token: 'xoxb-1111-secret',
    req: { headers: { authorization: 'Bearer alert-secret-2222', 'x-slack-signature': 'v0=abcd3333' } },
    config: { env: { SLACK_SIGNING_SECRET: 'signing-4444', DATABASE_URL: 'postgres://u:pw5555@db/firebreak' } },
    channel: 'C0123',
  }, 'starting');
  const line = out.lines();
  for (const secret of ['xoxb-1111-secret', 'alert-secret-2222', 'abcd3333', 'signing-4444', 'pw5555']) expect(line).not.toContain(secret);
  expect(JSON.parse(line)).toMatchObject({ msg: 'starting', channel: 'C0123', token: '[redacted]', level: 'info' });
});
