import { type Json, type Role, type SagaDetail, terminalStatuses } from './api/types';

/** What an operator may ask of a saga (docs/rest-api.md#operator-endpoints). */
export type OperatorAction =
  | { kind: 'retry' }
  | { kind: 'abort' }
  | { kind: 'rerun' }
  | { kind: 'complete-step'; step: string }
  | { kind: 'complete-compensation'; step: string };

/**
 * The actions worth offering for the saga as it is now; none to a read key. The engine decides in the end (a 409
 * names the status when the saga moved meanwhile), so this only keeps buttons that cannot work off the page.
 */
export function offeredActions(saga: SagaDetail, role: Role): OperatorAction[] {
  if (role !== 'admin') return [];
  const actions: OperatorAction[] = [];
  if (saga.status === 'COMPENSATION_FAILED' || saga.status === 'SUSPENDED') actions.push({ kind: 'retry' });
  if (saga.status === 'RUNNING') actions.push({ kind: 'abort' });
  if (terminalStatuses.has(saga.status)) actions.push({ kind: 'rerun' });
  const goingForward = saga.status === 'RUNNING' || saga.status === 'SUSPENDED';
  for (const step of saga.steps) {
    const waitedOn = saga.status === 'SUSPENDED' && saga.suspension?.step === step.name;
    if (goingForward && (step.status === 'RUNNING' || waitedOn)) {
      actions.push({ kind: 'complete-step', step: step.name });
    }
    const compensation = step.compensation?.status;
    if (compensation === 'RUNNING' || compensation === 'FAILED') {
      actions.push({ kind: 'complete-compensation', step: step.name });
    }
  }
  return actions;
}

/** The JSON an action may take besides its reason: a payload, an output or an input. */
export interface JsonField {
  label: string;
  /** Shown in the field at first; an empty field sends nothing when the field is optional. */
  initial: string;
  optional: boolean;
  /** An object is required (payloads and outputs); otherwise any JSON value. */
  object: boolean;
}

/** How the page asks for an action: what it says, what the confirming button reads, which JSON it takes. */
export interface ActionPrompt {
  title: string;
  explanation: string;
  confirm: string;
  json: JsonField | null;
}

export function actionPrompt(saga: SagaDetail, action: OperatorAction): ActionPrompt {
  switch (action.kind) {
    case 'retry':
      return saga.status === 'SUSPENDED'
        ? {
            title: 'Retry the suspended step',
            explanation: `The step ${saga.suspension?.step ?? ''} gets a new attempt with a fresh retry budget.`,
            confirm: 'Retry',
            json: { label: 'New payload for the step (optional)', initial: '', optional: true, object: true },
          }
        : {
            title: 'Retry the failed compensations',
            explanation:
              'Every failed compensation is sent again with a fresh budget; the saga compensates on.',
            confirm: 'Retry',
            json: null,
          };
    case 'abort':
      return {
        title: 'Abort the saga',
        explanation: 'The step in flight is given up on and compensation starts now.',
        confirm: 'Abort',
        json: null,
      };
    case 'rerun':
      return {
        title: 'Rerun as a new saga',
        explanation: `A new ${saga.name} saga starts on the current version, with this input.`,
        confirm: 'Rerun',
        json: {
          label: 'Input',
          initial: JSON.stringify(saga.input, null, 2),
          optional: false,
          object: false,
        },
      };
    case 'complete-step':
      return {
        title: `Complete step ${action.step} by hand`,
        explanation:
          'The step is taken as succeeded with this output; a late reply is ignored and the saga goes on.',
        confirm: 'Complete step',
        json: { label: 'Output of the step', initial: '{}', optional: false, object: true },
      };
    case 'complete-compensation':
      return {
        title: `Complete the compensation of ${action.step} by hand`,
        explanation: 'The compensation is taken as done; compensation goes on with the earlier steps.',
        confirm: 'Complete compensation',
        json: null,
      };
  }
}

/** What the operator filled in: the reason, and the JSON when the action takes one and it was given. */
export interface ActionForm {
  reason: string;
  json: Json | undefined;
}

export interface ActionRequest {
  path: string;
  body: { [key: string]: Json };
}

/** The request an action sends. */
export function actionRequest(sagaId: string, action: OperatorAction, form: ActionForm): ActionRequest {
  const saga = `/api/sagas/${encodeURIComponent(sagaId)}`;
  const reason = form.reason.trim();
  const json = form.json;
  switch (action.kind) {
    case 'retry':
      return { path: `${saga}/retry`, body: json === undefined ? { reason } : { reason, payload: json } };
    case 'abort':
      return { path: `${saga}/abort`, body: { reason } };
    case 'rerun':
      return { path: `${saga}/rerun`, body: json === undefined ? { reason } : { reason, input: json } };
    case 'complete-step':
      return {
        path: `${saga}/steps/${encodeURIComponent(action.step)}/complete`,
        body: { reason, output: json ?? {} },
      };
    case 'complete-compensation':
      return {
        path: `${saga}/steps/${encodeURIComponent(action.step)}/compensation/complete`,
        body: { reason },
      };
  }
}

/** Reads the JSON field: undefined when optional and empty, else the value, or a message saying what is wrong. */
export function readJsonField(
  field: JsonField,
  text: string,
): { value: Json | undefined } | { problem: string } {
  if (text.trim() === '') {
    return field.optional ? { value: undefined } : { problem: `${field.label}: required` };
  }
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    return { problem: `${field.label}: not valid JSON` };
  }
  if (field.object && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    return { problem: `${field.label}: must be a JSON object` };
  }
  return { value };
}
