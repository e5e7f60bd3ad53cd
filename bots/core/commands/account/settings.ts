import { getDigestSettings, setDigestSettings } from '../../../../src/app/digest-settings.js';
import { getChatNotify, setChatNotify } from '../../../../src/app/set-chat-notify.js';
import { updatePartner } from '../../../../src/app/update-partner.js';
import { invalid } from '../../../../src/domain/errors.js';
import { parseTimezone } from '../../../../src/domain/period.js';
import { type Command, partnerOf } from '../../command.js';
import { localStamp } from '../../format.js';
import { reply, text } from '../../reply.js';
import { hint, identityOf } from './shared.js';

export const timezone: Command = {
  name: 'timezone',
  aliases: ['tz'],
  summary: 'show or set the time zone of your reports and digests',
  usage: 'timezone [ZONE]',
  needsPartner: true,
  async run(ctx, args) {
    const p = partnerOf(ctx);
    if (args.trim() === '') {
      return reply([
        text(
          `Your time zone: ${p.timezone} (local time now ${localStamp(ctx.now, p.timezone)}). Periods like "today" and every report use it.`,
          `Change it with ${hint(ctx, 'timezone Europe/Berlin')} (any IANA zone name).`,
        ),
      ]);
    }
    const zone = parseTimezone(args.trim(), 'time zone');
    await updatePartner(ctx.app, p.id, { timezone: zone });
    return reply([
      text(
        `Time zone set to ${zone} (local time now ${localStamp(ctx.now, zone)}).`,
        'Reports, periods and digests now use it.',
      ),
    ]);
  },
};

export const notify: Command = {
  name: 'notify',
  aliases: ['notifications'],
  summary: 'real-time conversion messages in this chat: on or off',
  usage: 'notify on|off',
  needsPartner: true,
  async run(ctx, args) {
    const a = args.trim().toLowerCase();
    const user = identityOf(ctx);
    if (a === '') {
      const on = await getChatNotify(ctx.app, user);
      return reply([
        text(
          `Conversion messages in this chat are ${on ? 'on' : 'off'}.`,
          `Turn them ${on ? 'off' : 'on'} with ${hint(ctx, `notify ${on ? 'off' : 'on'}`)}.`,
        ),
      ]);
    }
    if (a !== 'on' && a !== 'off') {
      throw invalid(
        'invalid_notify',
        `notify takes on or off, like ${hint(ctx, 'notify on')}; got "${a.slice(0, 20)}"`,
        'notify',
      );
    }
    await setChatNotify(ctx.app, user, a === 'on');
    return reply([
      text(
        a === 'on'
          ? 'Notifications on: each new conversion is messaged to this chat.'
          : 'Notifications off: no more conversion messages in this chat.',
      ),
    ]);
  },
};

const pad = (h: number) => `${String(h).padStart(2, '0')}:00`;

/**
 * When the digest goes out, in words a partner can check: "every Monday at 09:00 (Europe/Berlin)". Weekly
 * digests go out on Mondays (the contract's default weekday) for the week before.
 */
function when(frequency: string, hour: number, timezone: string, weekday = 'Monday'): string {
  const at = `at ${pad(hour)} (${timezone})`;
  if (frequency === 'weekly') return `every ${weekday} ${at}`;
  if (frequency === 'daily') return `every day ${at}`;
  return at;
}

export const digest: Command = {
  name: 'digest',
  summary: 'e-mail digest settings: daily, weekly or off, hour and address',
  usage: 'digest [daily|weekly|off] [HOUR] | digest email ADDRESS',
  needsPartner: true,
  async run(ctx, args) {
    const p = partnerOf(ctx);
    const words = args.trim().split(/\s+/).filter(Boolean);
    const first = (words[0] ?? '').toLowerCase();
    let s = await getDigestSettings(ctx.app, p.id);
    let changed = false;
    if (first === 'email') {
      s = await setDigestSettings(ctx.app, p.id, { email: words[1] ?? '' });
      changed = true;
    } else if (first === 'hour') {
      s = await setDigestSettings(ctx.app, p.id, { hour: parseHour(words[1]) });
      changed = true;
    } else if (first !== '') {
      s = await setDigestSettings(ctx.app, p.id, {
        frequency: first,
        ...(words[1] !== undefined && { hour: parseHour(words[1]) }),
      });
      changed = true;
    }
    const state =
      s.frequency === 'off'
        ? `Digest e-mails are off (address on file: ${s.email}).`
        : `Digest: ${s.frequency}, ${when(s.frequency, s.hour, p.timezone)}, to ${s.email}.`;
    return reply([
      text(
        changed ? `Saved. ${state}` : state,
        `Change with ${hint(ctx, 'digest daily 8')}, ${hint(ctx, 'digest weekly')}, ${hint(ctx, 'digest off')} or ${hint(ctx, 'digest email you@example.com')}.`,
      ),
    ]);
  },
};

function parseHour(raw: string | undefined): number {
  const m = /^(\d{1,2})(?::00)?$/.exec((raw ?? '').trim());
  const h = m ? Number(m[1]) : Number.NaN;
  if (!Number.isInteger(h) || h < 0 || h > 23) {
    throw invalid(
      'invalid_hour',
      `the hour must be 0 to 23 (your local time), like 8 or 18, got "${(raw ?? '').slice(0, 10)}"`,
      'hour',
    );
  }
  return h;
}
