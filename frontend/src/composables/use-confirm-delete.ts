// The "ask, confirm in a dialog, then delete" flow shared by the list pages: remembers what is about to go (a
// row, or a batch of files keyed by a string), locks it while the request runs, closes the dialog and reports
// success to the page.
import { ref, shallowRef, type ShallowRef } from 'vue';
import { useSubmit } from './use-submit';

export function useConfirmDelete<T extends { id: K }, K extends number | string = number>(options: {
  /** Rows with a request in flight; the target is added while the delete runs. */
  busy: Set<K>;
  /** Performs the delete; a failure is shown in the dialog, which stays open. */
  remove: (target: T) => Promise<void>;
  /** Called after a successful delete, once the dialog has closed. */
  onDeleted: (target: T) => void;
}) {
  const open = ref(false);
  const target: ShallowRef<T | null> = shallowRef(null);

  const { pending, error, run, clearError } = useSubmit(async () => {
    const current = target.value;
    if (!current) return;
    options.busy.add(current.id);
    try {
      await options.remove(current);
    } finally {
      options.busy.delete(current.id);
    }
    open.value = false;
    options.onDeleted(current);
  });

  /** Opens the confirmation dialog for one row. */
  function ask(item: T): void {
    target.value = item;
    clearError();
    open.value = true;
  }

  return { open, target, pending, error, ask, confirm: run };
}
