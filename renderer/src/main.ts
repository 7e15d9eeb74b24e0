import { mount } from 'svelte';
import App from './App.svelte';
import { applyTheme, storedTheme } from './lib/theme.ts';
import './app.css';

// The remembered theme is set before the first paint, so a dark window never flashes light.
applyTheme(document.documentElement, storedTheme(localStorage));
mount(App, { target: document.getElementById('app')! });
