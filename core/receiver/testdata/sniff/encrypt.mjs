// Usage: node encrypt.mjs OPENPGPJS_DIR PUBLIC_KEY_FILE armored|binary < plaintext > message
// Encrypts stdin to the key with OpenPGP.js's default settings, as a
// reporter's Mailvelope or web page would, for sniff_interop_test.go.
// OPENPGPJS_DIR is the folder whose node_modules holds openpgp 6.3.2
// (core/seal/testdata/openpgpjs, installed by make deps).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [dir, keyFile, format] = process.argv.slice(2);
const openpgp = createRequire(join(dir, 'package.json'))('openpgp');
const key = await openpgp.readKey({ armoredKey: readFileSync(keyFile, 'utf8') });
const message = await openpgp.createMessage({ binary: readFileSync(0) });
const sealed = await openpgp.encrypt({ message, encryptionKeys: key, format });
process.stdout.write(sealed);
