import { describe, expect, it } from 'vitest';
import {
  anchorAt,
  clickSelect,
  extendSelection,
  EMPTY_SELECTION,
  modifiersOf,
  moveFocus,
  pruneSelection,
  selectAllState,
  toggleAll,
  toggleOne,
  type Selection,
} from './file-selection';

const ORDER = ['a', 'b', 'c', 'd', 'e'];
const plain = { range: false, toggle: false };
const shift = { range: true, toggle: false };
const ctrl = { range: false, toggle: true };
const ctrlShift = { range: true, toggle: true };

const names = (selection: Selection) => [...selection.selected].sort();

describe('clickSelect', () => {
  it('selects only the clicked item on a plain click and makes it the anchor', () => {
    const before: Selection = { selected: new Set(['a', 'b']), anchor: 'a' };
    const after = clickSelect(before, ORDER, 'd', plain);
    expect(names(after)).toEqual(['d']);
    expect(after.anchor).toBe('d');
  });

  it('selects the range from the anchor with Shift, in either direction', () => {
    const anchored = clickSelect(EMPTY_SELECTION, ORDER, 'b', plain);
    expect(names(clickSelect(anchored, ORDER, 'd', shift))).toEqual(['b', 'c', 'd']);
    const fromD = clickSelect(EMPTY_SELECTION, ORDER, 'd', plain);
    expect(names(clickSelect(fromD, ORDER, 'a', shift))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps the anchor across Shift clicks, so the range can shrink again', () => {
    let selection = clickSelect(EMPTY_SELECTION, ORDER, 'b', plain);
    selection = clickSelect(selection, ORDER, 'e', shift);
    expect(names(selection)).toEqual(['b', 'c', 'd', 'e']);
    selection = clickSelect(selection, ORDER, 'c', shift);
    expect(names(selection)).toEqual(['b', 'c']);
    expect(selection.anchor).toBe('b');
  });

  it('toggles single items with Ctrl/Cmd and moves the anchor there', () => {
    let selection = clickSelect(EMPTY_SELECTION, ORDER, 'a', plain);
    selection = clickSelect(selection, ORDER, 'c', ctrl);
    expect(names(selection)).toEqual(['a', 'c']);
    selection = clickSelect(selection, ORDER, 'a', ctrl);
    expect(names(selection)).toEqual(['c']);
    expect(selection.anchor).toBe('a');
  });

  it('adds a range to the selection with Ctrl+Shift', () => {
    let selection = clickSelect(EMPTY_SELECTION, ORDER, 'a', plain);
    selection = clickSelect(selection, ORDER, 'c', ctrl);
    selection = clickSelect(selection, ORDER, 'e', ctrlShift);
    expect(names(selection)).toEqual(['a', 'c', 'd', 'e']);
  });

  it('starts a Shift range at the clicked item when the anchor is gone or unset', () => {
    expect(names(clickSelect(EMPTY_SELECTION, ORDER, 'c', shift))).toEqual(['c']);
    const stale: Selection = { selected: new Set(['zz']), anchor: 'zz' };
    expect(names(clickSelect(stale, ORDER, 'b', shift))).toEqual(['b']);
  });

  it('ignores a click on something not listed', () => {
    const before: Selection = { selected: new Set(['a']), anchor: 'a' };
    expect(clickSelect(before, ORDER, 'nope', plain)).toBe(before);
  });
});

describe('checkboxes and select all', () => {
  it('toggles one item without touching the others', () => {
    const before: Selection = { selected: new Set(['a', 'b']), anchor: 'a' };
    expect(names(toggleOne(before, 'c'))).toEqual(['a', 'b', 'c']);
    expect(names(toggleOne(before, 'a'))).toEqual(['b']);
  });

  it('selects everything, or nothing when everything was selected', () => {
    const some: Selection = { selected: new Set(['b']), anchor: 'b' };
    const all = toggleAll(some, ORDER);
    expect(names(all)).toEqual(ORDER);
    expect(names(toggleAll(all, ORDER))).toEqual([]);
    expect(names(toggleAll(EMPTY_SELECTION, []))).toEqual([]);
  });

  it('reports the select-all box as none, some or all', () => {
    expect(selectAllState(EMPTY_SELECTION, ORDER)).toBe('none');
    expect(selectAllState({ selected: new Set(['a']), anchor: 'a' }, ORDER)).toBe('some');
    expect(selectAllState({ selected: new Set(ORDER), anchor: null }, ORDER)).toBe('all');
    // Stale keys of another folder do not count.
    expect(selectAllState({ selected: new Set(['x']), anchor: 'x' }, ORDER)).toBe('none');
  });

  it('drops keys that are no longer listed, and keeps the same object when nothing changed', () => {
    const before: Selection = { selected: new Set(['a', 'gone']), anchor: 'gone' };
    const after = pruneSelection(before, ORDER);
    expect(names(after)).toEqual(['a']);
    expect(after.anchor).toBeNull();
    const clean: Selection = { selected: new Set(['a']), anchor: 'a' };
    expect(pruneSelection(clean, ORDER)).toBe(clean);
  });
});

describe('keyboard', () => {
  it('moves focus by a step, clamped to the list', () => {
    expect(moveFocus(ORDER, 'b', 1)).toBe('c');
    expect(moveFocus(ORDER, 'b', -1)).toBe('a');
    expect(moveFocus(ORDER, 'a', -1)).toBe('a');
    expect(moveFocus(ORDER, 'e', 1)).toBe('e');
    expect(moveFocus(ORDER, 'c', Infinity)).toBe('e');
    expect(moveFocus(ORDER, 'c', -Infinity)).toBe('a');
  });

  it('starts at the first (or, going back, the last) item when nothing had focus', () => {
    expect(moveFocus(ORDER, null, 1)).toBe('a');
    expect(moveFocus(ORDER, null, -1)).toBe('e');
    expect(moveFocus([], null, 1)).toBeNull();
  });

  it('extends from the anchor with Shift+arrow, or from the entry focus left when there is none', () => {
    const anchored: Selection = { selected: new Set(['b']), anchor: 'b' };
    expect(names(extendSelection(anchored, ORDER, 'c', 'd'))).toEqual(['b', 'c', 'd']);
    expect(names(extendSelection(EMPTY_SELECTION, ORDER, 'a', 'b'))).toEqual(['a', 'b']);
    const stale: Selection = { selected: new Set(), anchor: 'gone' };
    expect(names(extendSelection(stale, ORDER, 'c', 'b'))).toEqual(['b', 'c']);
    expect(names(extendSelection(EMPTY_SELECTION, ORDER, null, 'b'))).toEqual(['b']);
  });

  it('moves the anchor with plain arrows, leaving the selection alone', () => {
    const before: Selection = { selected: new Set(['a']), anchor: 'a' };
    const after = anchorAt(before, 'c');
    expect(names(after)).toEqual(['a']);
    expect(after.anchor).toBe('c');
    expect(anchorAt(after, 'c')).toBe(after);
    // A range after moving starts where the keyboard is.
    expect(names(extendSelection(after, ORDER, 'c', 'd'))).toEqual(['c', 'd']);
  });

  it('reads Shift as a range and Ctrl or Cmd as a toggle', () => {
    expect(modifiersOf({ shiftKey: true, ctrlKey: false, metaKey: false })).toEqual(shift);
    expect(modifiersOf({ shiftKey: false, ctrlKey: true, metaKey: false })).toEqual(ctrl);
    expect(modifiersOf({ shiftKey: false, ctrlKey: false, metaKey: true })).toEqual(ctrl);
  });
});
