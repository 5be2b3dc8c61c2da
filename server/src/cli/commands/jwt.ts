import { createKeyRing } from '../../crypto/key-ring';
import { createDatabase } from '../../db/create-database';
import { rotateSigningKey } from '../../oauth/signing-keys';
import type { CliCommand } from '../cli-command';

/** `gatehouse jwt rotate` */
export const jwtCommand: CliCommand = {
  name: 'jwt',
  usage: 'jwt rotate',
  summary: 'start signing access tokens with a new Ed25519 key',
  help: `rotate   create a new signing key (private half sealed with the key ring) and
         retire the current one. The retired key stays in /.well-known/jwks.json
         until every token it signed has expired (JWT_TTL_SECONDS); running
         servers pick the new key up within a minute.`,
  async run(args, { config, log, io }) {
    if (args[0] !== 'rotate') {
      io.err('gatehouse jwt: expected "rotate"\n');
      return 2;
    }
    const database = await createDatabase(config.database, log);
    try {
      const kid = await rotateSigningKey(database.db, createKeyRing(config.encryptionKeys));
      io.out(`new signing key ${kid}\n`);
      return 0;
    } finally {
      await database.destroy();
    }
  },
};
