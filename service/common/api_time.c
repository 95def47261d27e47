/*
 * The API's time format as JSON (see api_time.h).
 */
#include "common/api_time.h"

#include "ujikom/timefmt.h"

json_t *json_time(int64_t ms) {
  char buf[TIME_TEXT_SIZE];
  if (ms <= 0 || 0 == time_format(buf, sizeof buf, ms / 1000, TIME_ISO)) {
    return json_null();
  }
  return json_string(buf);
}
