// Multi-select as file managers do it, as pure functions over the keys in display order: a plain click selects
// one item, Ctrl/Cmd toggles one, Shift selects the range from the anchor (the last item clicked without
// Shift), and Ctrl/Cmd+Shift adds that range to what was selected.

export interface Selection {
  readonly selected: ReadonlySet<string>;
  /** Where the next Shift range starts; null before the first click. */
  readonly anchor: string | null;
}

export interface SelectModifiers {
  /** Shift: select a range from the anchor. */
  range: boolean;
  /** Ctrl (Cmd on a Mac): toggle one item, or add a range to the selection. */
  toggle: boolean;
}

export const EMPTY_SELECTION: Selection = { selected: new Set(), anchor: null };

/** The keys from `from` to `to` inclusive, in display order (either direction). */
function range(order: readonly string[], from: string, to: string): string[] {
  const start = order.indexOf(from);
  const end = order.indexOf(to);
  if (start === -1 || end === -1) return end === -1 ? [] : [to];
  return order.slice(Math.min(start, end), Math.max(start, end) + 1);
}

/** The selection after a click on `key` (or Space on it) with the given modifiers. */
export function clickSelect(
  current: Selection,
  order: readonly string[],
  key: string,
  modifiers: SelectModifiers,
): Selection {
  if (!order.includes(key)) return current;
  if (modifiers.range) {
    // An anchor that has gone (deleted, renamed) starts the range at the clicked item.
    const anchor = current.anchor !== null && order.includes(current.anchor) ? current.anchor : key;
    const span = range(order, anchor, key);
    const selected = modifiers.toggle ? new Set([...current.selected, ...span]) : new Set(span);
    return { selected, anchor };
  }
  if (modifiers.toggle) {
    const selected = new Set(current.selected);
    if (selected.has(key)) selected.delete(key);
    else selected.add(key);
    return { selected, anchor: key };
  }
  return { selected: new Set([key]), anchor: key };
}

/** Flips one item, as its checkbox does: the other items stay as they are. */
export function toggleOne(current: Selection, key: string): Selection {
  const selected = new Set(current.selected);
  if (selected.has(key)) selected.delete(key);
  else selected.add(key);
  return { selected, anchor: key };
}

/** Everything, or nothing when everything was already selected (the "select all" checkbox). */
export function toggleAll(current: Selection, order: readonly string[]): Selection {
  const all = order.length > 0 && order.every((key) => current.selected.has(key));
  return all ? { selected: new Set(), anchor: null } : { selected: new Set(order), anchor: current.anchor };
}

/** The state of a "select all" checkbox: checked, unchecked, or mixed (some selected). */
export function selectAllState(current: Selection, order: readonly string[]): 'all' | 'none' | 'some' {
  const count = order.filter((key) => current.selected.has(key)).length;
  if (count === 0) return 'none';
  return count === order.length ? 'all' : 'some';
}

/** Drops keys that are no longer listed (after a reload, a delete, a rename). */
export function pruneSelection(current: Selection, order: readonly string[]): Selection {
  const present = new Set(order);
  const selected = new Set([...current.selected].filter((key) => present.has(key)));
  const anchor = current.anchor !== null && present.has(current.anchor) ? current.anchor : null;
  if (selected.size === current.selected.size && anchor === current.anchor) return current;
  return { selected, anchor };
}

/**
 * The key focus moves to from `from` by `step` items (Arrow keys ±1, Home/End as ±Infinity), clamped to the
 * list; the first item when nothing had focus. Null for an empty list.
 */
export function moveFocus(order: readonly string[], from: string | null, step: number): string | null {
  if (order.length === 0) return null;
  const index = from === null ? -1 : order.indexOf(from);
  if (index === -1) return order[step < 0 ? order.length - 1 : 0] ?? null;
  const next = Math.min(order.length - 1, Math.max(0, index + step));
  return order[next] ?? null;
}

/** The selection modifiers of a click or key press: Shift for a range, Ctrl or Cmd to toggle. */
export function modifiersOf(event: Pick<MouseEvent, 'shiftKey' | 'ctrlKey' | 'metaKey'>): SelectModifiers {
  return { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey };
}

/** Moves the anchor (where the next range starts) without changing what is selected: focus moved by keyboard. */
export function anchorAt(current: Selection, key: string): Selection {
  return current.anchor === key ? current : { selected: current.selected, anchor: key };
}

/**
 * Shift+arrow: selects the range from the anchor to `to`. Without a usable anchor the range starts at
 * `focused`, the entry the keyboard left, as it would have had the user clicked it first.
 */
export function extendSelection(
  current: Selection,
  order: readonly string[],
  focused: string | null,
  to: string,
): Selection {
  const usable = current.anchor !== null && order.includes(current.anchor);
  const anchor = usable ? current.anchor : (focused ?? to);
  return clickSelect({ selected: current.selected, anchor }, order, to, { range: true, toggle: false });
}
