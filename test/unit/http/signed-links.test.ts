// Signed links: a link works for the path it names until it expires; anything changed or missing is refused.
import { createHmac } from 'node:crypto';
import { signLink, verifyLink } from '../../../src/http/signed-links';

const SECRET = 'test-link-secret-0123456789abcdef0123';
const PATH = '/incidents/7/postmortem';
const NOW = new Date('2023-02-15T14:05:00.000Z');
const EXPIRES = new Date('2023-03-17T14:05:00.000Z');

function query(link: string): Record<string, string> {
  return Object.fromEntries(new URL(link, 'http://firebreak.local').searchParams);
}

describe('signLink', () => {
  it('puts the expiry in unix seconds and a base64url HMAC in the query', () => {
    const link = signLink(SECRET, PATH, EXPIRES);
    const expected = createHmac('sha256', SECRET).update(`${PATH}\n1679061900`).digest('base64url');
    expect(link).toBe(`/incidents/7/postmortem?expires=1679061900&signature=${expected}`);
    expect(signLink(SECRET, PATH, EXPIRES)).toBe(link);
    expect(signLink('another-secret', PATH, EXPIRES)).not.toBe(link);
  });

  it('refuses a path that already has a query, and an empty secret', () => {
    expect(() => signLink(SECRET, `${PATH}?format=md`, EXPIRES)).toThrow(/bare path/);
    expect(() => signLink('', PATH, EXPIRES)).toThrow(/secret/);
  });
});

describe('verifyLink', () => {
  const link = signLink(SECRET, PATH, EXPIRES);

  it('accepts a valid link until it expires, with other parameters such as format', () => {
    expect(verifyLink(SECRET, PATH, query(link), NOW)).toEqual({ ok: true });
    expect(verifyLink(SECRET, PATH, { ...query(link), format: 'md' } as Record<string, string>, NOW)).toEqual({
      ok: true,
    });
    expect(verifyLink(SECRET, PATH, query(link), new Date(EXPIRES.getTime() - 1000))).toEqual({ ok: true });
  });

  it('says expired once the expiry has passed', () => {
    expect(verifyLink(SECRET, PATH, query(link), EXPIRES)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyLink(SECRET, PATH, query(link), new Date('2024-01-01T00:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('says invalid for another path: a link to INC-7 does not open INC-8', () => {
    expect(verifyLink(SECRET, '/incidents/8/postmortem', query(link), NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('says invalid for a changed expiry, even one in the past (never "expired" for a link we did not sign)', () => {
    const q = query(link);
    const later = String(Number(q.expires) + 86_400);
    const earlier = String(Number(q.expires) - 40 * 86_400);
    expect(verifyLink(SECRET, PATH, { ...q, expires: later }, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyLink(SECRET, PATH, { ...q, expires: earlier }, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('says invalid for a changed or malformed signature, or one made with another secret', () => {
    const q = query(link);
    const sig = q.signature ?? '';
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(verifyLink(SECRET, PATH, { ...q, signature: flipped }, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyLink(SECRET, PATH, { ...q, signature: sig.slice(0, 20) }, NOW)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyLink(SECRET, PATH, { ...q, expires: 'soon' }, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyLink(SECRET, PATH, { ...q, signature: [sig, sig] }, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyLink('another-secret', PATH, q, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('says missing when the expiry or the signature is absent or empty', () => {
    const q = query(link);
    expect(verifyLink(SECRET, PATH, {}, NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyLink(SECRET, PATH, { expires: q.expires }, NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyLink(SECRET, PATH, { signature: q.signature }, NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyLink(SECRET, PATH, { ...q, signature: '' }, NOW)).toEqual({ ok: false, reason: 'missing' });
  });
});
