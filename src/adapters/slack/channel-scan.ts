// Finding channels by name costs a full conversations.list scan (Slack has no lookup by name, and the method
// is Tier 2: about 20 calls a minute). After a crash every channel whose creation was in flight is looked up
// at once; one scan begun after all of them were asked answers them all, instead of one scan each queueing
// behind the rate budget for a minute while their channels stay empty.

/** One channel as a scan lists it. */
export interface ScannedChannel {
  id: string;
  name: string;
  creatorId?: string;
}

/** How long a finished scan still answers for the channels it found (not for those it did not). */
const KEEP_FOUND_MS = 60_000;

/**
 * Shares scans between lookups. A channel a listing found exists, whenever the listing was taken, so any
 * recent or running scan may answer "here it is". "Not found" is only believed from a scan that started after
 * the lookup was asked: the caller was just told the name is taken, so an older listing may not have the
 * channel yet, and believing it would make a twin under the next name.
 */
export function sharedChannelScan(
  scan: () => Promise<ReadonlyMap<string, ScannedChannel>>,
  now: () => number = Date.now,
): (name: string) => Promise<ScannedChannel | null> {
  let scansStarted = 0;
  let running: { number: number; channels: Promise<ReadonlyMap<string, ScannedChannel>> } | null = null;
  let lastFinished: { at: number; channels: ReadonlyMap<string, ScannedChannel> } | null = null;

  const startScan = (): Promise<ReadonlyMap<string, ScannedChannel>> => {
    const startedAt = now();
    const current = { number: ++scansStarted, channels: scan() };
    running = current;
    const done = (): void => {
      if (running === current) running = null;
    };
    current.channels.then((channels) => {
      done();
      if (!lastFinished || lastFinished.at < startedAt) lastFinished = { at: startedAt, channels };
    }, done);
    return current.channels;
  };

  return async (name) => {
    const recent =
      lastFinished && now() - lastFinished.at < KEEP_FOUND_MS ? lastFinished.channels.get(name) : undefined;
    if (recent) return recent;
    const askedAfter = scansStarted;
    if (running) {
      // A scan already under way may well list it (after a crash, every lookup's channel was made before it).
      const channels = await running.channels.catch(() => undefined);
      const found = channels?.get(name);
      if (found) return found;
    }
    // Only a scan begun after the question can say the channel is not there. Of the lookups that get here
    // together, the first starts it and the others join it.
    const fresh = running && running.number > askedAfter ? running.channels : startScan();
    return (await fresh).get(name) ?? null;
  };
}
