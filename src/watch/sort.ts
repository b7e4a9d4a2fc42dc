/**
 * The orders the live view lists topics and clients in (the `s` key cycles them): busiest first, by name, by bytes,
 * by connection time. Sorts in place; pure.
 */
import type { ClientActivity, ClientSort, TopicRate, TopicSort } from './snapshot.js';

export function sortTopics(topics: TopicRate[], sort: TopicSort): void {
  if (sort === 'topic') topics.sort((a, b) => a.topic.localeCompare(b.topic));
  else if (sort === 'bytes') topics.sort((a, b) => b.bytesPerSecond - a.bytesPerSecond || a.topic.localeCompare(b.topic));
  else topics.sort((a, b) => b.messagesPerSecond - a.messagesPerSecond || a.topic.localeCompare(b.topic));
}

export function sortClients(clients: ClientActivity[], sort: ClientSort): void {
  const name = (c: ClientActivity): string => c.clientId ?? c.address;
  if (sort === 'client') clients.sort((a, b) => name(a).localeCompare(name(b)) || a.stream - b.stream);
  else if (sort === 'since') clients.sort((a, b) => a.since - b.since || a.stream - b.stream);
  else {
    clients.sort((a, b) => (b.sentPerSecond + b.receivedPerSecond) - (a.sentPerSecond + a.receivedPerSecond)
      || (a.state === b.state ? 0 : a.state === 'connected' ? -1 : 1) || a.stream - b.stream);
  }
}
