import type { Authorize, Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
// @slack/oauth comes with @slack/bolt (same version Bolt's own receivers use); Bolt does not re-export the class.
import { InstallProvider } from '@slack/oauth';
import {
  deleteSlackInstallation,
  findSlackInstallation,
  upsertSlackInstallation,
} from '../../src/db/repositories/slack-installations.js';
import type { SlackExtraRoutes } from '../../src/http/routes/slack-events.js';
import type { App } from '../../src/main/create-app.js';
import { boltLogger } from './bolt-logger.js';

/** What the app asks for when a workspace installs it (the README's manifest lists the same). */
export const SLACK_BOT_SCOPES = [
  'commands',
  'chat:write',
  'im:history',
  'im:read',
  'im:write',
  'files:write',
  'channels:read',
  'groups:read',
  'users:read',
];

type Query = Pick<InstallationQuery<boolean>, 'teamId' | 'enterpriseId' | 'isEnterpriseInstall'>;

const keyOf = (q: Query): string =>
  q.isEnterpriseInstall && q.enterpriseId ? `enterprise:${q.enterpriseId}` : `team:${q.teamId ?? ''}`;

/** Installations in our database (slack_installations), so every bots process sees every workspace. */
export function databaseInstallationStore(app: App): InstallationStore {
  return {
    async storeInstallation(installation) {
      const i = installation as Installation<'v2', boolean>;
      const teamId = i.team?.id ?? null;
      const enterpriseId = i.enterprise?.id ?? null;
      await upsertSlackInstallation(app.db, {
        installKey: keyOf({
          teamId: teamId ?? undefined,
          enterpriseId: enterpriseId ?? undefined,
          isEnterpriseInstall: Boolean(i.isEnterpriseInstall),
        }),
        teamId,
        enterpriseId,
        botUserId: i.bot?.userId ?? null,
        botId: i.bot?.id ?? null,
        installation: JSON.stringify(i),
        installedAt: app.now(),
      });
      app.logger.info({ event: 'slack.installed', teamId, enterpriseId }, 'Slack app installed in a workspace');
    },
    async fetchInstallation(query) {
      const json =
        (await findSlackInstallation(app.db, keyOf(query))) ??
        (await findSlackInstallation(
          app.db,
          keyOf({ teamId: query.teamId, enterpriseId: undefined, isEnterpriseInstall: false }),
        ));
      if (!json) throw new Error(`the Slack app is not installed in ${keyOf(query)}`);
      return JSON.parse(json) as Installation<'v2', boolean>;
    },
    async deleteInstallation(query) {
      await deleteSlackInstallation(app.db, keyOf(query));
    },
  };
}

export interface SlackOAuth {
  authorize: Authorize<boolean>;
  routes: SlackExtraRoutes;
  /** Bot token of a workspace, for notifications (undefined when not installed there). */
  tokenFor(teamId: string): Promise<string | undefined>;
}

/**
 * The multi-workspace install with Bolt's InstallProvider: GET /slack/install sends the partner to Slack's
 * consent page (state signed with SLACK_STATE_SECRET and tied to a cookie), /slack/oauth_redirect exchanges
 * the code (oauth.v2.access) and stores the installation; each request is then authorised with that
 * workspace's token.
 */
export function createSlackOAuth(app: App): SlackOAuth {
  const cfg = app.config.slack;
  if (!cfg?.oauth)
    throw new Error('the Slack install needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET');
  const store = databaseInstallationStore(app);
  const log = app.logger.child({ component: 'slack-oauth' });
  const slackApiUrl = cfg.apiUrl ? (cfg.apiUrl.endsWith('/') ? cfg.apiUrl : `${cfg.apiUrl}/`) : undefined;
  const installer = new InstallProvider({
    clientId: cfg.oauth.clientId,
    clientSecret: cfg.oauth.clientSecret,
    stateSecret: cfg.oauth.stateSecret,
    installationStore: store,
    logger: boltLogger(log),
    ...(slackApiUrl ? { clientOptions: { slackApiUrl } } : {}),
  });
  const installOptions = { scopes: SLACK_BOT_SCOPES, redirectUri: `${app.config.publicUrl}/slack/oauth_redirect` };
  return {
    authorize: (source) => installer.authorize(source),
    routes: {
      async install(req, reply) {
        reply.hijack();
        await installer.handleInstallPath(req.raw, reply.raw, undefined, installOptions);
      },
      async oauthRedirect(req, reply) {
        reply.hijack();
        await installer.handleCallback(req.raw, reply.raw, undefined, installOptions);
      },
    },
    async tokenFor(teamId) {
      try {
        return (await store.fetchInstallation({ teamId, isEnterpriseInstall: false, enterpriseId: undefined })).bot
          ?.token;
      } catch {
        return undefined;
      }
    },
  };
}
