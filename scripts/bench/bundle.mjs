// Loam bundles as docs/bundle-format.md describes them: "LOAM", version 1, then the raw DEFLATE
// (level 9) of the bundle's JSON; in a link, the bytes in base64url without padding.

import { deflateRawSync } from 'node:zlib';

/** The bytes of a version 1 bundle holding `bundle` ({ notes, course?, elsewhere? }). */
export function encodeBundle(bundle) {
  const json = Buffer.from(JSON.stringify(bundle), 'utf8');
  return Buffer.concat([Buffer.from('LOAM', 'ascii'), Buffer.from([1]), deflateRawSync(json, { level: 9 })]);
}

/** The `<payload>` of a `#/import/<payload>` link. */
export function linkPayload(bytes) {
  return Buffer.from(bytes).toString('base64url');
}
