// The Datadog, New Relic and Zabbix templates of docs/alert-sources.md, as each product renders them for a
// monitor on web's request rate (test/fixtures/generic): the firing one opens an incident with the severity the
// product's word maps to, the resolved one resolves that same alert, and every field the fixtures carry is one
// the documented template writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, startHarness, type Harness } from '../support/harness';

jest.setTimeout(30_000);

const ROOT = join(__dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/alert-sources.md'), 'utf8');

const PRODUCTS = [
  { product: 'Datadog', file: 'datadog', title: '[Triggered] Request rate on web is 8x normal', severity: 'sev2' },
  { product: 'New Relic', file: 'newrelic', title: 'Request rate on web is 8x normal', severity: 'sev1' },
  { product: 'Zabbix', file: 'zabbix', title: 'Request rate on web is 8x normal', severity: 'sev1' },
] as const;

type Body = Record<string, unknown> & { status: string; labels?: Record<string, string> };

function fixture(name: string): Body {
  return JSON.parse(readFileSync(join(ROOT, 'test/fixtures/generic', `${name}.json`), 'utf8')) as Body;
}

/** The fenced code blocks of the product's "## <product>" section of docs/alert-sources.md. */
function templateBlocks(product: string): string[] {
  const section = DOC.split(/^## /m).find((s) => s.startsWith(`${product}\n`));
  if (!section) throw new Error(`docs/alert-sources.md has no "## ${product}" section`);
  return [...section.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '');
}

/** The generic fields a body uses, and the names of its labels. */
function fieldNames(body: Body): string[] {
  return [...Object.keys(body), ...Object.keys(body.labels ?? {})];
}

/** A template writes a field as a JSON key (`"title":`) or a JavaScript property (`title:`, `alert.summary =`). */
function writes(template: string, field: string): boolean {
  return new RegExp(`(^|[\\s{,"])${field}"?\\s*:|\\.${field}\\s*=[^=]`, 'm').test(template);
}

/** A template that writes every field of the body and the body's status as a literal ("firing" or 'firing'). */
function renders(template: string, body: Body): boolean {
  const status = template.includes(`"${body.status}"`) || template.includes(`'${body.status}'`);
  return status && fieldNames(body).every((field) => writes(template, field));
}

describe.each(PRODUCTS)('$product through POST /alerts/generic', ({ product, file, title, severity }) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it.each(['firing', 'resolved'])(`the %s fixture is what a template in the ${product} section renders`, (status) => {
    const body = fixture(`${file}-${status}`);
    expect(body.status).toBe(status);
    const blocks = templateBlocks(product);
    expect(blocks.length).toBeGreaterThan(0);
    const missing = fieldNames(body).filter((field) => !blocks.some((block) => writes(block, field)));
    expect(missing).toEqual([]);
    expect(blocks.some((block) => renders(block, body))).toBe(true);
  });

  it('the firing notification opens one incident with its title and severity; the resolution resolves it', async () => {
    const harness = await startHarness();
    h = harness;
    const firing = await harness.postAlert('generic', fixture(`${file}-firing`));
    expect(firing).toEqual({ status: 202, body: { accepted: 1, incidents: [1] } });
    const channel = await eventually(
      () => harness.slack.listChannels().find((c) => c.name.startsWith('inc-')),
      'the incident channel',
    );
    const card = await eventually(
      () => harness.slack.messages(channel.id).find((m) => m.pinned && JSON.stringify(m.blocks).includes(title)),
      `the card showing "${title}"`,
    );
    const blocks = JSON.stringify(card.blocks);
    expect(blocks).toContain(`*Severity*\\n${severity.toUpperCase()}`);
    expect(blocks).toContain(`— ${severity}, since`);
    const [incident] = await harness.firebreak.store.incidents.listRecent(1);
    expect(incident).toMatchObject({ service: 'web', severity });

    const resolved = await harness.postAlert('generic', fixture(`${file}-resolved`));
    expect(resolved.status).toBe(202);
    await eventually(
      () =>
        harness.slack
          .messages(channel.id)
          .find((m) => m.pinned && JSON.stringify(m.blocks).includes('All 1 alert has resolved')),
      'the card saying the alert resolved',
    );
    await harness.drained();
    expect(harness.slack.listChannels().filter((c) => c.name.startsWith('inc-'))).toHaveLength(1);
    expect(await harness.firebreak.store.incidents.listRecent(5)).toHaveLength(1);
  });
});
