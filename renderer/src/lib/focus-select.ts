// An attachment ({@attach focusAndSelect}) for a field that opens for editing in place (a
// rename): it takes the keyboard as it appears, its text selected, ready to be typed over.
// Not the autofocus attribute: Svelte honours it only while nothing has the focus, and the
// Rename button just clicked has it.
export const focusAndSelect = (field: HTMLInputElement): void => {
  field.focus();
  field.select();
};
