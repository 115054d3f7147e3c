/** The API key, kept for this tab only: sessionStorage is dropped when the tab closes and not shared with others. */
const STORAGE_KEY = 'saga-orchestrator.api-key';

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
