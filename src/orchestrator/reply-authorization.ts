import { type ReplyAuthSettings, participantsWithoutUser } from '../shared/participant-users';
import { StartupError } from '../shared/startup-error';

/**
 * Who may answer a saga's commands. Open by default; with `REPLY_AUTH=user-id`, a reply counts only when its AMQP
 * `user_id` (which RabbitMQ checks against the publishing connection's user) is the broker user configured for the
 * participant of the step it answers.
 */
export interface ReplyAuthorization {
  /** Why a reply to a step of `participant` (null: the saga has no such step) sent by `userId` is refused. */
  refusal(participant: string | null, userId: string | null): string | null;
}

export const openReplies: ReplyAuthorization = { refusal: () => null };

export function repliesFromParticipantUsers(users: ReadonlyMap<string, string>): ReplyAuthorization {
  return {
    refusal(participant, userId) {
      if (participant === null) return 'reply names a step the saga does not have';
      const expected = users.get(participant);
      if (expected === undefined) return `no broker user is configured for participant "${participant}"`;
      if (userId === null) return `reply has no user_id; participant "${participant}" must send it`;
      if (userId !== expected) {
        return `reply was sent by broker user "${userId}", not by "${expected}" of participant "${participant}"`;
      }
      return null;
    },
  };
}

/**
 * The authorization `REPLY_AUTH` asks for. With `user-id` every participant a definition names needs a broker user:
 * without one, none of its replies could ever be accepted, so start-up is refused.
 */
export function replyAuthorizationFor(
  settings: ReplyAuthSettings,
  participants: string[],
): ReplyAuthorization {
  if (settings.replyAuth === 'off') return openReplies;
  const problems = participantsWithoutUser(settings, participants);
  if (problems.length > 0) throw new ReplyAuthorizationError(problems);
  return repliesFromParticipantUsers(settings.participantUsers);
}

/** `REPLY_AUTH=user-id` without a broker user for every participant: the engine refuses to start. */
export class ReplyAuthorizationError extends StartupError {
  readonly code = 'REPLY_AUTH_INCOMPLETE';
}
