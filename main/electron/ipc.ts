// The contract's invoke channels on Electron's IPC: each request is answered
// only for the lab's own window and top frame, and only after validation
// (validate.ts); anything else is refused with a reason. Every invoke is
// answered with an InvokeReply, never a rejection: Electron would flatten a
// thrown error to "Error invoking remote method …" and lose its kind and
// numbers. Written against the few members of ipcMain it uses, so tests drive
// it without Electron.

import { INVOKE_CHANNELS, type InvokeChannel, type InvokeReply, type RequestOf, type ResponseOf } from '../contract.js';
import { LabFailure } from '../labError.js';
import { replyOf } from '../replies.js';
import { validateRequest } from '../validate.js';
import { isTrustedSender } from './security.js';

export interface InvokeEventLike {
  sender: { mainFrame: unknown };
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, request: unknown) => Promise<InvokeReply<unknown>>): void;
}

export interface IpcTarget {
  /** The web contents of the lab's window, or null while it has none. */
  windowContents(): unknown;
  handle<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
}

export function registerIpc(ipcMain: IpcMainLike, target: IpcTarget): void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, request) =>
      replyOf(() => {
        const frame = event.senderFrame;
        const fromWindow = target.windowContents() !== null && event.sender === target.windowContents();
        if (!fromWindow || !isTrustedSender(frame?.url, frame !== null && frame === event.sender.mainFrame)) {
          throw new LabFailure({
            kind: 'refused',
            message: `refused '${channel}': the request did not come from the lab's window`,
          });
        }
        return target.handle(channel, validateRequest(channel, request));
      }),
    );
  }
}
