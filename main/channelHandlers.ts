// Handlers typed by their contract channel: a map from channel name to an
// async function of that channel's request and response.

import type { InvokeChannel, RequestOf, ResponseOf } from './contract.js';

/** A handler per channel, typed by the channel. */
export type ChannelHandlers<C extends InvokeChannel> = { [K in C]: (request: RequestOf<K>) => Promise<ResponseOf<K>> };

/** One handler per channel, each calling `answer` with its own channel name: no table of names in between. */
export function forwardByName<C extends InvokeChannel>(
  channels: readonly C[],
  answer: <K extends C>(channel: K, request: RequestOf<K>) => Promise<ResponseOf<K>>,
): ChannelHandlers<C> {
  return Object.fromEntries(
    channels.map((channel) => [channel, (request: RequestOf<C>) => answer(channel, request)]),
  ) as ChannelHandlers<C>;
}
