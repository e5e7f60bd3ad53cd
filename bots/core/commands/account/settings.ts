import { updatePartner } from '../../../../src/app/admin/update-partner.js';
import { getChatNotify, setChatNotify } from '../../../../src/app/chat/set-chat-notify.js';
import {
  type DigestSettings,
  type DigestSettingsPatch,
  getDigestSettings,
  setDigestSettings,
} from '../../../../src/app/digests/digest-settings.js';
import { requestDigest } from '../../../../src/app/digests/request-digest.js';
import {
  type DigestCadence,
  periodLabel,
  periodOfStart,
  WEEKDAYS,
  weekdayName,
} from '../../../../src/domain/digest-schedule.js';
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

const DAY_WORDS: Record<string, number> = Object.fromEntries(
  WEEKDAYS.flatMap((d, i) => [
    [d, i + 1],
    [d.slice(0, 3), i + 1],
  ]),
);

/** "weekly on Monday at 09:00 Europe/Berlin": the schedule in the partner's words, weekday always named. */
function describeSchedule(s: DigestSettings, timezone: string): string {
  const at = `at ${pad(s.hour)} ${timezone}`;
  if (s.cadence === 'weekly') return `weekly on ${weekdayName(s.weekday)} ${at} (covering Monday to Sunday)`;
  if (s.cadence === 'monthly') return `monthly on the 1st ${at} (covering the month before)`;
  return `daily ${at} (covering the day before)`;
}

export const digest: Command = {
  name: 'digest',
  summary: 'e-mail digest: daily, weekly or monthly, day and hour, address; digest send mails one now',
  usage: 'digest [daily|weekly|monthly|off] [DAY] [HOUR] | digest email ADDRESS | digest send',
  needsPartner: true,
  async run(ctx, args) {
    const p = partnerOf(ctx);
    const words = args.trim().split(/\s+/).filter(Boolean);
    const first = (words[0] ?? '').toLowerCase();
    if (first === 'send') {
      const r = await requestDigest(ctx.app, p.id);
      const what = `${r.row.cadence} digest for ${periodLabel(periodOfStart(r.row.cadence as DigestCadence, r.row.periodStart, r.row.timezone))}`;
      return reply([
        text(
          r.created
            ? `On its way: your ${what} goes to ${r.email} within a minute.`
            : `Your ${what} was already asked for in the last few minutes (${r.row.state}); it goes to ${r.email} once.`,
        ),
      ]);
    }
    let s = await getDigestSettings(ctx.app, p.id);
    let changed = false;
    if (first === 'email') {
      s = await setDigestSettings(ctx.app, p.id, { email: words[1] ?? '' });
      changed = true;
    } else if (first === 'hour') {
      s = await setDigestSettings(ctx.app, p.id, { hour: parseHour(words[1]) });
      changed = true;
    } else if (first !== '') {
      const patch: DigestSettingsPatch = { cadence: first };
      for (const w of words.slice(1)) {
        const day = DAY_WORDS[w.toLowerCase()];
        if (day !== undefined && first === 'weekly') patch.weekday = day;
        else patch.hour = parseHour(w);
      }
      s = await setDigestSettings(ctx.app, p.id, patch);
      changed = true;
    }
    const lines: string[] = [];
    lines.push(
      s.cadence === 'off'
        ? `${changed ? 'Saved. ' : ''}Digest e-mails are off (address on file: ${s.email}).`
        : `${changed ? 'Saved. ' : ''}Digest: ${describeSchedule(s, p.timezone)} to ${s.email}.`,
    );
    if (s.pendingEmail) {
      lines.push(
        `A confirmation link goes to ${s.pendingEmail}: digests go there once it is opened (until then, to ${s.email}).`,
      );
    }
    if (s.undeliverable) {
      lines.push(
        `⚠️ The mail server refused ${s.email} (${s.undeliverable.reason.slice(0, 120)}): no digests are sent until you set another address with ${hint(ctx, 'digest email you@example.com')}.`,
      );
    }
    lines.push(
      `Change with ${hint(ctx, 'digest weekly mon 9')}, ${hint(ctx, 'digest daily 8')}, ${hint(ctx, 'digest monthly')}, ${hint(ctx, 'digest off')} or ${hint(ctx, 'digest email you@example.com')}; ${hint(ctx, 'digest send')} mails one now.`,
    );
    return reply([text(...lines)]);
  },
};

function parseHour(raw: string | undefined): number {
  const m = /^(\d{1,2})(?::00)?$/.exec((raw ?? '').trim());
  const h = m ? Number(m[1]) : Number.NaN;
  if (!Number.isInteger(h) || h < 0 || h > 23) {
    throw invalid(
      'invalid_hour',
      `the hour must be 0 to 23 (your local time), like 8 or 18, or a weekday like mon for weekly; got "${(raw ?? '').slice(0, 10)}"`,
      'hour',
    );
  }
  return h;
}
