// auth.test, users.* and usergroups.* — who the bot is and who else is in the workspace.
import { fail, optionalBoolean, requiredString } from '../args';
import { TEAM } from '../preset';
import { userGroupJson, userJson } from '../shapes';
import { paginate, type MethodHandler } from './common';

export const people: Record<string, MethodHandler> = {
  'auth.test': (_args, ctx) => ({
    url: TEAM.url,
    team: TEAM.name,
    user: ctx.ws.user(ctx.bot.userId)?.name ?? 'firebreak',
    team_id: TEAM.id,
    user_id: ctx.bot.userId,
    bot_id: ctx.bot.botId,
    is_enterprise_install: false,
  }),

  'users.info': (args, ctx) => {
    const user = ctx.ws.user(requiredString(args, 'user')) ?? fail('user_not_found');
    return { user: userJson(user) };
  },

  'users.list': (args, ctx) => {
    const page = paginate(ctx.ws.listUsers(), args, { limit: 100, max: 1000 });
    return {
      members: page.items.map(userJson),
      cache_ts: ctx.ws.nowSeconds(),
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'users.lookupByEmail': (args, ctx) => {
    const user = ctx.ws.userByEmail(requiredString(args, 'email')) ?? fail('users_not_found');
    return { user: userJson(user) };
  },

  'usergroups.list': (args, ctx) => {
    const includeUsers = optionalBoolean(args, 'include_users');
    return { usergroups: ctx.ws.listUserGroups().map((g) => userGroupJson(g, includeUsers)) };
  },

  'usergroups.users.list': (args, ctx) => {
    const group = ctx.ws.userGroup(requiredString(args, 'usergroup')) ?? fail('no_such_subteam');
    return { users: [...group.users] };
  },
};
