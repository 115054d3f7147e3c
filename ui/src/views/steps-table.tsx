import type { SagaDetail } from '../api/types';
import { compactJson } from '../format';
import type { OperatorAction } from '../operator-actions';
import { StatusBadge } from './status-badge';

interface Props {
  saga: SagaDetail;
  actions: OperatorAction[];
  onAction: (action: OperatorAction) => void;
}

/** Each step's state now: status, attempts, output or error, its compensation, and the buttons that apply to it. */
export function StepsTable({ saga, actions, onAction }: Props) {
  return (
    <table class="steps" aria-label="Steps">
      <thead>
        <tr>
          <th>Step</th>
          <th>Status</th>
          <th>Attempts</th>
          <th>Output or error</th>
          <th>Compensation</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {saga.steps.map((step) => {
          const own = actions.filter(
            (action) =>
              (action.kind === 'complete-step' || action.kind === 'complete-compensation') &&
              action.step === step.name,
          );
          const result = step.error ?? step.output;
          return (
            <tr key={step.name} data-step={step.name}>
              <td>{step.name}</td>
              <td>
                <StatusBadge status={step.status} />
              </td>
              <td>{step.attempts}</td>
              <td class="mono wrap">{result === null ? '' : compactJson(result, 300)}</td>
              <td>
                {step.compensation === null ? (
                  ''
                ) : (
                  <>
                    <StatusBadge status={step.compensation.status} />{' '}
                    <span class="muted">× {step.compensation.attempts}</span>
                    {step.compensation.error !== null && (
                      <div class="mono wrap">{compactJson(step.compensation.error, 300)}</div>
                    )}
                  </>
                )}
              </td>
              <td class="actions">
                {own.map((action) => (
                  <button key={action.kind} type="button" onClick={() => onAction(action)}>
                    {action.kind === 'complete-step' ? 'Complete step…' : 'Complete compensation…'}
                  </button>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
