/*
 * IMS QTI 3.0 out: an exam's items as qti-assessment-item documents (namespace
 * http://www.imsglobal.org/xsd/imsqtiasi_v3p0) and one qti-assessment-test whose sections
 * are the exam's units and pools (a pool's draw as qti-selection, an item's KUK ids as
 * categories of its item reference), in an IMS content package (a zip with imsmanifest.xml).
 * The way back in is itembank_import(ITEMBANK_QTI). docs/item-banks.md gives the mapping.
 */
#ifndef UJIKOM_QTI_H
#define UJIKOM_QTI_H

#include <stddef.h>

#include "ujikom/exam.h"
#include "ujikom/itembank.h"

#define QTI_NS_ITEM     "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
#define QTI_NS_MANIFEST "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"

/* Writes the package of exam into *out (*out_len bytes; the caller's, free with free()).
 * report lists every item of the exam (zero-initialise it; release with
 * itembank_report_clear): exported, with a note when something of it was not carried, or
 * not exported (an evidence item) with the reason; its category is "unit / pool". Returns
 * 0, or -1 (out of memory or a zip failure) with *out NULL and a line in errs. */
int qti_export(unsigned char **out, size_t *out_len, struct itembank_report *report,
               struct exam_errors *errs, const struct exam *exam);

#endif
