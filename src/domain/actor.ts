// Who did something: a person in Slack, a monitor, PagerDuty, or Firebreak itself.
export type Actor =
  | { kind: 'user'; id: string; name?: string }
  | { kind: 'monitor'; id: string }
  | { kind: 'pagerduty'; id?: string; name?: string }
  | { kind: 'firebreak' };

export const FIREBREAK: Actor = { kind: 'firebreak' };

/** A person, as every listener records whoever typed or clicked. */
export type UserActor = Extract<Actor, { kind: 'user' }>;

export function userActor(id: string, name?: string): UserActor {
  return name ? { kind: 'user', id, name } : { kind: 'user', id };
}

/** Text for a timeline line; Slack users become mentions so Slack renders their names. */
export function describeActor(actor: Actor, mention = true): string {
  switch (actor.kind) {
    case 'user':
      return mention ? `<@${actor.id}>` : (actor.name ?? actor.id);
    case 'monitor':
      return actor.id;
    case 'pagerduty':
      return actor.name ? `${actor.name} (PagerDuty)` : 'PagerDuty';
    case 'firebreak':
      return 'Firebreak';
  }
}
