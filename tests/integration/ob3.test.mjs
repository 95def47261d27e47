// The Open Badges 3.0 credential with its embedded Data Integrity proof
// (GET /api/certificates/:serial/credential.json), checked with libraries ujikom did not write:
// @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite verifies it, including its one Bitstring
// Status List entry, the revocation bit (@digitalbazaar/vc-bitstring-status-list); one changed
// character anywhere fails it; after a revocation the status says so, after a suspension the
// suspension list, the credential route and the verify answer do; and jsonld.canonize gives the very
// N-Quads `ujikom jsonld nquads` gives (the ones the service hashed), for a certificate of each
// of the 17 subsectors and holders named in NFD, with 200 characters, or with markup. The
// document loader serves the contexts from files in the repository (the v2 context from its
// npm package, the OB 3.0 context from certs/contexts/), the DID document built from the
// JWKS, and the status list credential after jose verified its signature: no network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';
import jsonld from 'jsonld';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { checkStatus, decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { contexts as vcContexts } from '@digitalbazaar/credentials-context';

import {
  startDaemon, stopClean, adminClient, candidateClient, cli, tmpDir, EXAMS_DIR, SOURCE_DIR,
} from './lib/daemon.mjs';
import { certify } from './lib/certify.mjs';
import { REVIEW_EXAM, REVIEW_EXAM_ID } from './lib/reviews.mjs';

const V2_URL = 'https://www.w3.org/ns/credentials/v2';
const OB_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const CONTEXTS = {
  [V2_URL]: vcContexts.get(V2_URL),
  [OB_URL]: JSON.parse(readFileSync(path.join(SOURCE_DIR, 'certs/contexts/ob-v3p0-context-3.0.3.json'), 'utf8')),
};
const LICENCE = 'BNSP-LSP-0042-2026';

const SUBSECTORS = readFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), 'utf8')
  .split('\n').map((l) => /^\s+- code: (\w+)$/.exec(l)).filter(Boolean).map((m) => m[1]);

// Names the credentials must carry exactly: decomposed (stored NFC), 200 characters of two-byte
// letters, markup, apostrophes and quotes.
const NFD_NAME = 'S\u0323e\u0306kar Ayu N\u0303ovianti\u0308';
const TWO = ['Ñ', 'ĕ', 'š', 'α', 'Ж', 'é', 'ü', 'č', 'л'];
const LONG_NAME = Array.from({ length: 20 }, (_, w) => Array.from({ length: w < 19 ? 9 : 10 }, (_, i) => TWO[(w + i) % TWO.length]).join('')).join(' ');
const NAMES = [NFD_NAME, LONG_NAME, '<script>alert(1)</script> Rina', 'Ni Luh Putu "Ayu" O\'Neil'];

let d;
let examsDir;
let work;
let admin;
let did;
let didDoc;
let jwks;
const issued = []; // { serial, name, credential, text }

function objectiveExam(code) {
  const id = `OB3-${code}`;
  const exam = REVIEW_EXAM.slice(0, REVIEW_EXAM.indexOf('  - code: U.ESS.002'))
    .replaceAll(REVIEW_EXAM_ID, id).replace('subsector: DKV', `subsector: ${code}`);
  writeFileSync(path.join(examsDir, `${id.toLowerCase()}.exam.yaml`), exam);
  return id;
}

function didWeb(url) {
  const u = new URL(url);
  return `did:web:${u.host.replace(':', '%3A')}`;
}

async function documentLoader(url) {
  if (CONTEXTS[url]) return { contextUrl: null, documentUrl: url, document: CONTEXTS[url] };
  if (url === did) return { contextUrl: null, documentUrl: url, document: didDoc };
  if (url.startsWith(`${did}#`)) {
    const vm = didDoc.verificationMethod.find((m) => m.id === url);
    if (!vm) throw new Error(`no verification method ${url}`);
    return { contextUrl: null, documentUrl: url, document: { '@context': 'https://w3id.org/security/multikey/v1', ...vm } };
  }
  if (url === `${d.url}/status/revocation` || url === `${d.url}/status/suspension`) {
    // The list is a JWS (VC-JOSE): verified with jose against the JWKS, then its payload is
    // the status list credential.
    const res = await fetch(url);
    const jws = await res.text();
    const { payload } = await jose.compactVerify(jws, jose.createLocalJWKSet(jwks));
    return { contextUrl: null, documentUrl: url, document: JSON.parse(new TextDecoder().decode(payload)) };
  }
  throw new Error(`document loader: no network (${url})`);
}

const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });

async function verify(credential) {
  return vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    checkStatus: (opts) => checkStatus({
      ...opts,
      // The status list credential is signed as a JWS (verified in the loader), not with an
      // embedded proof. Its issuer must be the credential's (the did:web): checked.
      verifyBitstringStatusListCredential: false,
      verifyMatchingIssuers: true,
    }),
  });
}

// The bit of the credential's index in the published list of purpose (its JWS verified in the
// document loader): the suspension list is not named in the credential (one CredentialStatus).
async function listBit(purpose, credential) {
  const { document } = await documentLoader(`${d.url}/status/${purpose}`);
  assert.equal(document.credentialSubject.statusPurpose, purpose);
  assert.equal(document.issuer, did, 'the list is issued by the credential\'s did:web');
  const list = await decodeList({ encodedList: document.credentialSubject.encodedList });
  return list.getStatus(Number(credential.credentialStatus.statusListIndex));
}

async function canonize(credential) {
  const { proof, ...doc } = credential;
  return jsonld.canonize(doc, { algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader, safe: true });
}

before(async () => {
  examsDir = tmpDir('ujikom-ob3-exams-');
  work = tmpDir('ujikom-ob3-');
  copyFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(examsDir, 'subsectors.yaml'));
  const ids = SUBSECTORS.map(objectiveExam);
  d = await startDaemon({ examsDir, args: ['--cert-licence', LICENCE] });
  admin = await adminClient(d);
  did = didWeb(d.url);
  jwks = (await admin.get('/.well-known/jwks.json')).json;
  // the Ed25519 keys (the JWKS also has the P-256 keys of the JWT form, not a proof's)
  const methods = await Promise.all(jwks.keys.filter((k) => k.kty === 'OKP').map(async (jwk) => {
    const key = await Ed25519Multikey.fromJwk({ jwk, id: `${did}#${jwk.kid}`, controller: did });
    const { '@context': _, ...vm } = await key.export({ publicKey: true, includeContext: true });
    return vm;
  }));
  didDoc = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((m) => m.id),
  };
  for (const [i, id] of ids.entries()) {
    const name = NAMES[i % NAMES.length];
    const cand = await candidateClient(d, name);
    const serial = await certify(cand, id);
    const r = await cand.get(`/api/certificates/${serial}/credential.json`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), 'application/ld+json');
    issued.push({ serial, name, cand, credential: JSON.parse(r.text), text: r.text, exam: id });
  }
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  for (const dir of [examsDir, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every issued credential verifies with @digitalbazaar/vc, its status entry included', async () => {
  assert.equal(issued.length, 17);
  for (const { serial, credential } of issued) {
    const result = await verify(credential);
    assert.equal(result.verified, true, `${serial}: ${JSON.stringify(result.error || result, null, 1)}`);
    assert.equal(result.statusResult.verified, true);
    assert.deepEqual(result.statusResult.results.map((r) => [r.credentialStatus.statusPurpose, r.status]),
      [['revocation', false]]);
  }
});

test('the credential carries what OB 3.0 asks, and never the e-mail address', async () => {
  const { credential: c, text, name, cand, exam } = issued[0];
  assert.deepEqual(c['@context'].slice(0, 2), [V2_URL, OB_URL]);
  assert.deepEqual(c.type, ['VerifiableCredential', 'AchievementCredential']);
  assert.equal(c.issuer.id, did);
  assert.deepEqual(c.issuer.otherIdentifier, [{ type: 'IdentifierEntry', identifier: LICENCE, identifierType: 'identifier' }]);
  assert.equal(c.credentialSubject.identifier[0].identityHash, name.normalize('NFC'));
  const mail = c.credentialSubject.identifier[1];
  assert.equal(mail.identityType, 'emailAddress');
  assert.equal(mail.hashed, true);
  const { createHash } = await import('node:crypto');
  assert.equal(mail.identityHash, `sha256$${createHash('sha256').update(cand.email.toLowerCase() + mail.salt).digest('hex')}`);
  assert.ok(!text.toLowerCase().includes(cand.email.toLowerCase()), 'no e-mail address in clear');
  assert.equal(c.awardedDate, c.validFrom);
  // One CredentialStatus object (the OB 3.0 schema allows no array): the revocation entry.
  assert.equal(Array.isArray(c.credentialStatus), false);
  assert.deepEqual(c.credentialStatus, {
    id: `${d.url}/status/revocation#${c.credentialStatus.statusListIndex}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: c.credentialStatus.statusListIndex,
    statusListCredential: `${d.url}/status/revocation`,
  });
  assert.match(c.credentialStatus.statusListIndex, /^(0|[1-9]\d*)$/);
  assert.equal(c.credentialSchema[0].type, '1EdTechJsonSchemaValidator2019');
  assert.equal(c.proof.verificationMethod.startsWith(`${did}#`), true);
  // Every alignment's targetUrl and the achievement's id resolve to a public page.
  const achievement = c.credentialSubject.achievement;
  assert.equal(achievement.achievementType, 'Certification');
  assert.equal((await fetch(achievement.id)).status, 200);
  for (const a of achievement.alignment) {
    assert.ok(a.targetUrl.startsWith(`${d.url}/skkni/${exam}/`));
    const page = await fetch(a.targetUrl);
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes(a.targetCode));
  }
  assert.equal((await fetch(`${d.url}/skkni/${exam}/NO.SUCH.UNIT`)).status, 404);
  assert.equal((await fetch(`${d.url}/skkni/NO-SUCH-EXAM`)).status, 404);
  const image = await fetch(c.image.id);
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/svg+xml');
});

test('the same certificate always yields the same bytes; only its holder or an admin gets it', async () => {
  const { serial, text, cand } = issued[1];
  assert.equal((await cand.get(`/api/certificates/${serial}/credential.json`)).text, text);
  assert.equal((await admin.get(`/api/certificates/${serial}/credential.json`)).text, text);
  const other = await candidateClient(d, 'Orang Lain');
  assert.equal((await other.get(`/api/certificates/${serial}/credential.json`)).status, 404);
  assert.equal((await fetch(`${d.url}/api/certificates/${serial}/credential.json`)).status, 401);
});

test('jsonld.canonize gives the N-Quads the service hashed, for every credential', async () => {
  for (const { serial, credential } of issued) {
    const file = path.join(work, `${serial}.json`);
    writeFileSync(file, JSON.stringify(credential));
    const mine = cli(['jsonld', 'nquads', file]);
    assert.equal(mine.status, 0, mine.stderr);
    assert.equal(mine.stdout, await canonize(credential), serial);
  }
});

test('one changed character anywhere in the credential fails verification', async () => {
  const { credential } = issued[2];
  const leaves = [];
  (function walk(node, pathTo) {
    if (typeof node === 'string') leaves.push(pathTo);
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, [...pathTo, k]);
  })(credential, []);
  let tried = 0;
  for (const p of leaves) {
    const value = p.reduce((o, k) => o[k], credential);
    for (let pos = 0; pos < value.length; pos += Math.max(1, Math.floor(value.length / 3))) {
      const copy = structuredClone(credential);
      const parent = p.slice(0, -1).reduce((o, k) => o[k], copy);
      const ch = value[pos] === 'x' ? 'y' : 'x';
      parent[p.at(-1)] = value.slice(0, pos) + ch + value.slice(pos + 1);
      const result = await verify(copy);
      assert.equal(result.verified, false, `changed ${p.join('.')}[${pos}] still verifies`);
      tried += 1;
    }
  }
  assert.ok(tried > 100, `only ${tried} changes tried`);
  // and unchanged, it still verifies
  const unchanged = await verify(credential);
  assert.equal(unchanged.verified, true, `unchanged, it fails: ${unchanged.error?.message ?? JSON.stringify(unchanged)}`);
});

test('a holder binds a DID: their credential names it and still verifies', async () => {
  const { serial, cand, text } = issued[3];
  const holderDid = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
  assert.equal((await cand.put('/api/me/did', { did: 'not a did' })).status, 400);
  assert.equal((await cand.put('/api/me/did', { did: holderDid, extra: 1 })).status, 400);
  assert.equal((await cand.put('/api/me/did', { did: holderDid })).status, 200);
  const r = await cand.get(`/api/certificates/${serial}/credential.json`);
  const c = JSON.parse(r.text);
  assert.equal(c.credentialSubject.id, holderDid);
  assert.equal(c.credentialSubject.identifier[1].salt, JSON.parse(text).credentialSubject.identifier[1].salt);
  assert.equal((await verify(c)).verified, true);
  assert.equal((await cand.get(`/api/certificates/${serial}/credential.json`)).text, r.text);
});

test('after a revocation the status list says so, and the credential is no longer handed out', async () => {
  const { serial, credential } = issued[4];
  const rev = await admin.post(`/api/certificates/${serial}/revoke`, { reason: 'Uji pencabutan' });
  assert.equal(rev.status, 200, rev.text);
  const result = await verify(credential);
  assert.equal(result.statusResult.verified, true);
  assert.equal(result.statusResult.results[0].status, true, 'the revocation bit is set');
  assert.equal(await listBit('suspension', credential), false, 'the suspension bit is not');
  assert.equal((await admin.get(`/api/certificates/${serial}/credential.json`)).status, 409);
});

test('after a suspension the suspension list, the credential route and the verify answer say so', async () => {
  const { serial, credential } = issued[5];
  assert.equal(await listBit('suspension', credential), false);
  const sus = await admin.post(`/api/certificates/${serial}/suspend`, { reason: 'Uji pembekuan' });
  assert.equal(sus.status, 200, sus.text);
  assert.equal(await listBit('suspension', credential), true, 'the suspension bit is set');
  const result = await verify(credential);
  assert.deepEqual(result.statusResult.results.map((r) => [r.credentialStatus.statusPurpose, r.status]),
    [['revocation', false]]);
  assert.equal((await admin.get(`/api/certificates/${serial}/credential.json`)).status, 409);
  assert.equal((await admin.get(`/api/certificates/${serial}/credential.jwt`)).status, 409);
  const v = await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential }) });
  assert.equal(v.status, 200);
  assert.equal((await v.json()).verdict, 'suspended', 'a suspended certificate is not genuine online');
});
