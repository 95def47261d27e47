// The credential's VC-JOSE JWT form and the issuer's did:web, against the real daemon and
// with libraries ujikom did not write: `jose` verifies the JWT (ES256) with the one JWK its
// kid URL answers, `ajv` validates the payload against the 1EdTech OB 3.0
// AchievementCredential JSON schema (tests/fixtures/ob3/), the OB 3.0 JWT rules are checked
// here, did.json publishes every key as a Multikey that decodes to the JWKS's key (the
// Ed25519 ones exactly as @digitalbazaar/ed25519-multikey exports them), and a
// tampered payload or header is refused by jose, POST /api/verify and `ujikom verify`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { p256 } from '@noble/curves/p256';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

import { startDaemon, candidateClient, stopClean, cli, tmpDir, freePort, SOURCE_DIR, EXAMS_DIR, dbExec } from './lib/daemon.mjs';
import { loadExams, passExam } from './attempts-keys.mjs';

const HOLDER = 'Dewi Lestari <script>x</script>';
const exams = loadExams(EXAMS_DIR).filter((e) =>
  e.exam.units.every((u) => u.pools.every((p) => p.items.every((it) => it.type !== 'open'))));
const schema = JSON.parse(readFileSync(path.join(SOURCE_DIR, 'tests/fixtures/ob3/ob_v3p0_achievementcredential_schema.json'), 'utf8'));

let d; let port; let work; let cand; let cert; let jwt; let jwks; let did;

before(async () => {
  port = await freePort();
  work = tmpDir('ujikom-vcjwt-');
  d = await startDaemon({ args: ['--listen', `127.0.0.1:${port}`, '--public-url', `http://127.0.0.1:${port}`] });
  cand = await candidateClient(d, HOLDER);
  await passExam(cand, exams[0]);
  cert = (await cand.get('/api/certificates')).json.certificates[0];
  assert.ok(cert, 'the K attempt was certified');
  jwks = await (await fetch(`${d.url}/.well-known/jwks.json`)).json();
});

after(async () => {
  if (d) {
    await stopClean(d);
    d.cleanup();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

// base58btc (Bitcoin alphabet) of a "z" multibase text.
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58btc(text) {
  assert.equal(text[0], 'z');
  let n = 0n;
  for (const ch of text.slice(1)) {
    const v = B58.indexOf(ch);
    assert.ok(v >= 0, `base58 character ${ch}`);
    n = n * 58n + BigInt(v);
  }
  const bytes = [];
  while (n > 0n) { bytes.unshift(Number(n & 255n)); n >>= 8n; }
  for (const ch of text.slice(1)) { if (ch !== '1') break; bytes.unshift(0); }
  return Buffer.from(bytes);
}

function segments(token) {
  const [h, p, s] = token.split('.');
  return { h, p, s, header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')) };
}

async function verifyApi(credential) {
  const r = await fetch(`${d.url}/api/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ credential }) });
  assert.equal(r.status, 200);
  return r.json();
}

test('the JWKS publishes a P-256 key beside the Ed25519 one, and each kid URL answers its one JWK', async () => {
  const ec = jwks.keys.filter((k) => k.kty === 'EC');
  const okp = jwks.keys.filter((k) => k.kty === 'OKP');
  assert.equal(ec.length, 1);
  assert.equal(okp.length, 1);
  assert.deepEqual(Object.keys(ec[0]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  assert.equal(ec[0].crv, 'P-256');
  assert.equal(ec[0].alg, 'ES256');
  for (const k of jwks.keys) {
    const r = await fetch(`${d.url}/api/keys/${k.kid}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/jwk+json');
    assert.deepEqual(await r.json(), k);
  }
  assert.equal((await fetch(`${d.url}/api/keys/AAAAAAAA`)).status, 404);
  assert.ok([400, 404].includes((await fetch(`${d.url}/api/keys/..%2Fx`)).status), 'no path tricks');
  // the private halves are files of mode 0600 under the data directory, one per kind
  const list = cli(['keys', 'list'], { dataDir: d.dataDir });
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`^\\* ${okp[0].kid}$`, 'm'));
  assert.match(list.stdout, new RegExp(`^ES256 .*\\n\\* ${ec[0].kid}$`, 'm'));
});

test('/.well-known/did.json names every key as a Multikey that decodes to the published key', async () => {
  const r = await fetch(`${d.url}/.well-known/did.json`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/did+json');
  const doc = await r.json();
  did = `did:web:127.0.0.1%3A${port}`;
  assert.equal(doc.id, did);
  assert.deepEqual(doc['@context'], ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1']);
  assert.equal(doc.verificationMethod.length, jwks.keys.length);
  for (const k of jwks.keys) {
    const vm = doc.verificationMethod.find((m) => m.id === `${did}#${k.kid}`);
    assert.ok(vm, `key ${k.kid} is a verification method`);
    assert.equal(vm.type, 'Multikey');
    assert.equal(vm.controller, did);
    assert.ok(doc.assertionMethod.includes(vm.id));
    const raw = base58btc(vm.publicKeyMultibase);
    if (k.kty === 'OKP') {
      // Digital Bazaar's Multikey library makes the same verification method from the JWK
      const key = await Ed25519Multikey.fromJwk({ jwk: k, id: vm.id, controller: did });
      const { '@context': _, ...exported } = await key.export({ publicKey: true, includeContext: true });
      assert.deepEqual(exported, vm);
      assert.match(vm.publicKeyMultibase, /^z6Mk/);
      assert.deepEqual([...raw.subarray(0, 2)], [0xed, 0x01]);
      assert.deepEqual(raw.subarray(2), Buffer.from(k.x, 'base64url'));
    } else {
      assert.match(vm.publicKeyMultibase, /^zDn/);
      assert.deepEqual([...raw.subarray(0, 2)], [0x80, 0x24]);
      const point = p256.ProjectivePoint.fromHex(raw.subarray(2)).toRawBytes(false);
      assert.deepEqual(Buffer.from(point.subarray(1, 33)), Buffer.from(k.x, 'base64url'));
      assert.deepEqual(Buffer.from(point.subarray(33)), Buffer.from(k.y, 'base64url'));
    }
  }
});

test('the JWT verifies with jose under the key its kid URL answers', async () => {
  const r = await cand.get(`/api/certificates/${cert.serial}/credential.jwt`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/vc+jwt');
  jwt = r.text;
  const { header, s } = segments(jwt);
  assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ']);
  assert.equal(header.alg, 'ES256');
  assert.equal(header.typ, 'JWT');
  assert.equal(header.kid, `http://127.0.0.1:${port}/api/keys/${jwks.keys.find((k) => k.kty === 'EC').kid}`);
  assert.equal(Buffer.from(s, 'base64url').length, 64, 'raw r || s, not DER');
  const kr = await fetch(header.kid);
  assert.equal(kr.status, 200);
  const key = await jose.importJWK(await kr.json(), 'ES256');
  const { payload, protectedHeader } = await jose.jwtVerify(jwt, key, { typ: 'JWT', algorithms: ['ES256'] });
  assert.equal(protectedHeader.kid, header.kid);
  assert.equal(payload.jti, `http://127.0.0.1:${port}/credentials/${cert.serial}`);
  // the same text every time it is asked for
  assert.equal((await cand.get(`/api/certificates/${cert.serial}/credential.jwt`)).text, jwt);
  // the same access rules as credential.json and the EdDSA credential
  const other = await candidateClient(d, 'Budi Santoso');
  assert.equal((await other.get(`/api/certificates/${cert.serial}/credential.jwt`)).status, 404);
  assert.equal((await fetch(`${d.url}/api/certificates/${cert.serial}/credential.jwt`)).status, 401);
});

test('the payload passes the 1EdTech OB 3.0 AchievementCredential JSON schema', () => {
  const { payload } = segments(jwt);
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  assert.ok(validate(payload), JSON.stringify(validate.errors, null, 1));
});

test('the payload is the OB 3.0 credential and follows the OB 3.0 JWT rules', () => {
  const { payload } = segments(jwt);
  assert.deepEqual(payload['@context'].slice(0, 2), ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
  assert.ok(payload.type.includes('VerifiableCredential') && payload.type.includes('AchievementCredential'));
  assert.equal(payload.proof, undefined, 'the JWT carries the credential without its embedded proof');
  assert.equal(payload.iss, payload.issuer.id, 'iss = issuer id');
  assert.equal(payload.iss, did);
  const hashed = payload.credentialSubject.identifier.find((i) => i.hashed);
  assert.equal(payload.sub, payload.credentialSubject.id ?? hashed.identityHash, 'sub = subject id or identifier');
  assert.match(payload.sub, /^sha256\$[0-9a-f]{64}$/, 'never the e-mail address in clear');
  assert.equal(payload.nbf, Date.parse(payload.validFrom) / 1000, 'nbf = validFrom');
  assert.equal(payload.exp, Date.parse(payload.validUntil) / 1000, 'exp = validUntil');
  assert.equal(payload.jti, payload.id, 'jti = id');
  assert.ok(payload.credentialSubject.identifier.some((i) => !i.hashed && i.identityHash === HOLDER));
});

test('POST /api/verify and ujikom verify judge the JWT genuine, and the EdDSA credential keeps verifying', async () => {
  const a = await verifyApi(jwt);
  assert.equal(a.verdict, 'genuine', JSON.stringify(a).slice(0, 300));
  assert.equal(a.serial ?? a.claims?.serial ?? cert.serial, cert.serial);
  const old = (await cand.get(`/api/certificates/${cert.serial}/credential`)).text;
  assert.equal((await verifyApi(old)).verdict, 'genuine');
  const jwksPath = path.join(work, 'jwks.json');
  writeFileSync(jwksPath, JSON.stringify(jwks));
  const file = path.join(work, 'credential.jwt');
  writeFileSync(file, `${jwt}\n`);
  const off = cli(['verify', '--jwks', jwksPath, file]);
  assert.equal(off.status, 0, off.stdout + off.stderr);
  assert.match(off.stdout, /GENUINE - valid/);
  assert.match(off.stdout, new RegExp(cert.serial));
  assert.match(off.stdout, /JWT \(credential, ES256\)/);
  // with the keys of the data directory too
  const local = cli(['verify', file], { dataDir: d.dataDir });
  assert.equal(local.status, 0, local.stdout + local.stderr);
  // and the status list the credential names, fetched from the service
  const st = cli(['verify', '--jwks', jwksPath, '--status-list', `${d.url}/status/revocation`, file]);
  assert.equal(st.status, 0, st.stdout + st.stderr);
  assert.match(st.stdout, /Status \(revocation\):\s+tidak dicabut \/ not revoked/);
});

test('a tampered payload or header is refused by jose, POST /api/verify and ujikom verify', async () => {
  const { h, p, s, header, payload } = segments(jwt);
  const key = await jose.importJWK(jwks.keys.find((k) => k.kty === 'EC'), 'ES256');
  const forgedPayload = Buffer.from(JSON.stringify({ ...payload, validUntil: '2099-01-01T00:00:00Z', exp: 4070908800 })).toString('base64url');
  const forgedHeader = Buffer.from(JSON.stringify({ ...header, typ: 'vc+jwt' })).toString('base64url');
  const flipped = p.slice(0, 40) + (p[40] === 'A' ? 'B' : 'A') + p.slice(41);
  const jwksPath = path.join(work, 'jwks.json');
  for (const [what, bad] of [['payload', `${h}.${forgedPayload}.${s}`], ['header', `${forgedHeader}.${p}.${s}`],
    ['one character', `${h}.${flipped}.${s}`], ['signature', `${h}.${p}.${s.slice(0, -4)}AAAA`]]) {
    await assert.rejects(jose.jwtVerify(bad, key, { algorithms: ['ES256'] }), `jose refuses the ${what}`);
    const a = await verifyApi(bad);
    assert.equal(a.verdict, 'not_genuine', `${what}: ${JSON.stringify(a).slice(0, 200)}`);
    assert.ok(['bad_signature', 'malformed'].includes(a.reason_code), `${what}: ${a.reason_code}`);
    const file = path.join(work, 'bad.jwt');
    writeFileSync(file, bad);
    const off = cli(['verify', '--jwks', jwksPath, file]);
    assert.equal(off.status, 1, `${what}: ${off.stdout}`);
    assert.match(off.stdout, /NOT GENUINE/);
  }
});

test('one verdict for the JSON-LD form too: POST /api/verify with the object, and ujikom verify of a .json', async () => {
  const r = await cand.get(`/api/certificates/${cert.serial}/credential.json`);
  assert.equal(r.status, 200, r.text);
  const doc = JSON.parse(r.text);
  const a = await verifyApi(doc);
  assert.equal(a.verdict, 'genuine', JSON.stringify(a).slice(0, 300));
  const altered = structuredClone(doc);
  altered.credentialSubject.identifier.find((i) => !i.hashed).identityHash = 'Dewi Lestarí';
  const b = await verifyApi(altered);
  assert.equal(b.verdict, 'not_genuine');
  assert.equal(b.reason_code, 'bad_signature');
  const jwksPath = path.join(work, 'jwks.json');
  const file = path.join(work, 'credential.json');
  writeFileSync(file, r.text);
  const off = cli(['verify', '--jwks', jwksPath, file]);
  assert.equal(off.status, 0, off.stdout + off.stderr);
  assert.match(off.stdout, /JSON-LD \(credential, eddsa-rdfc-2022\)/);
  assert.match(off.stdout, new RegExp(cert.serial));
  writeFileSync(file, JSON.stringify(altered));
  const bad = cli(['verify', '--jwks', jwksPath, file]);
  assert.equal(bad.status, 1, bad.stdout);
  assert.match(bad.stdout, /NOT GENUINE/);
});

test('a JWT signed with the issuer key that the register did not issue raises the alarm', async () => {
  // The P-256 private key is the issuer's (read from the data directory, as a thief would):
  // a JWT for the real serial with another holder is signed correctly yet not issued.
  const kid = jwks.keys.find((k) => k.kty === 'EC').kid;
  const pem = readFileSync(path.join(d.dataDir, 'keys', 'es256', `${kid}.pem`), 'utf8');
  const key = await jose.importPKCS8(pem, 'ES256');
  const { header, payload } = segments(jwt);
  payload.credentialSubject.identifier.find((i) => !i.hashed).identityHash = 'Orang Lain';
  const forged = await new jose.SignJWT(payload).setProtectedHeader(header).sign(key);
  await jose.jwtVerify(forged, await jose.importJWK(jwks.keys.find((k) => k.kty === 'EC'), 'ES256'));
  const a = await verifyApi(forged);
  assert.equal(a.verdict, 'not_genuine');
  assert.equal(a.reason_code, 'claims_differ');
  const rows = dbExec(d.dataDir,
    `SELECT count(*) FROM audit_log WHERE action = 'certificate.forgery' AND subject = 'certificate:${cert.serial}'`);
  assert.equal(rows.status, 0, rows.stderr);
  assert.equal(rows.stdout.trim(), '1');
});

test('a DID the holder binds becomes the JWT subject; the JWT issued before keeps verifying', async () => {
  const bind = await cand.put('/api/me/did', { did: 'did:example:dewi123' });
  assert.equal(bind.status, 200, bind.text);
  const fresh = (await cand.get(`/api/certificates/${cert.serial}/credential.jwt`)).text;
  assert.notEqual(fresh, jwt);
  const { payload } = segments(fresh);
  assert.equal(payload.sub, 'did:example:dewi123');
  assert.equal(payload.credentialSubject.id, 'did:example:dewi123');
  const json = JSON.parse((await cand.get(`/api/certificates/${cert.serial}/credential.json`)).text);
  const { proof, ...document } = json;
  assert.ok(proof);
  const { iss, sub, nbf, exp, jti, ...carried } = payload;
  assert.deepEqual(carried, document, 'the JWT carries the JSON-LD credential\'s document');
  assert.equal((await verifyApi(fresh)).verdict, 'genuine');
  assert.equal((await verifyApi(jwt)).verdict, 'genuine', 'the JWT downloaded before still verifies');
  assert.equal((await cand.get(`/api/certificates/${cert.serial}/credential.jwt`)).text, fresh, 'kept');
});

test('retiring the P-256 key as compromised: a new key signs, the old one is marked in the JWKS and did.json', async () => {
  const old = jwks.keys.find((k) => k.kty === 'EC').kid;
  const r = cli(['keys', 'retire', old, '--compromised-since', new Date().toISOString()], { dataDir: d.dataDir });
  assert.equal(r.status, 0, r.stderr);
  const active = r.stdout.match(/active key ([A-Z2-7]{8})/)[1];
  assert.notEqual(active, old);
  d.proc.kill('SIGHUP');
  let keys;
  for (let i = 0; i < 200; i++) {
    keys = await (await fetch(`${d.url}/.well-known/jwks.json`)).json();
    if (keys.keys.some((k) => k.kid === active)) break;
    await new Promise((res) => setTimeout(res, 25));
  }
  assert.ok(keys.keys.find((k) => k.kid === old).revoked, 'the stolen key is marked revoked');
  const didDoc = await (await fetch(`${d.url}/.well-known/did.json`)).json();
  assert.ok(didDoc.verificationMethod.find((m) => m.id.endsWith(`#${old}`)).revoked);
  assert.ok(didDoc.verificationMethod.find((m) => m.id.endsWith(`#${active}`)));
  // the JWT issued (and logged) before the compromise stays genuine
  assert.equal((await verifyApi(jwt)).verdict, 'genuine');
  // a new certificate's JWT is signed with the new key
  const c2 = await candidateClient(d, 'Rahmat Hidayat');
  await passExam(c2, exams[1]);
  const serial2 = (await c2.get('/api/certificates')).json.certificates[0].serial;
  const jwt2 = (await c2.get(`/api/certificates/${serial2}/credential.jwt`)).text;
  assert.ok(segments(jwt2).header.kid.endsWith(`/api/keys/${active}`));
  assert.equal((await verifyApi(jwt2)).verdict, 'genuine');
});
