import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface ConfirmDialogProps {
  title: string;
  confirm: string;
  /** When set, the confirming button stays off until a reason is written. */
  reason: boolean;
  children?: ComponentChildren;
  /** Does the work; a thrown message or ApiError is shown in the dialog, which stays open. */
  onConfirm: (reason: string) => Promise<void>;
  onClose: () => void;
}

/** A modal that asks before anything changes: a person reads what will happen, writes why, and confirms. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => element?.close();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await props.onConfirm(reason.trim());
      props.onClose();
    } catch (error) {
      setProblem(
        error instanceof ApiError ? error.describe() : String(error instanceof Error ? error.message : error),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} class="confirm" onClose={props.onClose} aria-label={props.title}>
      <form onSubmit={(event) => void submit(event)}>
        <h2>{props.title}</h2>
        {props.children}
        {props.reason && (
          <label>
            Reason (kept in the saga log)
            <textarea
              name="reason"
              rows={3}
              maxLength={1000}
              required
              value={reason}
              onInput={(event) => setReason(event.currentTarget.value)}
            />
          </label>
        )}
        {problem !== null && (
          <p class="problem" role="alert">
            {problem}
          </p>
        )}
        <div class="buttons">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || (props.reason && reason.trim() === '')}>
            {props.confirm}
          </button>
        </div>
      </form>
    </dialog>
  );
}
