// Usage: node decrypt.mjs SECRET_KEY_FILE MESSAGE_FILE > plaintext
// Decrypts a Sealpost message with OpenPGP.js, as Mailvelope would.
import { readFileSync } from 'node:fs';
import * as openpgp from 'openpgp';

const [keyFile, msgFile] = process.argv.slice(2);
const keyText = readFileSync(keyFile, 'utf8');
const data = readFileSync(msgFile);
const privateKey = await openpgp.readPrivateKey({ armoredKey: keyText });
const message = data.subarray(0, 5).toString() === '-----'
  ? await openpgp.readMessage({ armoredMessage: data.toString('utf8') })
  : await openpgp.readMessage({ binaryMessage: data });
const { data: plaintext } = await openpgp.decrypt({ message, decryptionKeys: privateKey, format: 'binary' });
process.stdout.write(plaintext);
