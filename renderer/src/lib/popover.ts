// A popover (the page screen's Image menu, the header's Export) closes as a menu does: on
// Esc, on a press outside it, when the keyboard's focus moves out of it, and on a step
// back or forward in the browser's history (another screen). Esc gives the focus back to
// the button that opened it where the focus was inside, so the keyboard is not lost on
// the page's body. Used as an attachment: {@attach popover({ … })} on the popover's root,
// which holds its opening button too (a press on that button is the button's own toggle).

export interface Popover {
  isOpen: () => boolean;
  close: () => void;
  /** The button that opens it, inside the root. */
  opener: (root: HTMLElement) => HTMLElement | null;
}

export function popover(p: Popover): (root: HTMLElement) => () => void {
  return (root) => {
    const key = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || !p.isOpen()) return;
      // The open popover takes this Esc (seen first, in the capture phase): the page
      // screen's own Esc (leave a tool, the text field) waits for the next one.
      e.preventDefault();
      e.stopPropagation();
      const inside = root.contains(document.activeElement);
      p.close();
      if (inside) p.opener(root)?.focus();
    };
    const press = (e: PointerEvent) => {
      if (p.isOpen() && !root.contains(e.target as Node)) p.close();
    };
    const left = (e: FocusEvent) => {
      // No related target: the window lost the focus (the desktop app's folder dialog), or
      // a press on something that takes no focus, which `press` has seen to.
      const to = e.relatedTarget as Node | null;
      if (to && p.isOpen() && !root.contains(to)) p.close();
    };
    const moved = () => p.isOpen() && p.close();
    window.addEventListener('keydown', key, true);
    window.addEventListener('pointerdown', press, true);
    window.addEventListener('popstate', moved);
    root.addEventListener('focusout', left);
    return () => {
      window.removeEventListener('keydown', key, true);
      window.removeEventListener('pointerdown', press, true);
      window.removeEventListener('popstate', moved);
      root.removeEventListener('focusout', left);
    };
  };
}
