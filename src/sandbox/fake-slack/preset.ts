// The workspace every FakeSlack starts with (and returns to on reset): a bot, three people, an on-call group, two channels.

export const TEAM = {
  id: 'T0SANDBOX',
  name: 'Firebreak Sandbox',
  domain: 'sandbox',
  url: 'https://sandbox.slack.com/',
} as const;
export const APP_ID = 'A0FIREBRK';
export const BOT = { userId: 'U0FIREBRK', botId: 'B0FIREBRK', name: 'firebreak' } as const;

export interface PresetUser {
  id: string;
  name: string;
  realName: string;
  email?: string;
  isBot: boolean;
  botId?: string;
  title?: string;
}

export interface PresetUserGroup {
  id: string;
  handle: string;
  name: string;
  description: string;
  users: string[];
}

export interface PresetChannel {
  id: string;
  name: string;
  purpose: string;
  /** The bot is deliberately not among them: posting there needs conversations.join first, as in a real workspace. */
  members: string[];
}

export const PRESET_USERS: readonly PresetUser[] = [
  { id: BOT.userId, name: BOT.name, realName: 'Firebreak', isBot: true, botId: BOT.botId },
  { id: 'U0ALICE', name: 'alice', realName: 'Alice Archer', email: 'alice@example.com', isBot: false, title: 'SRE' },
  {
    id: 'U0BOB',
    name: 'bob',
    realName: 'Bob Baker',
    email: 'bob@example.com',
    isBot: false,
    title: 'Backend engineer',
  },
  {
    id: 'U0CAROL',
    name: 'carol',
    realName: 'Carol Chen',
    email: 'carol@example.com',
    isBot: false,
    title: 'Engineering manager',
  },
];

export const PRESET_USER_GROUPS: readonly PresetUserGroup[] = [
  {
    id: 'S0ONCALL',
    handle: 'oncall-web',
    name: 'Web on-call',
    description: 'Whoever carries the web pager',
    users: ['U0ALICE', 'U0BOB'],
  },
];

const HUMANS = ['U0ALICE', 'U0BOB', 'U0CAROL'];

export const PRESET_CHANNELS: readonly PresetChannel[] = [
  { id: 'C0INCIDENTS', name: 'incidents', purpose: 'Where new incidents are announced', members: HUMANS },
  { id: 'C0GENERAL', name: 'general', purpose: 'Company-wide announcements and work-based matters', members: HUMANS },
];

/** Who created the preset channels (a human, so the bot is no member of them). */
export const PRESET_CHANNEL_CREATOR = 'U0ALICE';
