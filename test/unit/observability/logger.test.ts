// Secrets never reach the log, wherever they sit in what we log.
import { Writable } from 'node:stream';
import { FirebreakError } from '../../../src/errors';
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
  logger.info(
    {
      token: 'xoxb-1111-secret',
      req: { headers: { authorization: 'Bearer alert-secret-2222', 'x-slack-signature': 'v0=abcd3333' } },
      config: { env: { SLACK_SIGNING_SECRET: 'signing-4444', DATABASE_URL: 'postgres://u:pw5555@db/firebreak' } },
      channel: 'C0123',
    },
    'starting',
  );
  const line = out.lines();
  for (const secret of ['xoxb-1111-secret', 'alert-secret-2222', 'abcd3333', 'signing-4444', 'pw5555'])
    expect(line).not.toContain(secret);
  expect(JSON.parse(line)).toMatchObject({ msg: 'starting', channel: 'C0123', token: '[redacted]', level: 'info' });
});

describe('errors', () => {
  it('are logged with their type, stack and cause chain', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    const root = new Error('connect ECONNREFUSED 10.0.0.9:5432');
    const wrapped = new FirebreakError('STORE_UNAVAILABLE', 'the database is unreachable', {
      step: 'claiming outbox jobs',
      cause: root,
    });
    logger.error({ err: wrapped }, 'outbox: could not claim jobs');
    const entry = JSON.parse(out.lines()) as { err: Record<string, unknown> & { cause: Record<string, unknown> } };
    expect(entry.err).toMatchObject({
      type: 'FirebreakError',
      message: 'the database is unreachable',
      code: 'STORE_UNAVAILABLE',
      details: { step: 'claiming outbox jobs' },
    });
    expect(entry.err.stack).toMatch(/^FirebreakError: the database is unreachable\n\s+at /);
    expect(entry.err.cause).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED 10.0.0.9:5432' });
    expect(entry.err.cause.stack).toMatch(/^Error: connect ECONNREFUSED[^\n]*\n\s+at /);
  });

  it('never carry a secret: not in a field of the error or its cause, nor quoted in a message or stack', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    // Shaped like an HTTP client's error: the request it made, headers and all, hangs off the error.
    const inner = Object.assign(
      new Error('request with Bearer alert-secret-1111 failed for postgres://u:pw2222@db/x'),
      {
        original: { config: { headers: { Authorization: 'Bearer xoxb-3333-deep' } } },
        token: 'xoxb-4444-field',
        statusCode: 503,
      },
    );
    const outer = new Error('slack call failed (xoxb-5555-message)', { cause: inner });
    logger.error({ err: outer }, 'failed');
    logger.error({ err: 'a plain string error with xoxb-6666-string' }, 'failed too');
    const text = out.lines();
    for (const secret of [
      'alert-secret-1111',
      'pw2222',
      'xoxb-3333-deep',
      'xoxb-4444-field',
      'xoxb-5555-message',
      'xoxb-6666-string',
    ])
      expect(text).not.toContain(secret);
    const entry = JSON.parse(text.split('\n')[0] ?? '') as { err: { cause: Record<string, unknown> } };
    expect(entry.err.cause).toMatchObject({ statusCode: 503 });
  });
});
