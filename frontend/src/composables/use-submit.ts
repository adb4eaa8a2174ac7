// Pending and error state around one async action, so every form handles double submits and failures the
// same way: the error becomes a sentence via errorMessage(), the raw failure stays available for special cases.
import { ref, shallowRef } from 'vue';
import { errorMessage } from '../api/error-message';

export function useSubmit<Args extends unknown[]>(action: (...args: Args) => Promise<void>) {
  const pending = ref(false);
  /** A sentence for the user, or null. */
  const error = ref<string | null>(null);
  /** What was thrown, for callers that react to a specific code. */
  const failure = shallowRef<unknown>(null);

  /** Runs the action unless one is already running; resolves to whether it succeeded. */
  async function run(...args: Args): Promise<boolean> {
    if (pending.value) return false;
    pending.value = true;
    error.value = null;
    failure.value = null;
    try {
      await action(...args);
      return true;
    } catch (err) {
      failure.value = err;
      error.value = errorMessage(err);
      return false;
    } finally {
      pending.value = false;
    }
  }

  function clearError(): void {
    error.value = null;
    failure.value = null;
  }

  return { pending, error, failure, run, clearError };
}
