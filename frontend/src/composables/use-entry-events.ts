// The pointer rules shared by the list and the grid: a click on an entry's free space selects it (Shift for a
// range, Ctrl/Cmd to toggle); a click on its name opens it unless a modifier asks to select instead; its
// checkbox toggles it alone, or with Shift selects the range up to it.
import { nextTick } from 'vue';
import type { FileEntry } from '../api/types';
import { modifiersOf, type SelectModifiers } from '../lib/file-selection';

export interface EntryEventHandlers {
  select: (name: string, modifiers: SelectModifiers) => void;
  open: (entry: FileEntry) => void;
  /** The checkbox of `name` was clicked; `range` when Shift was held. */
  check: (name: string, range: boolean) => void;
  /** Whether `name` is selected, as the component's props say once the change has rendered. */
  isSelected: (name: string) => boolean;
}

export function useEntryEvents(handlers: EntryEventHandlers) {
  function onEntryClick(event: MouseEvent, entry: FileEntry): void {
    // Controls inside the entry (name, checkbox, download) have their own meaning.
    if (event.target instanceof Element && event.target.closest('button, a, input, label') !== null) return;
    handlers.select(entry.name, modifiersOf(event));
  }

  function onNameClick(event: MouseEvent, entry: FileEntry): void {
    const modifiers = modifiersOf(event);
    if (modifiers.range || modifiers.toggle) handlers.select(entry.name, modifiers);
    else handlers.open(entry);
  }

  async function onCheckClick(event: MouseEvent, entry: FileEntry): Promise<void> {
    const box = event.target;
    handlers.check(entry.name, event.shiftKey);
    await nextTick();
    // The box flipped itself before the handler ran; a Shift range may mean otherwise, and Vue leaves a box
    // alone whose bound value did not change. So it shows the selection's answer.
    if (box instanceof HTMLInputElement) box.checked = handlers.isSelected(entry.name);
  }

  return { onEntryClick, onNameClick, onCheckClick };
}
