/** How replies are authorized: by anyone, or only from the broker user named for each participant. */
export interface ReplyAuthSettings {
  replyAuth: 'off' | 'user-id';
  participantUsers: ReadonlyMap<string, string>;
}

/** With `REPLY_AUTH=user-id`, one problem per participant without a broker user. */
export function participantsWithoutUser(settings: ReplyAuthSettings, participants: string[]): string[] {
  if (settings.replyAuth === 'off') return [];
  return participants
    .filter((participant) => !settings.participantUsers.has(participant))
    .map((participant) => `PARTICIPANT_USERS: names no broker user for participant "${participant}"`);
}
