import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RevocationBus, RevocationMessage } from './revocation-bus';

/**
 * Revocations over Redis pub/sub so that every instance drops a revoked
 * session from its cache at once. `isConnected()` is false while the
 * subscriber is down; the session cache then stops serving from memory.
 * The channel carries REDIS_KEY_PREFIX, so deployments sharing one Redis do
 * not drop each other's sessions.
 */
export function createRedisRevocationBus(
  redis: Redis,
  log: Logger,
  keyPrefix: string,
): RevocationBus {
  const CHANNEL = `${keyPrefix}:session-revocations`;
  const subscriber = redis.duplicate();
  const handlers: ((m: RevocationMessage) => void)[] = [];
  let subscribed = false;
  subscriber.on('ready', () => {
    subscriber.subscribe(CHANNEL).then(
      () => {
        subscribed = true;
      },
      (err: unknown) => log.warn({ err }, 'revocation channel subscribe failed'),
    );
  });
  subscriber.on('close', () => {
    subscribed = false;
  });
  subscriber.on('error', () => {
    subscribed = false;
  });
  subscriber.on('message', (channel: string, payload: string) => {
    if (channel !== CHANNEL) return;
    try {
      const message = JSON.parse(payload) as RevocationMessage;
      for (const h of handlers) h(message);
    } catch {
      // ignore malformed messages
    }
  });

  return {
    publish: async (message) => {
      // Deliver locally first: this instance must never serve a revoked session.
      for (const h of handlers) h(message);
      try {
        await redis.publish(CHANNEL, JSON.stringify(message));
      } catch (err) {
        log.warn(
          { err: { message: (err as Error).message } },
          'revocation publish failed; other instances bypass their caches while Redis is down',
        );
      }
    },
    subscribe: (handler) => {
      handlers.push(handler);
    },
    isConnected: () => subscribed && subscriber.status === 'ready',
    close: async () => {
      subscriber.disconnect();
    },
  };
}
