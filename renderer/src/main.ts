// The renderer's entry: connects to whichever shell hosts the page (Electron's
// preload or the web shell's WebSocket) and mounts the app.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { connect } from './lib/api';
import { Lab } from './lib/lab.svelte';

const api = connect((reason) => {
  lab.connectionError = `${reason}. Start the lab again (npm start).`;
});
const lab = new Lab(api);
mount(App, { target: document.getElementById('app')!, props: { lab } });
lab.start().catch((error: unknown) => {
  lab.connectionError = `Could not start: ${error instanceof Error ? error.message : String(error)}`;
});
