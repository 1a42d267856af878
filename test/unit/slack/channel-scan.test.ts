import { sharedChannelScan, type ScannedChannel } from '../../../src/adapters/slack/channel-scan';

/** A workspace whose channel list the test changes, and scans it answers by hand. */
function workspace() {
  const channels = new Map<string, ScannedChannel>();
  const pending: Array<{ snapshot: Map<string, ScannedChannel>; answer: () => void; fail: (e: Error) => void }> = [];
  const scan = () =>
    new Promise<ReadonlyMap<string, ScannedChannel>>((resolve, reject) => {
      // A listing is taken when the scan starts: channels made later are not in it.
      const snapshot = new Map(channels);
      pending.push({ snapshot, answer: () => resolve(snapshot), fail: reject });
    });
  const add = (name: string) => channels.set(name, { id: `C-${name}`, name });
  return { scan, add, pending };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('sharedChannelScan', () => {
  it('answers every lookup asked before a scan from that one scan', async () => {
    const ws = workspace();
    ['a', 'b', 'c'].forEach(ws.add);
    const find = sharedChannelScan(ws.scan);
    const answers = Promise.all(['a', 'b', 'c'].map(find));
    await flush();
    expect(ws.pending).toHaveLength(1);
    ws.pending[0]?.answer();
    expect((await answers).map((c) => c?.id)).toEqual(['C-a', 'C-b', 'C-c']);
  });

  it('answers a lookup asked during a scan from it when the scan lists the channel', async () => {
    const ws = workspace();
    ws.add('a');
    ws.add('b');
    const find = sharedChannelScan(ws.scan);
    const first = find('a');
    await flush();
    const second = find('b');
    ws.pending[0]?.answer();
    expect((await first)?.id).toBe('C-a');
    expect((await second)?.id).toBe('C-b');
    expect(ws.pending).toHaveLength(1);
  });

  it('never says "not there" from a listing taken before the question: it scans again, once for all who wait', async () => {
    const ws = workspace();
    const find = sharedChannelScan(ws.scan);
    const early = find('a');
    await flush();
    // Made after the first listing was taken, then asked about (its creator was told the name is taken).
    ws.add('x');
    ws.add('y');
    const late = [find('x'), find('y')];
    ws.pending[0]?.answer();
    await flush();
    expect(await early).toBeNull();
    expect(ws.pending).toHaveLength(2);
    ws.pending[1]?.answer();
    expect((await Promise.all(late)).map((c) => c?.id)).toEqual(['C-x', 'C-y']);
  });

  it('lets a failed scan fail its lookups, and the next lookup scans again', async () => {
    const ws = workspace();
    ws.add('a');
    const find = sharedChannelScan(ws.scan);
    const failing = find('a');
    await flush();
    ws.pending[0]?.fail(new Error('rate limited'));
    await expect(failing).rejects.toThrow('rate limited');
    const retry = find('a');
    await flush();
    expect(ws.pending).toHaveLength(2);
    ws.pending[1]?.answer();
    expect((await retry)?.id).toBe('C-a');
  });

  it('answers "found" from a recent scan without scanning, and forgets it after a minute', async () => {
    const ws = workspace();
    ws.add('a');
    let clock = 0;
    const find = sharedChannelScan(ws.scan, () => clock);
    const first = find('a');
    await flush();
    ws.pending[0]?.answer();
    await first;
    clock = 30_000;
    expect((await find('a'))?.id).toBe('C-a');
    expect(ws.pending).toHaveLength(1);
    clock = 61_000;
    const later = find('a');
    await flush();
    expect(ws.pending).toHaveLength(2);
    ws.pending[1]?.answer();
    expect((await later)?.id).toBe('C-a');
  });
});
