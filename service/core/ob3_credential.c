/*
 * The Open Badges 3.0 AchievementCredential of a certificate (VC Data Model 2.0), the issuer's
 * did:web, and the salted hash that identifies the holder by e-mail without carrying it.
 * Members are added in a fixed order so that the same facts dump to the same bytes.
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cert_internal.h"
#include "ujikom/ob3.h"
#include "ujikom/timefmt.h"
#include "ujikom/urlenc.h"

#define OB3_IMAGE_PATH "/static/badge.svg"

static bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '-' == c ||
         '.' == c || '_' == c || '~' == c;
}

int ob3_did_web(char *out, size_t size, const char *public_url) {
  const char *p = NULL;
  if (0 == strncmp(public_url, "https://", 8)) {
    p = public_url + 8;
  } else if (0 == strncmp(public_url, "http://", 7)) {
    p = public_url + 7;
  } else {
    return -1;
  }
  int n = snprintf(out, size, "did:web:");
  if (n < 0 || (size_t)n >= size) {
    return -1;
  }
  size_t pos = (size_t)n;
  size_t hostlen = strcspn(p, "/?#");
  if (0 == hostlen || '\0' != p[strcspn(p, "?#")]) {
    return -1; /* no host, or a query or fragment */
  }
  for (size_t i = 0; i < hostlen; i++) {
    unsigned char c = (unsigned char)p[i];
    if (':' == c) {
      if (pos + 3 >= size) {
        return -1;
      }
      memcpy(out + pos, "%3A", 3);
      pos += 3;
    } else if (unreserved(c)) {
      if (pos + 1 >= size) {
        return -1;
      }
      out[pos++] = (char)c;
    } else {
      return -1; /* user info, brackets or escapes in the host: not one did:web can name */
    }
  }
  out[pos] = '\0';
  for (const char *seg = p + hostlen; '/' == *seg;) {
    seg++;
    size_t len = strcspn(seg, "/");
    if (0 == len) {
      if ('\0' == seg[0]) {
        break; /* a trailing slash */
      }
      return -1;
    }
    char part[256];
    if (len >= sizeof part || pos + 1 >= size) {
      return -1;
    }
    memcpy(part, seg, len);
    part[len] = '\0';
    out[pos++] = ':';
    out[pos] = '\0';
    if (!url_percent_encode(out, size, &pos, part)) {
      return -1;
    }
    seg += len;
  }
  return 0;
}

int ob3_verification_method(char *out, size_t size, const char *public_url, const char *kid) {
  if (0 != ob3_did_web(out, size, public_url)) {
    return -1;
  }
  size_t pos = strlen(out);
  int n = snprintf(out + pos, size - pos, "#%s", kid);
  return (n < 0 || (size_t)n >= size - pos) ? -1 : 0;
}

int ob3_email_hash(char out[OB3_EMAIL_HASH_LEN + 1], const char *email, const char *salt) {
  static const char hex[] = "0123456789abcdef";
  unsigned char md[32];
  unsigned int mdlen = 0;
  size_t start = strspn(email, " \t"), end = strlen(email);
  while (end > start && (' ' == email[end - 1] || '\t' == email[end - 1])) {
    end--;
  }
  if (end == start) {
    return -1;
  }
  size_t len = end - start, slen = strlen(salt);
  char *buf = malloc(len + slen + 1);
  if (NULL == buf) {
    return -1;
  }
  for (size_t i = 0; i < len; i++) {
    char c = email[start + i];
    buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  memcpy(buf + len, salt, slen);
  int ok = EVP_Digest(buf, len + slen, md, &mdlen, EVP_sha256(), NULL);
  free(buf);
  if (1 != ok || sizeof md != mdlen) {
    return -1;
  }
  memcpy(out, "sha256$", 7);
  for (size_t i = 0; i < sizeof md; i++) {
    out[7 + 2 * i] = hex[md[i] >> 4];
    out[8 + 2 * i] = hex[md[i] & 15];
  }
  out[OB3_EMAIL_HASH_LEN] = '\0';
  return 0;
}

int ob3_salt_generate(char out[OB3_SALT_LEN + 1]) {
  static const char hex[] = "0123456789abcdef";
  unsigned char raw[OB3_SALT_LEN / 2];
  if (1 != RAND_bytes(raw, (int)sizeof raw)) {
    return -1;
  }
  for (size_t i = 0; i < sizeof raw; i++) {
    out[2 * i] = hex[raw[i] >> 4];
    out[2 * i + 1] = hex[raw[i] & 15];
  }
  out[OB3_SALT_LEN] = '\0';
  return 0;
}

/* "<base><path><escaped a>[/<escaped b>]" into out. false when it does not fit. */
static bool service_url(char *out, size_t size, const char *base, const char *path, const char *a,
                        const char *b) {
  int n = snprintf(out, size, "%s%s", base, path);
  if (n < 0 || (size_t)n >= size) {
    return false;
  }
  size_t pos = (size_t)n;
  if (!url_percent_encode(out, size, &pos, a)) {
    return false;
  }
  if (NULL != b) {
    if (pos + 1 >= size) {
      return false;
    }
    out[pos++] = '/';
    out[pos] = '\0';
    return url_percent_encode(out, size, &pos, b);
  }
  return true;
}

/* Takes a reference to v (json_object_set_new); false when v is NULL or setting failed. */
static bool put(json_t *obj, const char *key, json_t *v) {
  return NULL != v && 0 == json_object_set_new(obj, key, v);
}

static json_t *one_type(const char *type) {
  json_t *a = json_array();
  if (NULL != a && 0 != json_array_append_new(a, json_string(type))) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static json_t *alignments(const struct cert_claims *c, const char *base) {
  json_t *arr = json_array();
  char url[1024];
  for (size_t i = 0; NULL != arr && i < c->nunits; i++) {
    const struct cert_unit *u = &c->units[i];
    json_t *a = json_object();
    bool ok = NULL != a &&
              service_url(url, sizeof url, base, OB3_UNIT_PATH, c->scheme_id, u->code) &&
              put(a, "type", one_type("Alignment")) &&
              put(a, "targetName", json_string(u->title[0] ? u->title : u->code)) &&
              put(a, "targetUrl", json_string(url)) && put(a, "targetCode", json_string(u->code)) &&
              put(a, "targetFramework", json_string("SKKNI"));
    if (!ok || 0 != json_array_append_new(arr, a)) {
      if (!ok) {
        json_decref(a);
      }
      json_decref(arr);
      return NULL;
    }
  }
  return arr;
}

static json_t *achievement(const struct cert_claims *c, const char *base) {
  char url[1024];
  const char *title = c->scheme_title[0] ? c->scheme_title : c->scheme_id;
  json_t *a = json_object(), *criteria = json_object();
  bool ok =
      NULL != a && NULL != criteria &&
      service_url(url, sizeof url, base, OB3_UNIT_PATH, c->scheme_id, NULL) &&
      put(a, "id", json_string(url)) && put(a, "type", one_type("Achievement")) &&
      put(a, "achievementType", json_string("Certification")) &&
      put(a, "name", json_string(title)) &&
      put(a, "description",
          json_string("Sertifikat kompetensi berdasarkan SKKNI / Certificate of competence based "
                      "on SKKNI")) &&
      put(criteria, "narrative",
          json_string("Kompeten (K) pada semua unit kompetensi skema ini / Competent in every unit "
                      "of this scheme"));
  if (ok) {
    ok = put(a, "criteria", criteria);
    criteria = NULL;
  }
  ok = ok &&
       put(a, "fieldOfStudy",
           json_string(c->subsector_name[0] ? c->subsector_name : c->subsector)) &&
       put(a, "humanCode", json_string(c->scheme_id)) && put(a, "alignment", alignments(c, base));
  json_decref(criteria);
  if (!ok) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static json_t *identity(const char *type, const char *hash, bool hashed, const char *salt) {
  json_t *o = json_object();
  bool ok = NULL != o && put(o, "type", json_string("IdentityObject")) &&
            put(o, "identityHash", json_string(hash)) &&
            put(o, "identityType", json_string(type)) && put(o, "hashed", json_boolean(hashed)) &&
            (NULL == salt || put(o, "salt", json_string(salt)));
  if (!ok) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *subject(const struct ob3_facts *f, const char *base) {
  char hash[OB3_EMAIL_HASH_LEN + 1];
  const struct cert_claims *c = f->claims;
  if (0 != ob3_email_hash(hash, f->email, f->email_salt)) {
    return NULL;
  }
  json_t *s = json_object(), *ids = json_array();
  bool ok = NULL != s && NULL != ids &&
            (NULL == f->holder_did || '\0' == f->holder_did[0] ||
             put(s, "id", json_string(f->holder_did))) &&
            put(s, "type", one_type("AchievementSubject")) &&
            0 == json_array_append_new(ids, identity("name", c->holder, false, NULL)) &&
            0 == json_array_append_new(ids, identity("emailAddress", hash, true, f->email_salt));
  if (ok) {
    ok = put(s, "identifier", ids);
    ids = NULL;
  }
  ok = ok && put(s, "achievement", achievement(c, base));
  json_decref(ids);
  if (!ok) {
    json_decref(s);
    return NULL;
  }
  return s;
}

static json_t *issuer(const struct ob3_facts *f, const char *did) {
  const struct cert_claims *c = f->claims;
  json_t *p = json_object();
  bool ok = NULL != p && put(p, "id", json_string(did)) && put(p, "type", one_type("Profile")) &&
            put(p, "name", json_string(c->issuer_name[0] ? c->issuer_name : c->issuer_url)) &&
            put(p, "url", json_string(c->issuer_url));
  if (ok && NULL != f->issuer_licence && f->issuer_licence[0]) {
    json_t *entry = json_pack("[{s:s, s:s, s:s}]", "type", "IdentifierEntry", "identifier",
                              f->issuer_licence, "identifierType", "identifier");
    ok = put(p, "otherIdentifier", entry);
  }
  if (!ok) {
    json_decref(p);
    return NULL;
  }
  return p;
}

/* The credential's one credentialStatus entry: its bit in the revocation list. The 1EdTech
 * OB 3.0 schema allows a single CredentialStatus object, so suspension (the same index in the
 * suspension list) is not named here: the verify page and the JWS/COSE forms' status carry it. */
static json_t *status_entry(const struct cert_claims *c) {
  char list[512], id[560], index[24];
  int n = snprintf(list, sizeof list, "%s%s", c->issuer_url, CERT_STATUS_PATH_REVOCATION);
  if (n < 0 || (size_t)n >= sizeof list) {
    return NULL;
  }
  snprintf(index, sizeof index, "%llu", (unsigned long long)c->status_index);
  snprintf(id, sizeof id, "%s#%s", list, index);
  return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "type", "BitstringStatusListEntry",
                   "statusPurpose", "revocation", "statusListIndex", index, "statusListCredential",
                   list);
}

static bool facts_ok(const struct ob3_facts *f) {
  const struct cert_claims *c = f->claims;
  return NULL != c && 0 == cert_claims_check(c) && c->issuer_url[0] && NULL != f->email &&
         NULL != f->email_salt && f->email_salt[0] &&
         (NULL == f->issuer_licence ||
          cert_text_signable(f->issuer_licence, strlen(f->issuer_licence))) &&
         (NULL == f->holder_did || cert_text_signable(f->holder_did, strlen(f->holder_did)));
}

json_t *ob3_credential(const struct ob3_facts *f) {
  char did[OB3_DID_SIZE], id[512], image[512], name[300];
  char from[TIME_TEXT_SIZE], until[TIME_TEXT_SIZE];
  if (!facts_ok(f)) {
    return NULL;
  }
  const struct cert_claims *c = f->claims;
  const char *base = c->issuer_url;
  snprintf(name, sizeof name, "Sertifikat Kompetensi: %s",
           c->scheme_title[0] ? c->scheme_title : c->scheme_id);
  if (0 != ob3_did_web(did, sizeof did, base) ||
      !service_url(id, sizeof id, base, OB3_CREDENTIAL_PATH, c->serial, NULL) ||
      (size_t)snprintf(image, sizeof image, "%s%s", base, OB3_IMAGE_PATH) >= sizeof image ||
      0 == time_format(from, sizeof from, c->issued, TIME_ISO) ||
      0 == time_format(until, sizeof until, c->expires, TIME_ISO)) {
    return NULL;
  }
  json_t *vc = json_object();
  bool ok = NULL != vc &&
            put(vc, "@context",
                json_pack("[s, s, {s:s}]", OB3_CONTEXT_VC, OB3_CONTEXT_OB, OB3_SCHEMA_TYPE,
                          OB3_SCHEMA_TYPE_IRI)) &&
            put(vc, "id", json_string(id)) &&
            put(vc, "type", json_pack("[s, s]", "VerifiableCredential", "AchievementCredential")) &&
            put(vc, "issuer", issuer(f, did)) && put(vc, "validFrom", json_string(from)) &&
            put(vc, "validUntil", json_string(until)) &&
            put(vc, "awardedDate", json_string(from)) && put(vc, "name", json_string(name)) &&
            put(vc, "image", json_pack("{s:s, s:s}", "id", image, "type", "Image")) &&
            put(vc, "credentialSubject", subject(f, base)) &&
            put(vc, "credentialSchema",
                json_pack("[{s:s, s:s}]", "id", OB3_SCHEMA_URL, "type", OB3_SCHEMA_TYPE)) &&
            (!c->has_status || put(vc, "credentialStatus", status_entry(c)));
  if (!ok) {
    json_decref(vc);
    return NULL;
  }
  return vc;
}
