// What the window's page may do beyond showing the app, decided here and
// wired by main.ts: it may not navigate, open windows, attach webviews or
// fetch anything but app:// files, and it holds no permission except writing
// text to the clipboard (the classroom's "Copy" button) from the app's own
// page. Written against the few members of Electron's WebContents and
// Session it uses, so tests drive it without an Electron binary.

import { isAppUrl } from './security.js';

interface Preventable {
  preventDefault(): void;
}

/** The members of Electron's WebContents that the lockdown uses. */
export interface LockableContents {
  on(event: 'will-navigate', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: Preventable & { url: string }) => void): unknown;
  on(event: 'will-redirect', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** The members of Electron's Session that the lockdown uses. */
export interface LockableSession {
  setPermissionRequestHandler(
    handler: (
      contents: unknown,
      permission: string,
      respond: (granted: boolean) => void,
      details: { requestingUrl?: string },
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean,
  ): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  webRequest: {
    onBeforeRequest(
      listener: (details: { url: string }, respond: (response: { cancel: boolean }) => void) => void,
    ): void;
  };
}

/** Permissions the app's own page holds; every other permission, and every other page, is refused. */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function permissionGranted(permission: string, requestingUrl: string | undefined): boolean {
  return GRANTED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

/** Whether the page may fetch a URL: the app's files, and DevTools' own pages when DevTools are on. */
export function requestAllowed(url: string, devTools: boolean): boolean {
  return isAppUrl(url) || (devTools && url.startsWith('devtools:'));
}

export function lockDownContents(contents: LockableContents): void {
  // The lab is one page: nothing, app:// included, is a navigation it makes.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // No new windows, and no handing the URL to the system browser: the page's
  // text never reaches shell.openExternal, which main does not use at all.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function lockDownSession(session: LockableSession, devTools: boolean): void {
  session.setPermissionRequestHandler((_contents, permission, respond, details) =>
    respond(permissionGranted(permission, details.requestingUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionGranted(permission, requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, respond) => respond({ cancel: !requestAllowed(details.url, devTools) }));
}
