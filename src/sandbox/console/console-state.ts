// What the console remembers beyond the fakes: a version that changes whenever anything shown may have changed,
// the answers to slash commands (Slack shows an ack's text to the person; FakeSlack does not keep it),
// where each ephemeral message appeared, and which modals the person has closed.
import type { FakeSlack } from '../fake-slack';

export interface CommandNote {
  channelId: string;
  userId: string;
  /** The channel's last message ts when the command ran: the note shows after it. */
  afterTs: string;
  /** Orders notes and ephemerals that follow the same message. */
  seq: number;
  command: string;
  /** The ack's message, when the app answered with one. */
  reply: { text: string; blocks: unknown[]; inChannel: boolean } | null;
  /** What Slack would have shown instead, when the app failed to answer. */
  error?: string;
}

export interface PlacedEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  afterTs: string;
  seq: number;
}

/** A modal's answer to the last submission: errors by block id, and what was typed, to show again. */
export interface ModalAttempt {
  errors: Record<string, string>;
  values: Record<string, string | string[]>;
}

export function viewKey(view: { id?: unknown; hash?: unknown }): string {
  return `${String(view.id)}:${String(view.hash)}`;
}

export class ConsoleState {
  private counter = 1;
  private readonly notes: CommandNote[] = [];
  private readonly ephemeralAnchors: Array<{ afterTs: string; seq: number }> = [];
  private seq = 0;
  private readonly closedViews = new Set<string>();
  private readonly attempts = new Map<string, ModalAttempt>();

  constructor(private readonly slack: FakeSlack) {}

  get version(): number {
    return this.counter;
  }

  changed(): void {
    this.counter += 1;
  }

  lastTs(channelId: string): string {
    return this.slack.messages(channelId).at(-1)?.ts ?? '0';
  }

  /** Called on every FakeSlack change: new ephemerals are placed after the channel's latest message. */
  placeEphemerals(): void {
    const all = this.slack.ephemerals;
    // FakeSlack.reset() forgets them; start over with it.
    if (all.length < this.ephemeralAnchors.length) this.ephemeralAnchors.length = 0;
    for (let i = this.ephemeralAnchors.length; i < all.length; i++)
      this.ephemeralAnchors.push({ afterTs: this.lastTs(all[i]?.channel ?? ''), seq: this.nextSeq() });
  }

  ephemerals(channelId: string, userId: string): PlacedEphemeral[] {
    return this.slack.ephemerals.flatMap((e, i) =>
      e.channel === channelId && e.user === userId
        ? [
            {
              channel: e.channel,
              user: e.user,
              text: e.text,
              blocks: e.blocks ?? [],
              afterTs: this.ephemeralAnchors[i]?.afterTs ?? '0',
              seq: this.ephemeralAnchors[i]?.seq ?? 0,
            },
          ]
        : [],
    );
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  addNote(note: CommandNote): void {
    this.notes.push(note);
    this.changed();
  }

  /** In-channel answers for everyone; the rest only for the person who ran the command. */
  notesFor(channelId: string, userId: string): CommandNote[] {
    return this.notes.filter((n) => n.channelId === channelId && (n.userId === userId || n.reply?.inChannel === true));
  }

  isClosed(key: string): boolean {
    return this.closedViews.has(key);
  }

  closeView(key: string): void {
    this.closedViews.add(key);
    this.attempts.delete(key);
    this.changed();
  }

  attempt(key: string): ModalAttempt | undefined {
    return this.attempts.get(key);
  }

  recordAttempt(key: string, attempt: ModalAttempt): void {
    this.attempts.set(key, attempt);
    this.changed();
  }
}
