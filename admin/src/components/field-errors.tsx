/**
 * Fields in error, for screen readers and keyboards: selects marked invalid like text inputs are, and the first
 * field in error focused when a form is refused.
 */
import * as React from 'react';
import { Field } from '@strapi/design-system';

/**
 * Goes inside a `Field.Root` holding a `SingleSelect` or `MultiSelect` and a `Field.Label`. With the Field's
 * `error`, the design system's selects get a red border and `aria-describedby` pointing at `Field.Error`, but no
 * `aria-invalid` (which `Field.Input` sets): this sets it on the select's combobox, so screen readers say
 * "invalid" on selects too. The combobox has no id of its own; it is the one labelled by the Field's label.
 */
export function SelectInvalidMark() {
  const { id, error } = Field.useField('SelectInvalidMark');
  // No dependencies: the select may render its combobox anew (e.g. when enabled) while the Field stays.
  React.useEffect(() => {
    const control = id ? document.querySelector(`[role="combobox"][aria-labelledby="${CSS.escape(`${id}-label`)}"]`) : null;
    if (!control) return;
    if (error) control.setAttribute('aria-invalid', 'true');
    else control.removeAttribute('aria-invalid');
  });
  return null;
}

/**
 * Focuses the first field marked invalid inside `container`, in reading order, and scrolls it to the middle of
 * the screen; false when there is none. Call it after the errors have rendered (in an effect).
 */
export function focusFirstInvalid(container: HTMLElement | null): boolean {
  const first = container?.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (!first) return false;
  first.scrollIntoView({ block: 'center' });
  first.focus({ preventScroll: true });
  return true;
}
