// An error nothing caught is logged without secrets, and does not end the process.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/observability/logger';
import { guardProcess, scrubSecrets } from '../../../src/observability/process-guard';

function capture(): { entries: () => Array<Record<string, unknown>>; stream: Writable } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    entries: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stream,
  };
}

it('logs an unhandled rejection and an uncaught exception, with their stack frames, and keeps going', () => {
  const out = capture();
  const target = new EventEmitter();
  const seen: string[] = [];
  const remove = guardProcess(createLogger({ level: 'info', destination: out.stream }), target, (kind) =>
    seen.push(kind),
  );
  target.emit(
    'unhandledRejection',
    new TypeError("Cannot read properties of null (reading 'ssl_check')"),
    Promise.resolve(),
  );
  target.emit('uncaughtException', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  target.emit('unhandledRejection', 'a bare string');
  expect(seen).toEqual(['unhandledRejection', 'uncaughtException', 'unhandledRejection']);
  const [first, second, third] = out.entries();
  expect(first).toMatchObject({
    level: 'error',
    err: "Cannot read properties of null (reading 'ssl_check')",
    errorName: 'TypeError',
    name: 'firebreak',
  });
  expect(String(first?.stack)).toMatch(/^\s+at /);
  expect(String(first?.msg)).toContain('keeps serving');
  expect(second).toMatchObject({ err: 'socket hang up', code: 'ECONNRESET' });
  expect(third).toMatchObject({ err: 'a bare string' });
  remove();
  expect(target.listenerCount('unhandledRejection') + target.listenerCount('uncaughtException')).toBe(0);
});

it('scrubs secrets an error message may quote', () => {
  const out = capture();
  const target = new EventEmitter();
  guardProcess(createLogger({ level: 'info', destination: out.stream }), target);
  const message =
    'call failed: token xoxb-1234-5678-abcdEFGH, app xapp-1-A0-99, Authorization: Bearer alert-secret-42, db postgres://firebreak:pw-9876@db:5432/x, sig v0=0123456789abcdef0123456789abcdef';
  target.emit('unhandledRejection', new Error(message));
  const line = JSON.stringify(out.entries());
  for (const secret of ['xoxb-1234', 'xapp-1-A0', 'alert-secret-42', 'pw-9876', '0123456789abcdef0123'])
    expect(line).not.toContain(secret);
  expect(line).toContain('postgres://firebreak:[redacted]@db:5432/x');
  expect(scrubSecrets('nothing secret here: C0123, INC-4')).toBe('nothing secret here: C0123, INC-4');
});
