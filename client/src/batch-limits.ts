/**
 * The server refuses a batch of more than this many calls (`maxBatchSize`,
 * default 10), so the client never builds a bigger one.
 */
export const MAX_BATCH_ITEMS = 10;

/**
 * Query batches are sent as GET with their input in the URL. Beyond this
 * length (the old Internet Explorer limit, still a safe bet for proxies and
 * CDNs) a batch is split in two.
 */
export const MAX_URL_LENGTH = 2083;
