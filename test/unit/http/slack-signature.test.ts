// Slack's v0 signature as our guard checks it: the same verdict as Bolt's own check (isValidSlackRequest, the
// one its HTTPReceiver runs) on genuine and tampered requests, and the signature Slack's documentation
// computes for its worked example.
import { createHmac, randomBytes } from 'node:crypto';
import { isValidSlackRequest } from '@slack/bolt';
import { checkSlackSignature, slackSignatureOf } from '../../../src/http/slack-signature';

const NOW = 1_796_000_000;

function boltVerdict(secret: string, signature: string, timestamp: string, body: string): boolean {
  return isValidSlackRequest({
    signingSecret: secret,
    body,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
    nowMilliseconds: NOW * 1000,
  });
}

function ourVerdict(secret: string, signature: string, timestamp: string, body: string): boolean {
  const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp };
  return checkSlackSignature(secret, headers, body, NOW).ok;
}

it("computes Slack's documented example signature", () => {
  // https://api.slack.com/authentication/verifying-requests-from-slack (the worked example's values).
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  expect(slackSignatureOf('8f742231b10e8888abcd99yyyzzz85a5', '1531420618', body)).toBe(
    'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
  );
});

it("gives Bolt's verdict on genuine requests and on every kind of tampering", () => {
  let checked = 0;
  for (let i = 0; i < 200; i++) {
    const secret = randomBytes(16).toString('hex');
    const body = `command=%2Fincident&text=${randomBytes(1 + (i % 40)).toString('base64url')}&n=${i}`;
    const timestamp = String(NOW - (i % 299));
    const genuine = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const flipped = `${genuine.slice(0, 3 + (i % 64))}${genuine[3 + (i % 64)] === '0' ? '1' : '0'}${genuine.slice(4 + (i % 64))}`;
    const cases: Array<[string, string, string, string, boolean]> = [
      [secret, genuine, timestamp, body, true],
      [secret, flipped, timestamp, body, false],
      [secret, genuine, timestamp, `${body}&x=1`, false],
      [secret, genuine, String(Number(timestamp) - 1), body, false],
      [`${secret}x`, genuine, timestamp, body, false],
    ];
    for (const [s, signature, ts, b, expected] of cases) {
      expect(ourVerdict(s, signature, ts, b)).toBe(expected);
      expect(boltVerdict(s, signature, ts, b)).toBe(expected);
      checked += 1;
    }
  }
  expect(checked).toBe(1000);
});

it('says why a signature does not match, without echoing it', () => {
  const body = 'command=%2Fincident&text=list';
  const check = checkSlackSignature(
    'the-secret',
    { 'x-slack-signature': `v0=${'ab'.repeat(32)}`, 'x-slack-request-timestamp': String(NOW) },
    body,
    NOW,
  );
  expect(check).toEqual({ ok: false, reason: expect.stringContaining('does not match the body') });
  expect(JSON.stringify(check)).not.toContain('abab');
});
