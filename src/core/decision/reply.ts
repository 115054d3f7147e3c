import type { Reply } from 'saga-orchestrator-sdk/contracts';
import { SagaEventType } from '../events';
import { CompensationStatus, SagaStatus, StepStatus, isTerminal } from '../status';
import { attemptFailed, extendAttempt } from './attempts';
import { compensateNext } from './backward';
import type { DecisionBuilder } from './decision-builder';
import { actionSucceeded } from './forward';
import { resumeAfter } from './suspension';

/** A participant's reply: a success, a failure or a progress report, to the attempt it answers. */
export function applyReply(d: DecisionBuilder, reply: Reply): void {
  if (isTerminal(d.state.status)) {
    return ignoreReply(d, reply, `saga is ${d.state.status}`);
  }
  const index = d.state.steps.findIndex((s) => s.name === reply.step);
  if (index < 0) {
    return ignoreReply(d, reply, `saga has no step "${reply.step}"`);
  }
  const step = d.step(index);
  const track = reply.kind === 'action' ? step : step.compensation;
  if (track === null || !track.messageIds.includes(reply.in_reply_to)) {
    return ignoreReply(d, reply, `no ${reply.kind} command ${reply.in_reply_to} was sent for this step`);
  }
  const suspendedHere = d.state.status === SagaStatus.suspended && d.state.suspension?.step === step.name;
  const trackRunning =
    reply.kind === 'action'
      ? step.status === StepStatus.running || (suspendedHere && reply.outcome === 'success')
      : step.compensation?.status === CompensationStatus.running;
  if (!trackRunning) {
    return ignoreReply(d, reply, `the step's ${reply.kind} has already finished`);
  }
  if (track.answeredMessageIds.includes(reply.in_reply_to)) {
    return ignoreReply(d, reply, `command ${reply.in_reply_to} was already answered`);
  }
  const answersOutstanding = track.outstanding?.messageId === reply.in_reply_to;
  if (reply.outcome === 'in_progress') {
    if (d.state.status === SagaStatus.suspended) {
      return ignoreReply(d, reply, 'saga is SUSPENDED: no attempt runs against a deadline');
    }
    if (!answersOutstanding || track.outstanding === null) {
      return ignoreReply(d, reply, 'progress report for an attempt that is no longer outstanding');
    }
    return extendAttempt(d, index, reply.kind, track.outstanding, reply.message_id);
  }
  if (reply.outcome === 'success') {
    // Every attempt shares one idempotency key: a success to any attempt means the command took effect.
    if (d.state.status !== SagaStatus.suspended) d.cancelPendingTimers(step.name, reply.kind, track);
    track.answeredMessageIds.push(reply.in_reply_to);
    track.outstanding = null;
    track.finishedAt = d.nowIso;
    track.error = null;
    track.lastAttemptTimedOut = false;
    if (reply.kind === 'action') {
      step.output = reply.output;
      delete step.pendingAttempt;
      d.record(SagaEventType.stepSucceeded, step.name, {
        messageId: reply.message_id,
        inReplyTo: reply.in_reply_to,
        attempt: track.attempts,
        output: reply.output,
      });
      // A late success of the step the saga is suspended on: the action took effect, so the saga goes on, with the
      // step counted as done before anything the resume decides (a sibling's failure starts compensation, say).
      if (suspendedHere) {
        step.status = StepStatus.succeeded;
        d.markCompleted(step);
        resumeAfter(d, `step ${step.name} succeeded`);
      }
      actionSucceeded(d, index, reply.message_id);
    } else {
      step.compensation!.status = CompensationStatus.succeeded;
      d.record(SagaEventType.compensationSucceeded, step.name, {
        messageId: reply.message_id,
        inReplyTo: reply.in_reply_to,
        attempt: track.attempts,
        output: reply.output,
      });
      compensateNext(d, reply.message_id);
    }
    return;
  }
  if (!answersOutstanding) {
    return ignoreReply(d, reply, 'failure reply to an attempt that is no longer outstanding');
  }
  if (d.state.status !== SagaStatus.suspended) {
    d.cancel({
      type: 'attempt-timeout',
      step: step.name,
      kind: reply.kind,
      attempt: track.attempts,
      messageId: reply.in_reply_to,
    });
  }
  track.answeredMessageIds.push(reply.in_reply_to);
  track.outstanding = null;
  track.lastAttemptTimedOut = false;
  attemptFailed(d, index, reply.kind, reply.error, reply.message_id, { messageId: reply.message_id });
}

export function ignoreReply(d: DecisionBuilder, reply: Reply, reason: string): void {
  d.record(SagaEventType.replyIgnored, reply.step, {
    messageId: reply.message_id,
    inReplyTo: reply.in_reply_to,
    kind: reply.kind,
    outcome: reply.outcome,
    reason,
  });
}
