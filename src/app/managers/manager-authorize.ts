/**
 * Who may run manager commands: in SLACK_MANAGER_CHANNEL only, and there the users of SLACK_MANAGER_USERS,
 * or every member of the channel when that list is empty. A refusal names who may, in Slack's mention
 * syntax (<@U..>, <#C..>), so the reader sees names and knows whom to ask.
 */
export interface ManagerPolicy {
  channel: string | undefined;
  users: string[];
}

export type ManagerVerdict = { ok: true } | { ok: false; reason: string };

/** The members of a channel, as Slack lists them (conversations.members, all pages). */
export type ListMembers = (channel: string) => Promise<string[]>;

export interface ManagerGate {
  /** `members` overrides the gate's lister for this call (the client of the workspace the request came from). */
  check(who: { channelId: string | undefined; userId: string }, members?: ListMembers): Promise<ManagerVerdict>;
  /** Who may, in words: for help texts and refusals. */
  describe(): string;
}

/** Membership is cached briefly: a command must not wait on Slack, yet someone who left loses access soon. */
export const MEMBERS_CACHE_MS = 60_000;

export function createManagerGate(
  policy: ManagerPolicy,
  listMembers: ListMembers,
  now: () => number = Date.now,
  cacheMs = MEMBERS_CACHE_MS,
): ManagerGate {
  let cached: { at: number; members: Set<string> } | null = null;
  const describe = () => {
    if (!policy.channel) return 'nobody: manager commands are off until SLACK_MANAGER_CHANNEL is set';
    if (policy.users.length > 0) return `${policy.users.map((u) => `<@${u}>`).join(', ')} in <#${policy.channel}>`;
    return `members of <#${policy.channel}>`;
  };
  const members = async (channel: string, lister: ListMembers): Promise<Set<string>> => {
    if (cached && now() - cached.at < cacheMs) return cached.members;
    cached = { at: now(), members: new Set(await lister(channel)) };
    return cached.members;
  };
  return {
    describe,
    async check({ channelId, userId }, lister = listMembers) {
      const refuse = (): ManagerVerdict => ({
        ok: false,
        reason: `This is a manager command. Only ${describe()} may run it.`,
      });
      if (!policy.channel || channelId !== policy.channel) return refuse();
      if (policy.users.length > 0) return policy.users.includes(userId) ? { ok: true } : refuse();
      return (await members(policy.channel, lister)).has(userId) ? { ok: true } : refuse();
    },
  };
}
