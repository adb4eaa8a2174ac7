// Client-side validation that stays quiet until the first submit, then updates as the user types, and moves
// focus to the first field that needs attention so keyboard and screen-reader users land on the problem.
import { computed, nextTick, ref, type Ref } from 'vue';

export function useFormValidation<Field extends string>(
  problems: () => Readonly<Record<Field, string | null>>,
  form: Readonly<Ref<HTMLFormElement | null>>,
) {
  const attempted = ref(false);
  const current = computed(() => problems());

  /** The message to show under `field`, or null (always null before the first submit). */
  function fieldError(field: Field): string | null {
    return attempted.value ? current.value[field] : null;
  }

  /** Marks the form as submitted; returns true when every field is fine, else focuses the first problem. */
  async function validate(): Promise<boolean> {
    attempted.value = true;
    const ok = Object.values<string | null>(current.value).every((problem) => problem === null);
    if (!ok) {
      await nextTick();
      form.value?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
    return ok;
  }

  /** Back to the quiet state, e.g. after a successful submit cleared the fields. */
  function reset(): void {
    attempted.value = false;
  }

  return { fieldError, validate, reset };
}
