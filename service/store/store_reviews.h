/*
 * Reviews in the store: assessor claims, decisions per unit and overall (with history),
 * and appeals.
 */
#ifndef UJIKOM_STORE_REVIEWS_H
#define UJIKOM_STORE_REVIEWS_H

#endif
