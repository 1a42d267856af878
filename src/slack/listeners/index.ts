// Every listener Firebreak registers, in one list.
import type { SlackDeps } from '../deps';
import type { ListenerRegistrar } from '../registrar';
import * as resolveAction from './actions/incident-resolve';
import * as pageButtons from './actions/page-buttons';
import * as scaleButtons from './actions/scale-buttons';
import * as scaleCommand from './commands/scale';
import * as scaleCustomView from './views/scale-custom';
import * as oncallCommand from './commands/oncall';
import * as incidentCommand from './commands/incident';
import * as reactionAdded from './events/reaction-added';
import * as memberJoined from './events/member-joined';
import * as messageChanged from './events/message-changed';
import * as declareView from './views/declare-incident';
import * as resolveView from './views/resolve-incident';
import * as scaleApproval from './actions/scale-approval';
import * as teamEscalateAction from './actions/team-escalate';
import * as teamEscalateView from './views/team-escalate';
import * as updateButtons from './actions/update-buttons';
import * as nudgeButtons from './actions/nudge-buttons';
import * as postUpdateView from './views/post-update';
import * as capacityWarning from './actions/capacity-warning';

export function registerListeners(on: ListenerRegistrar, deps: SlackDeps): void {
  incidentCommand.register(on, deps);
  resolveAction.register(on, deps);
  pageButtons.register(on, deps);
  scaleButtons.register(on, deps);
  scaleCommand.register(on, deps);
  scaleCustomView.register(on, deps);
  oncallCommand.register(on, deps);
  declareView.register(on, deps);
  resolveView.register(on, deps);
  reactionAdded.register(on, deps);
  memberJoined.register(on, deps);
  messageChanged.register(on, deps);
  scaleApproval.register(on, deps);
  teamEscalateAction.register(on, deps);
  teamEscalateView.register(on, deps);
  updateButtons.register(on, deps);
  nudgeButtons.register(on, deps);
  postUpdateView.register(on, deps);
  capacityWarning.register(on, deps);
}
