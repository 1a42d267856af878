// Every Web API method the fake answers, by its Slack name.
import { chat } from './chat';
import type { MethodHandler } from './common';
import { conversations } from './conversations';
import { files } from './files';
import { people } from './people';
import { views } from './views';

export type { MethodContext, MethodHandler } from './common';

export const METHODS: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries({ ...people, ...conversations, ...chat, ...files, ...views }),
);
