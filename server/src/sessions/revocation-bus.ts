/**
 * A message that makes every instance drop cached sessions, or cached API keys
 * (`apiKeyIds`; `userId` drops both for that user) or cached memberships
 * (`memberships`), or (`accessTokens`)
 * refuse the live access tokens of a key or user issued up to `at` (ms).
 */
export type RevocationMessage =
  | { readonly sessionIds: readonly string[] }
  | { readonly userId: string }
  | { readonly apiKeyIds: readonly string[] }
  | {
      /** Memberships changed: these users', or every member's of these orgs. */
      readonly memberships: {
        readonly userIds?: readonly string[];
        readonly orgIds?: readonly string[];
      };
    }
  | {
      readonly accessTokens: {
        readonly apiKeyId?: string;
        readonly userId?: string;
        readonly at: number;
      };
    };

/**
 * Carries session revocations to every server instance. Locally it is a
 * plain fan-out; with Redis it is pub/sub (see redis-revocation-bus.ts).
 */
export interface RevocationBus {
  publish(message: RevocationMessage): Promise<void>;
  subscribe(handler: (message: RevocationMessage) => void): void;
  /** Whether messages from other instances are currently being received. */
  isConnected(): boolean;
  close(): Promise<void>;
}

/** For one process: what is published here is delivered here. */
export function createLocalRevocationBus(): RevocationBus {
  const handlers: ((m: RevocationMessage) => void)[] = [];
  return {
    publish: async (message) => {
      for (const h of handlers) h(message);
    },
    subscribe: (handler) => {
      handlers.push(handler);
    },
    isConnected: () => true,
    close: async () => undefined,
  };
}
