// OpenPGP.js in the same browser, on the same data and keys as the widget
// (make bench): seals data to armoredKey as Sealpost does (armored, no
// compression, SEIPDv1 for v4 keys), streaming or all at once, and says how
// long it took.
import * as openpgp from "./openpgp.min.mjs";

window.benchOpenPGP = async function (armoredKey, mode) {
  const key = await openpgp.readKey({ armoredKey });
  const config = { preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed };
  const data = window.benchData;
  const t0 = performance.now();
  let out = 0;
  if (mode === "whole") {
    const message = await openpgp.createMessage({ binary: data });
    const armored = await openpgp.encrypt({ message, encryptionKeys: key, format: "armored", config });
    out = armored.length;
  } else {
    const message = await openpgp.createMessage({ binary: new Blob([data]).stream() });
    const armored = await openpgp.encrypt({ message, encryptionKeys: key, format: "armored", config });
    const reader = armored.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out += value.length;
    }
  }
  return { ms: performance.now() - t0, out };
};
document.body.dataset.ready = "true";
