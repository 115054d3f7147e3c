import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { SagaDetail } from '../api/types';
import { type OperatorAction, actionPrompt, actionRequest, readJsonField } from '../operator-actions';
import { ConfirmDialog } from './confirm-dialog';

interface Props {
  saga: SagaDetail;
  action: OperatorAction;
  onClose: () => void;
  /** After the engine took the action; a rerun passes the new saga's id. */
  onDone: (newSagaId: string | null) => void;
}

/** Asks for the reason (and the JSON some actions take), then sends the action. */
export function OperatorDialog({ saga, action, onClose, onDone }: Props) {
  const prompt = actionPrompt(saga, action);
  const [jsonText, setJsonText] = useState(prompt.json?.initial ?? '');

  const send = async (reason: string) => {
    let json = undefined;
    if (prompt.json !== null) {
      const read = readJsonField(prompt.json, jsonText);
      if ('problem' in read) throw new Error(read.problem);
      json = read.value;
    }
    const request = actionRequest(saga.id, action, { reason, json });
    const answer = await api<{ id: string }>('POST', request.path, request.body);
    onDone(action.kind === 'rerun' ? answer.id : null);
  };

  return (
    <ConfirmDialog title={prompt.title} confirm={prompt.confirm} reason onConfirm={send} onClose={onClose}>
      <p>{prompt.explanation}</p>
      <p class="muted">
        Saga {saga.name} v{saga.version}, <span class="mono">{saga.id}</span>
      </p>
      {prompt.json !== null && (
        <label>
          {prompt.json.label}
          <textarea
            name="json"
            class="mono"
            rows={6}
            value={jsonText}
            onInput={(event) => setJsonText(event.currentTarget.value)}
          />
        </label>
      )}
    </ConfirmDialog>
  );
}
