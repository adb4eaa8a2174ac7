// The entry. On a camera's own page the video comes first: its connection starts and plays into an early
// <video> (preconnect.ts), and the app boots once that connection is up or after a short wait, so the app's own
// start does not hold the connection's steps up. On every other page the app boots at once.
import { earlyConnection } from './lib/live-preconnect';
import './preconnect';

/** The longest the app's boot waits for a camera page's early connection, in milliseconds. */
const EARLY_CONNECTION_WAIT_MS = 400;

void earlyConnection(EARLY_CONNECTION_WAIT_MS).then(() => import('./app-boot'));
