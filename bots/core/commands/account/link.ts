import { linkChat, unlinkChat } from '../../../../src/app/chat/link-chat.js';
import { type Command, partnerOf } from '../../command.js';
import { endFlow } from '../../conversation-state.js';
import { reply, text } from '../../reply.js';
import { hint, identityOf } from './shared.js';

export const link: Command = {
  name: 'link',
  summary: 'link this chat to your partner account with the code from your manager',
  usage: 'link CODE',
  needsPartner: false,
  async run(ctx, args) {
    if (args.trim() === '') {
      return reply([
        text(
          `Send the code your manager gave you, like ${hint(ctx, 'link 7K2M9QXD')}. No code yet? Ask your manager for one.`,
        ),
      ]);
    }
    const r = await linkChat(ctx.app, identityOf(ctx), args);
    await endFlow(ctx); // a guided step begun for another partner must not save into this one
    const lines = [`Linked: this chat now belongs to partner ${r.partnerName} (#${r.partnerId}).`];
    if (r.previousPartnerId !== null) lines.push(`Its earlier link to partner #${r.previousPartnerId} is replaced.`);
    lines.push(`Try ${hint(ctx, 'balance')} or ${hint(ctx, 'help')}.`);
    return reply([text(...lines)]);
  },
};

export const unlink: Command = {
  name: 'unlink',
  summary: 'disconnect this chat from your partner account',
  usage: 'unlink',
  needsPartner: true,
  async run(ctx) {
    const p = partnerOf(ctx);
    await unlinkChat(ctx.app, identityOf(ctx));
    await endFlow(ctx); // else a half-done postback or payment set-up would outlive the link
    return reply([
      text(
        `Unlinked: this chat no longer sees the data of partner ${p.name} (#${p.id}).`,
        `To link again, ask your manager for a new code and send ${hint(ctx, 'link CODE')}.`,
      ),
    ]);
  },
};
