import { mount, unmount } from 'svelte';
import App from './App.svelte';
import LogIn from './LogIn.svelte';
import { applyTheme, storedTheme } from './lib/theme.ts';
import { whoAmI } from './lib/account.ts';
import { ownerWindow } from './lib/transport.ts';
import './app.css';

// The remembered theme is set before the first paint, so a dark window never flashes light.
applyTheme(document.documentElement, storedTheme(localStorage));
const target = document.getElementById('app')!;

// A team server (`quire serve`) asks for a log-in first; the desktop opens the workbench.
void whoAmI(ownerWindow).then((who) => {
  if (who !== 'log-in') {
    mount(App, { target });
    return;
  }
  const form = mount(LogIn, {
    target,
    props: {
      onSignedIn: () => {
        unmount(form);
        mount(App, { target });
      },
    },
  });
});
