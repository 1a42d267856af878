// Who did something: a person on the chat platform, a monitor, the pager, or Firebreak itself.
import { mention, type RichText } from './rich-text';

export type Actor =
  | { kind: 'user'; id: string; name?: string }
  | { kind: 'monitor'; id: string }
  /** Someone acting in the paging service (`via`: its name, "PagerDuty"), or the service itself when unnamed. */
  | { kind: 'pager'; via: string; id?: string; name?: string }
  | { kind: 'firebreak' };

export const FIREBREAK: Actor = { kind: 'firebreak' };

/** A person, as every listener records whoever typed or clicked. */
export type UserActor = Extract<Actor, { kind: 'user' }>;

export function userActor(id: string, name?: string): UserActor {
  return name ? { kind: 'user', id, name } : { kind: 'user', id };
}

/** Who, for a line of the timeline: a person is a mention the chat platform renders as it shows people. */
export function actorText(actor: Actor): RichText {
  return actor.kind === 'user' ? [mention(actor.id)] : actorName(actor);
}

/** Who, in plain words: a person's name when it is known, else their user id. */
export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.name ?? actor.id;
    case 'monitor':
      return actor.id;
    case 'pager':
      return actor.name ? `${actor.name} (${actor.via})` : actor.via;
    case 'firebreak':
      return 'Firebreak';
  }
}
