import { issueLinkCode } from '../../../src/app/chat/issue-link-code.js';
import type { Deps } from '../../../src/app/deps.js';
import { getLastAttemptDetail, muteIncidentAlerts } from '../../../src/app/managers/manager-alert-actions.js';
import type { ListMembers, ManagerGate } from '../../../src/app/managers/manager-authorize.js';
import { type BreakerLookup, listFailingEndpoints } from '../../../src/app/managers/manager-failing-endpoints.js';
import { findManagedPartner, getPartnerOverview } from '../../../src/app/managers/manager-partner-overview.js';
import { replayPostbackDeliveries } from '../../../src/app/managers/manager-replay-postback.js';
import { getTopPartners } from '../../../src/app/managers/manager-top-partners.js';
import { AppError } from '../../../src/domain/errors.js';
import { localStamp } from '../../core/format.js';
import { message, type SlackMessage, section } from './block-kit.js';
import {
  attemptView,
  errorView,
  failingView,
  helpView,
  linkCodeView,
  MANAGER_ACTIONS,
  overviewView,
  refusalView,
  replayView,
  topView,
} from './command-views.js';

/** The first words of `/pd` that belong to managers (`manager` lists them); the partner side hands these over. */
export const MANAGER_WORDS = ['partner', 'linkcode', 'top', 'failing', 'replay', 'manager'] as const;
export type ManagerWord = (typeof MANAGER_WORDS)[number];

export const isManagerWord = (word: string): word is ManagerWord =>
  (MANAGER_WORDS as readonly string[]).includes(word.toLowerCase());

export interface ManagerRequest {
  userId: string;
  /** Where the command was typed or the button clicked. */
  channelId: string | undefined;
  /** The command text after `/pd`: "partner 42", "top last week". */
  text: string;
  /** Lists channel members with the client of the workspace the request came from (default: the gate's). */
  listMembers?: ListMembers | undefined;
}

export interface ManagerAnswer {
  /** ephemeral: only the manager sees it (look-ups, link codes); in_channel: the channel sees an action taken. */
  visibility: 'ephemeral' | 'in_channel';
  message: SlackMessage;
}

export interface ManagerCommandOptions {
  /** Zone of times shown to managers (SLACK_MANAGER_TIMEZONE). */
  timezone: string;
  breaker?: BreakerLookup | undefined;
}

export interface ManagerCommands {
  /** A `/pd <manager word> ...` command: authorised first, then answered. Never throws. */
  command(req: ManagerRequest): Promise<ManagerAnswer>;
  /** A button of a manager message (alert, failing list): authorised like a command. Never throws. */
  action(req: {
    userId: string;
    channelId: string | undefined;
    actionId: string;
    value: string;
    listMembers?: ListMembers | undefined;
  }): Promise<ManagerAnswer>;
}

const ephemeral = (m: SlackMessage): ManagerAnswer => ({ visibility: 'ephemeral', message: m });

/**
 * The manager side's commands, independent of Bolt: parse, authorise (channel and user), call the use case,
 * render Block Kit. Errors a manager can fix come back as their message; anything else is logged.
 */
export function createManagerCommands(deps: Deps, gate: ManagerGate, opts: ManagerCommandOptions): ManagerCommands {
  const log = deps.logger.child({ component: 'slack-manager' });
  const tz = opts.timezone;

  const guard = async (
    who: { userId: string; channelId: string | undefined; listMembers?: ListMembers | undefined },
    run: () => Promise<ManagerAnswer>,
  ): Promise<ManagerAnswer> => {
    try {
      const verdict = await gate.check(who, who.listMembers);
      if (!verdict.ok) return ephemeral(refusalView(verdict.reason));
      return await run();
    } catch (err) {
      if (err instanceof AppError) return ephemeral(errorView(err.message));
      log.error({ err, event: 'slack.manager_command_failed' }, 'manager command failed');
      return ephemeral(errorView('Something went wrong on our side; try again in a minute.'));
    }
  };

  const run = async (req: ManagerRequest): Promise<ManagerAnswer> => {
    const [rawWord = '', ...rest] = req.text.trim().split(/\s+/);
    const word = rawWord.toLowerCase();
    const args = rest.join(' ').trim();
    switch (word) {
      case 'partner':
        if (!args) return ephemeral(errorView('Name a partner: `/pd partner 42` or `/pd partner ann@example.com`.'));
        return ephemeral(overviewView(await getPartnerOverview(deps, args)));
      case 'linkcode': {
        if (!args) return ephemeral(errorView('Name a partner: `/pd linkcode 42` or `/pd linkcode ann@example.com`.'));
        const p = await findManagedPartner(deps, args);
        const { code, expiresAt } = await issueLinkCode(deps, p.id);
        log.info({ event: 'slack.manager_link_code', partnerId: p.id, by: req.userId }, 'link code issued');
        return ephemeral(linkCodeView(p, code, expiresAt));
      }
      case 'top':
        return ephemeral(topView(await getTopPartners(deps, { periodText: args, timezone: tz })));
      case 'failing':
        return ephemeral(failingView(await listFailingEndpoints(deps, opts.breaker), tz));
      case 'replay': {
        if (!args) return ephemeral(errorView('Name a postback: `/pd replay 17` (ids are in `/pd failing`).'));
        const r = await replayPostbackDeliveries(deps, args);
        log.info({ event: 'slack.manager_replay', postbackId: r.postbackId, count: r.count, by: req.userId }, 'replay');
        return { visibility: r.count > 0 ? 'in_channel' : 'ephemeral', message: replayView(r, req.userId) };
      }
      default:
        return ephemeral(helpView());
    }
  };

  return {
    command: (req) => guard(req, () => run(req)),
    action: (req) =>
      guard(req, async () => {
        switch (req.actionId) {
          case MANAGER_ACTIONS.replay:
            return run({ ...req, text: `replay ${req.value}` });
          case MANAGER_ACTIONS.attempt:
            return ephemeral(attemptView(await getLastAttemptDetail(deps, req.value), tz));
          case MANAGER_ACTIONS.mute: {
            const m = await muteIncidentAlerts(deps, req.value, req.userId);
            const text = `<@${req.userId}> muted alerts of postback #${m.postbackId} until ${localStamp(m.until, tz)} ${tz}`;
            return { visibility: 'in_channel', message: message(text, [section(`:mute: ${text}.`)]) };
          }
          default:
            return ephemeral(errorView(`Unknown button ${req.actionId}.`));
        }
      }),
  };
}
