/*
 * Attempts in the store: forms, saved answers, deadlines, results. Owned by the exam and
 * attempts engineer (fills this header and store_sqlite_attempts.c).
 */
#ifndef UJIKOM_STORE_ATTEMPTS_H
#define UJIKOM_STORE_ATTEMPTS_H

#endif
