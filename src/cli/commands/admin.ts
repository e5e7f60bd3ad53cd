import type { Command } from 'commander';
import type { CampaignView } from '../../app/admin/campaign-view.js';
import type { PartnerView } from '../../app/admin/partner-input.js';
import { type FlagNames, UsageError } from '../cli-error.js';
import { load, withApp } from '../open-app.js';
import { print, printJson, printPage, utcMinute } from '../output.js';
import { formatTable } from '../table.js';

/** Registers `partner`, `campaign` and `apikey`. Each action returns the flag names its errors should use. */
export type SetFlags = (flags: FlagNames) => void;

const collect = (value: string, previous: string[] = []) => [...previous, value];
const when = (ms: number | null) => (ms === null ? '' : utcMinute(Number(ms)));

/** The paging and output flags shared by the `list` verbs. */
const withPaging = (cmd: Command) =>
  cmd
    .option('--limit <n>', 'how many', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option('--json', 'print JSON');

/** `lead=5.00` is a fixed payout, `deposit=25%` a revenue share. */
export function parsePayoutSpec(spec: string): { type: string; amount?: string; percent?: string } {
  const m = /^([^=]+)=([^%]+)(%?)$/.exec(spec.trim());
  if (!m) throw new UsageError(`--payout must look like lead=5.00 or sale=25%, got "${spec}"`);
  const type = m[1]!.trim();
  const value = m[2]!.trim();
  return m[3] ? { type, percent: value } : { type, amount: value };
}

const PARTNER_COLUMNS = ['id', 'name', 'email', 'status', 'currency', 'timezone', 'referrer'];
const partnerRow = (p: PartnerView) => [p.id, p.name, p.email, p.status, p.currency, p.timezone, p.referrer_id];

const CAMPAIGN_COLUMNS = ['id', 'name', 'type', 'category', 'status', 'access', 'currency', 'payouts'];
const campaignRow = (c: CampaignView) => {
  const payouts = c.payouts.map((p) => `${p.type}=${p.amount ?? `${p.percent}%`}`).join(' ');
  return [c.id, c.name, c.type, c.category, c.status, c.access, c.currency, payouts];
};

export function registerAdminCommands(program: Command, setFlags: SetFlags): void {
  const partner = program.command('partner').description('create and list partners');
  partner
    .command('create')
    .description('add a partner')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--email <email>', 'unique email address')
    .option('--currency <code>', 'payout currency, ISO code', 'USD')
    .option('--timezone <zone>', 'IANA time zone of their reports', 'UTC')
    .option('--referrer <id>', 'id of the partner who referred this one')
    .option('--company <name>', 'company name')
    .option('--status <status>', 'pending, active or suspended', 'active')
    .option('--min-payout <amount>', 'smallest balance paid out, like 50.00')
    .option('--json', 'print the partner as JSON')
    .action(async (o) => {
      const uc = await load();
      setFlags({ referrer_id: '--referrer', min_payout: '--min-payout' });
      const p = await withApp((app) =>
        uc.createPartner(app, {
          name: o.name,
          email: o.email,
          currency: o.currency,
          timezone: o.timezone,
          status: o.status,
          ...(o.referrer !== undefined && { referrer_id: o.referrer }),
          ...(o.company !== undefined && { company: o.company }),
          ...(o.minPayout !== undefined && { min_payout: o.minPayout }),
        }),
      );
      if (o.json) return printJson(p);
      print(`Created partner ${p.id}: ${p.name} <${p.email}> (${p.currency}, ${p.timezone}, ${p.status})`);
    });
  withPaging(
    partner
      .command('list')
      .description('list partners')
      .option('--status <status>', 'only pending, active or suspended')
      .option('--search <text>', 'match name, email or company'),
  ).action(async (o) => {
    const uc = await load();
    const page = await withApp((app) =>
      uc.listPartners(app, { status: o.status, search: o.search, limit: o.limit, offset: o.offset }),
    );
    printPage(page, o, PARTNER_COLUMNS, partnerRow, 'No partners match.');
  });

  const campaign = program.command('campaign').description('create and list campaigns, grant access');
  campaign
    .command('create')
    .description('add a campaign')
    .requiredOption('--name <name>', 'campaign name')
    .option('--type <type>', 'cpa, cpl, cps or revshare')
    .option('--landing-url <url>', 'landing URL template, e.g. https://offer.example.com/?click={clickid}')
    .option('--payout <type=amount>', 'repeatable: lead=5.00 (fixed) or sale=25% (revshare)', collect)
    .option('--category <word>', 'gambling, nutra, finance ...', 'other')
    .option('--description <text>', 'what partners should know')
    .option('--currency <code>', 'ISO currency of payouts', 'USD')
    .option('--access <access>', 'public or approval', 'approval')
    .option('--status <status>', 'active, paused or archived', 'active')
    .option('--deeplink-domain <host>', 'repeatable: a host deeplinks may point to', collect)
    .option('--json', 'print the campaign as JSON')
    .action(async (o) => {
      const uc = await load();
      setFlags({ payouts: '--payout', deeplink_domains: '--deeplink-domain', landing_url: '--landing-url' });
      const payouts = ((o.payout as string[] | undefined) ?? []).map(parsePayoutSpec);
      const c = await withApp((app) =>
        uc.createCampaign(app, {
          name: o.name,
          type: o.type,
          landing_url: o.landingUrl,
          payouts,
          category: o.category,
          currency: o.currency,
          access: o.access,
          status: o.status,
          ...(o.description !== undefined && { description: o.description }),
          ...(o.deeplinkDomain !== undefined && { deeplink_domains: o.deeplinkDomain }),
        }),
      );
      if (o.json) return printJson(c);
      print(`Created campaign ${c.id}: ${c.name} (${c.type}, ${c.category}, ${c.access})`);
      print(`Tracking link: ${c.tracking_url}`);
      if (c.access === 'approval') print(`Grant a partner access: partnerdesk campaign access ${c.id} <partnerId>`);
    });
  withPaging(
    campaign
      .command('list')
      .description('list campaigns')
      .option('--status <status>', 'only active, paused or archived')
      .option('--type <type>', 'only cpa, cpl, cps or revshare')
      .option('--category <word>', 'only this category')
      .option('--search <text>', 'match name or description'),
  ).action(async (o) => {
    const uc = await load();
    const page = await withApp((app) =>
      uc.listCampaigns(app, {
        status: o.status,
        type: o.type,
        category: o.category,
        search: o.search,
        limit: o.limit,
        offset: o.offset,
      }),
    );
    printPage(page, o, CAMPAIGN_COLUMNS, campaignRow, 'No campaigns match.');
  });
  campaign
    .command('access')
    .description("set a partner's access to a campaign")
    .argument('<campaignId>', 'campaign id')
    .argument('<partnerId>', 'partner id')
    .option('--status <status>', 'approved, pending or rejected', 'approved')
    .action(async (campaignId: string, partnerId: string, o) => {
      const uc = await load();
      setFlags({ campaign_id: '<campaignId>', partner_id: '<partnerId>' });
      const a = await withApp((app) => uc.grantCampaignAccess(app, { campaignId, partnerId }, { status: o.status }));
      print(`Partner ${a.partner_id} on campaign ${a.campaign_id}: ${a.status}`);
    });

  const apikey = program.command('apikey').description('create, list and revoke API keys');
  apikey
    .command('create')
    .description('create an API key and print it once (only its hash is stored)')
    .argument('<name>', 'what the key is for, e.g. reporting-script')
    .option('--partner <id>', "a partner key: sees only this partner's reports")
    .option('--json', 'print JSON (includes the key)')
    .action(async (name: string, o) => {
      const uc = await load();
      setFlags({ name: '<name>', partner_id: '--partner' });
      const k = await withApp((app) =>
        uc.issueApiKey(app, { name, ...(o.partner !== undefined && { partner_id: o.partner }) }),
      );
      if (o.json) return printJson(k);
      const who = k.role === 'admin' ? '' : ` (sees only partner ${k.partnerId})`;
      print(`Created ${k.role} key ${k.id} "${name}"${who}. Copy it now; it is not shown again:`);
      print(k.key);
    });
  apikey
    .command('list')
    .description('list API keys (never the keys themselves)')
    .option('--all', 'include revoked keys')
    .option('--json', 'print JSON')
    .action(async (o) => {
      const uc = await load();
      const keys = await withApp((app) => uc.listApiKeys(app, { includeRevoked: Boolean(o.all) }));
      if (o.json) return printJson(keys);
      if (keys.length === 0) return print('No API keys. Create one with: partnerdesk apikey create <name>');
      print(
        formatTable(
          ['id', 'name', 'role', 'partner', 'starts with', 'created', 'last used', 'revoked'],
          keys.map((k) => [
            k.id,
            k.name,
            k.role,
            k.partner_id,
            `${k.prefix}…`,
            when(k.created_at),
            when(k.last_used_at),
            when(k.revoked_at),
          ]),
        ),
      );
    });
  apikey
    .command('revoke')
    .description('revoke an API key (running servers stop accepting it within 30 s)')
    .argument('<id>', 'key id from `apikey list`')
    .action(async (id: string) => {
      const uc = await load();
      setFlags({ id: '<id>' });
      const r = await withApp((app) => uc.revokeApiKey(app, id));
      print(
        r.alreadyRevoked ? `API key ${r.id} "${r.name}" was already revoked.` : `Revoked API key ${r.id} "${r.name}".`,
      );
    });
}
