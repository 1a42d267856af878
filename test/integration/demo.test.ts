// `npm run demo` replays the flash-sale outage end to end; its postmortem must tell the script's story
// with the script's times: 11:30 to 14:00 UTC, two and a half hours, capacity 4 → 14 → 24.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlashSaleDemo } from '../../src/sandbox/demo';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(90_000);

it('replays the outage and ends with a postmortem whose durations match the script', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-demo-test-'));
  const lines: string[] = [];
  const result = await runFlashSaleDemo({ dir, say: (line) => lines.push(line) });
  try {
    const md = result.postmortemMarkdown;
    expect(md).toContain('11:30');
    expect(md).toContain('14:00');
    expect(md).toContain('2 hours 30 minutes');
    expect(md).toMatch(/4 to 24 instances/);
    expect(md).toContain('About 30% of users could not load the store');
    expect(md).toContain('Implement auto-scaling policies for the web tier');
    expect(md).not.toContain('_To be filled in: impact_');
    expect(lines.some((l) => l.includes('Scale out +10'))).toBe(true);
    const page = await fetch(result.postmortemUrl);
    expect(page.status).toBe(200);
  } finally {
    await result.firebreak.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
