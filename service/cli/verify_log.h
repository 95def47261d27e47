/*
 * `ujikom verify --log-proof FILE --log-key VKEY`: checks offline that a certificate's
 * issuance is in the public transparency log, with the inclusion proof its holder downloaded
 * beside the PDF (docs/transparency-log.md).
 */
#ifndef UJIKOM_CLI_VERIFY_LOG_H
#define UJIKOM_CLI_VERIFY_LOG_H

/* Checks the tlog-proof in proof_path for the certificate in text (a credential, a QR URL or
 * a QR token) under the log's verifier key vkey: the proof's entry is an issuance whose
 * commitment is the SHA-256 of exactly this credential or token, its checkpoint is signed by
 * vkey, and the inclusion proof leads to that checkpoint's root. Prints the result. Returns
 * 0 when proven, 1 when not, 2 when the proof file or key cannot be read. */
int verify_log_proof(const char *proof_path, const char *vkey, const char *text);

#endif
