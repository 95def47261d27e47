/*
 * Moodle XML (<quiz><question type="...">...) to ujikom items. The file is read with the
 * item banks' safe XML reader (no document type, so no entities; bounded depth); each
 * <question> is collected (its texts, answers, options) and mapped when it ends, so every
 * question is either emitted or reported as not mapped with its line and the reason. Text
 * in HTML format keeps its words only (tags dropped, entities decoded).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "itembank_internal.h"

#define MX_MAX_ANSWERS 64u

enum mx_field {
  MX_NONE,
  MX_NAME,
  MX_QUESTION,
  MX_GENERAL,
  MX_ANSWER,
  MX_TOLERANCE,
  MX_SINGLE,
  MX_USECASE,
  MX_UNIT_NAME,
  MX_MULTIPLIER,
  MX_CATEGORY,
};

struct mx_answer {
  char *text;
  bool html;
  double fraction;
  bool feedback;
  double tolerance;
};

struct mx {
  struct imp *imp;
  struct ib_xml x;
  bool seen_root;
  /* the question being read */
  bool in_question;
  unsigned qline;
  char *qtype;
  char *name;
  char *prompt;
  bool prompt_html;
  char *general;
  bool general_html;
  struct mx_answer answers[MX_MAX_ANSWERS];
  size_t nanswers;
  size_t extra_answers; /* past MX_MAX_ANSWERS */
  bool in_answer;
  bool single;
  bool usecase;
  char *unit; /* the first unit with multiplier 1 */
  char *unit_name;
  double unit_multiplier; /* of the <unit> being read */
  char *category;
  /* the element whose text is being collected */
  enum mx_field field;
  bool field_html;
  const char *parent; /* the element holding the <text> being read */
  char stack[IB_XML_MAX_DEPTH + 1][24];
  struct growbuf text;
};

static void question_reset(struct mx *m) {
  free(m->qtype);
  free(m->name);
  free(m->prompt);
  free(m->general);
  free(m->unit);
  free(m->unit_name);
  free(m->category);
  for (size_t i = 0; i < m->nanswers; i++) {
    free(m->answers[i].text);
  }
  m->qtype = m->name = m->prompt = m->general = m->unit = m->unit_name = m->category = NULL;
  m->nanswers = m->extra_answers = 0;
  m->single = true;
  m->usecase = m->in_answer = false;
}

static const char *parent_of(const struct mx *m, unsigned up) {
  return m->x.depth > up ? m->stack[m->x.depth - up] : "";
}

static bool is_html_format(const char **atts, bool dflt) {
  const char *f = ib_xml_attr(atts, "format");
  return f == NULL ? dflt : strcmp(f, "html") == 0;
}

static void on_start(struct ib_xml *x, const char *name, const char **atts) {
  struct mx *m = x->ud;
  snprintf(m->stack[x->depth], sizeof(m->stack[0]), "%s", name);
  if (!m->seen_root) {
    m->seen_root = true;
    if (strcmp(name, "quiz") != 0) {
      ib_xml_fail(x, "not a Moodle XML file: the root element is not <quiz>");
    }
    return;
  }
  if (x->depth == 2) {
    if (strcmp(name, "question") != 0) {
      ib_xml_fail(x, "<quiz> holds an element other than <question>");
      return;
    }
    question_reset(m);
    m->in_question = true;
    m->qline = ib_xml_line(x);
    m->qtype = ib_dup(ib_xml_attr(atts, "type"));
    return;
  }
  if (!m->in_question) {
    return;
  }
  const char *parent = parent_of(m, 1);
  m->field = MX_NONE;
  if (x->depth == 3 && strcmp(name, "answer") == 0) {
    m->in_answer = true;
    if (m->nanswers == MX_MAX_ANSWERS) {
      m->extra_answers++;
      return;
    }
    struct mx_answer *a = &m->answers[m->nanswers++];
    memset(a, 0, sizeof(*a));
    const char *fr = ib_xml_attr(atts, "fraction");
    char *end = NULL;
    a->fraction = fr == NULL ? 0 : strtod(fr, &end);
    if (fr != NULL && (end == fr || !isfinite(a->fraction))) {
      a->fraction = NAN;
    }
    a->html = is_html_format(atts, false);
    return;
  }
  if (strcmp(name, "feedback") == 0 && m->in_answer && m->nanswers > 0) {
    m->answers[m->nanswers - 1].feedback = true;
  }
  if (x->depth == 3) {
    if (strcmp(name, "questiontext") == 0) {
      m->prompt_html = is_html_format(atts, true);
    } else if (strcmp(name, "generalfeedback") == 0) {
      m->general_html = is_html_format(atts, true);
    } else if (strcmp(name, "single") == 0) {
      m->field = MX_SINGLE;
    } else if (strcmp(name, "usecase") == 0) {
      m->field = MX_USECASE;
    }
  } else if (strcmp(name, "text") == 0 && x->depth == 4) {
    if (strcmp(parent, "name") == 0) {
      m->field = MX_NAME;
    } else if (strcmp(parent, "questiontext") == 0) {
      m->field = MX_QUESTION;
    } else if (strcmp(parent, "generalfeedback") == 0) {
      m->field = MX_GENERAL;
    } else if (strcmp(parent, "answer") == 0) {
      m->field = MX_ANSWER;
    } else if (strcmp(parent, "category") == 0) {
      m->field = MX_CATEGORY;
    }
  } else if (x->depth == 4 && strcmp(parent, "answer") == 0 && strcmp(name, "tolerance") == 0) {
    m->field = MX_TOLERANCE;
  } else if (x->depth == 5 && strcmp(parent, "unit") == 0) {
    m->field = strcmp(name, "unit_name") == 0    ? MX_UNIT_NAME
               : strcmp(name, "multiplier") == 0 ? MX_MULTIPLIER
                                                 : MX_NONE;
  }
  m->text.len = 0;
  if (m->text.p != NULL) {
    m->text.p[0] = '\0';
  }
}

static void on_text(struct ib_xml *x, const char *s, size_t len) {
  struct mx *m = x->ud;
  if (m->field != MX_NONE) {
    growbuf_add(&m->text, s, len);
  }
}

static char *take_text(struct mx *m) {
  char *t = ib_dup(m->text.p == NULL ? "" : m->text.p);
  if (t == NULL) {
    m->imp->oom = true;
  }
  return t;
}

static bool truthy(const char *s) {
  return strcmp(s, "true") == 0 || strcmp(s, "1") == 0;
}

static double number_or_nan(const char *s) {
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  while (end != NULL && ib_is_space(*end)) {
    end++;
  }
  return (end == s || end == NULL || *end != '\0' || errno != 0 || !isfinite(v)) ? NAN : v;
}

static void field_done(struct mx *m) {
  if (m->text.failed) {
    m->imp->oom = true;
    return;
  }
  const char *t = m->text.p == NULL ? "" : m->text.p;
  char *copy = NULL;
  switch (m->field) {
  case MX_NONE:
    return;
  case MX_NAME:
    free(m->name);
    m->name = take_text(m);
    if (m->name != NULL) {
      ib_trim(m->name);
    }
    break;
  case MX_QUESTION:
    free(m->prompt);
    m->prompt = take_text(m);
    break;
  case MX_GENERAL:
    free(m->general);
    m->general = take_text(m);
    break;
  case MX_ANSWER:
    if (m->nanswers > 0 && m->extra_answers == 0 && m->answers[m->nanswers - 1].text == NULL) {
      m->answers[m->nanswers - 1].text = take_text(m);
    }
    break;
  case MX_TOLERANCE:
    if (m->nanswers > 0) {
      m->answers[m->nanswers - 1].tolerance = number_or_nan(t);
    }
    break;
  case MX_SINGLE:
    copy = take_text(m);
    m->single = copy == NULL || truthy(ib_trim(copy));
    break;
  case MX_USECASE:
    copy = take_text(m);
    m->usecase = copy != NULL && truthy(ib_trim(copy));
    break;
  case MX_UNIT_NAME:
    free(m->unit_name);
    m->unit_name = take_text(m);
    break;
  case MX_MULTIPLIER:
    m->unit_multiplier = number_or_nan(t);
    break;
  case MX_CATEGORY:
    free(m->category);
    m->category = take_text(m);
    break;
  }
  free(copy);
  m->field = MX_NONE;
}

/* Plain text of a Moodle text field (HTML: words only); NULL when out of memory. */
static char *plain(struct mx *m, const char *s, bool html, bool *had_markup) {
  struct growbuf b = {.max = IMPORT_TEXT_MAX};
  if (html) {
    ib_html_text(&b, s == NULL ? "" : s, had_markup);
  } else {
    growbuf_str(&b, s == NULL ? "" : s);
  }
  char *out = growbuf_take(&b, NULL);
  if (out == NULL && !b.failed) {
    out = ib_dup("");
  }
  if (out == NULL) {
    m->imp->oom = true;
    free(b.p);
    return NULL;
  }
  return ib_trim(out);
}

static bool has_wildcard(const char *s) {
  for (; *s != '\0'; s++) {
    if (*s == '\\' && s[1] != '\0') {
      s++;
    } else if (*s == '*') {
      return true;
    }
  }
  return false;
}

/* Moodle escapes * as \* in short answers: the literal text. */
static void unescape_star(char *s) {
  char *w = s;
  for (; *s != '\0'; s++) {
    if (*s == '\\' && s[1] == '*') {
      s++;
    }
    *w++ = *s;
  }
  *w = '\0';
}

static const char *map_choice(struct mx *m, struct ib_item *it, bool *html, const char **note) {
  if (m->nanswers + m->extra_answers > MAX_OPTIONS) {
    return "more than 8 options";
  }
  if (m->nanswers < 2) {
    return "fewer than 2 options";
  }
  size_t full = 0, partial = 0;
  for (size_t i = 0; i < m->nanswers; i++) {
    const struct mx_answer *a = &m->answers[i];
    if (isnan(a->fraction)) {
      return "an answer fraction is not a number";
    }
    it->options[i] = plain(m, a->text, a->html, html);
    if (it->options[i] == NULL) {
      return "out of memory";
    }
    it->noptions++;
    full += a->fraction >= 100;
    partial += a->fraction > 0 && a->fraction < 100;
  }
  if (m->single) {
    if (full != 1) {
      return full == 0 ? "no answer earns full marks" : "more than one answer earns full marks";
    }
    for (size_t i = 0; i < m->nanswers; i++) {
      it->correct[i] = m->answers[i].fraction >= 100;
    }
    it->type = EXAM_ITEM_SINGLE;
    if (partial > 0) {
      *note = "partial-credit answers count as wrong (ujikom keeps one key)";
    }
    return NULL;
  }
  for (size_t i = 0; i < m->nanswers; i++) {
    it->correct[i] = m->answers[i].fraction > 0;
  }
  it->type = EXAM_ITEM_MULTIPLE;
  *note = "answer fractions replaced by ujikom's partial credit";
  return (full + partial) == 0 ? "no answer is marked correct" : NULL;
}

static const char *map_question(struct mx *m, struct ib_item *it, bool *html, const char **note) {
  const char *t = m->qtype;
  if (strcmp(t, "multichoice") == 0) {
    return map_choice(m, it, html, note);
  }
  if (strcmp(t, "truefalse") == 0) {
    int key = -1;
    for (size_t i = 0; i < m->nanswers; i++) {
      char *a = plain(m, m->answers[i].text, m->answers[i].html, html);
      if (a == NULL) {
        return "out of memory";
      }
      bool is_true = strcmp(a, "true") == 0 || strcmp(a, "True") == 0;
      bool is_false = strcmp(a, "false") == 0 || strcmp(a, "False") == 0;
      free(a);
      if (!is_true && !is_false) {
        return "a true/false answer is neither true nor false";
      }
      if (m->answers[i].fraction >= 100) {
        if (key >= 0) {
          return "both true and false earn full marks";
        }
        key = is_true;
      }
    }
    if (key < 0) {
      return "neither true nor false earns full marks";
    }
    it->type = EXAM_ITEM_TRUEFALSE;
    it->key_bool = key == 1;
    return NULL;
  }
  if (strcmp(t, "shortanswer") == 0) {
    bool dropped = false;
    for (size_t i = 0; i < m->nanswers; i++) {
      if (!(m->answers[i].fraction >= 100)) {
        dropped = true;
        continue;
      }
      char *a = plain(m, m->answers[i].text, m->answers[i].html, html);
      if (a == NULL) {
        return "out of memory";
      }
      if (has_wildcard(a)) {
        free(a);
        return "an accepted answer uses the * wildcard (ujikom matches whole answers)";
      }
      unescape_star(a);
      if (it->naccepted == MAX_ACCEPTED) {
        free(a);
        return "more than 32 accepted answers";
      }
      it->accepted[it->naccepted++] = a;
    }
    if (it->naccepted == 0) {
      return "no short answer earns full marks";
    }
    it->type = EXAM_ITEM_SHORT;
    *note = m->usecase ? "case-sensitive matching dropped (ujikom folds case)"
            : dropped  ? "partial-credit short answers dropped"
                       : NULL;
    return NULL;
  }
  if (strcmp(t, "numerical") == 0) {
    size_t full = 0;
    bool dropped = false;
    for (size_t i = 0; i < m->nanswers; i++) {
      const struct mx_answer *a = &m->answers[i];
      if (!(a->fraction >= 100)) {
        dropped = true;
        continue;
      }
      char *txt = plain(m, a->text, a->html, html);
      if (txt == NULL) {
        return "out of memory";
      }
      it->value = number_or_nan(txt);
      free(txt);
      it->tolerance = a->tolerance;
      full++;
    }
    if (full != 1) {
      return full == 0 ? "no numeric answer earns full marks"
                       : "more than one numeric answer earns full marks (ujikom keeps one)";
    }
    if (isnan(it->value) || isnan(it->tolerance)) {
      return "the numeric answer or its tolerance is not a number";
    }
    it->type = EXAM_ITEM_NUMERIC;
    if (m->unit != NULL) {
      it->unit = ib_trim(m->unit);
      m->unit = NULL;
    }
    if (dropped) {
      *note = "partial-credit numeric answers dropped";
    }
    return NULL;
  }
  if (strcmp(t, "essay") == 0) {
    it->type = EXAM_ITEM_OPEN;
    *note = "essay: a one-criterion placeholder rubric (1 point) was added; write the real one";
    return NULL;
  }
  if (strcmp(t, "ordering") == 0) {
    if (m->nanswers + m->extra_answers > MAX_OPTIONS || m->nanswers < 2) {
      return m->nanswers < 2 ? "fewer than 2 options" : "more than 8 options";
    }
    for (size_t i = 0; i < m->nanswers; i++) {
      it->options[i] = plain(m, m->answers[i].text, m->answers[i].html, html);
      if (it->options[i] == NULL) {
        return "out of memory";
      }
      it->noptions++;
      it->key[it->nkey++] = i; /* Moodle lists the items in their correct order */
    }
    it->type = EXAM_ITEM_ORDERING;
    return NULL;
  }
  if (strcmp(t, "matching") == 0 || strcmp(t, "randomsamatch") == 0) {
    return "matching question: ujikom has no matching item type";
  }
  if (strcmp(t, "description") == 0) {
    return "description: nothing to answer";
  }
  if (strcmp(t, "cloze") == 0 || strcmp(t, "multianswer") == 0) {
    return "cloze (embedded answers): ujikom items have one answer; split it into questions";
  }
  if (strncmp(t, "calculated", 10) == 0) {
    return "calculated question: ujikom has no computed answers";
  }
  if (strcmp(t, "random") == 0) {
    return "random question: a placeholder, not a question";
  }
  return "this question type has no ujikom item type";
}

static void question_done(struct mx *m) {
  struct imp *imp = m->imp;
  if (m->qtype == NULL) {
    ib_report_unmapped(imp, m->qline, m->name, "a question without a type attribute");
    return;
  }
  if (strcmp(m->qtype, "category") == 0) {
    char *c = m->category == NULL ? NULL : ib_trim(m->category);
    ib_set_category(imp, c);
    return;
  }
  struct ib_item it = {.line = m->qline};
  bool html = false;
  const char *note = NULL;
  const char *why = NULL;
  it.prompt = plain(m, m->prompt, m->prompt_html, &html);
  if (it.prompt == NULL) {
    why = "out of memory";
  } else {
    why = map_question(m, &it, &html, &note);
  }
  if (why == NULL && m->general != NULL) {
    it.explanation = plain(m, m->general, m->general_html, &html);
  }
  bool feedback = false;
  for (size_t i = 0; i < m->nanswers; i++) {
    feedback = feedback || m->answers[i].feedback;
  }
  if (why == NULL && note == NULL && feedback) {
    note = "answer feedback dropped";
  }
  if (why == NULL && note == NULL && html) {
    note = "HTML markup removed (the text is kept)";
  }
  if (why != NULL) {
    ib_report_unmapped(imp, m->qline, m->name, why);
    ib_item_clear(&it);
  } else {
    ib_emit_item(imp, &it, m->name, note);
  }
}

static void on_end(struct ib_xml *x, const char *name) {
  struct mx *m = x->ud;
  if (!m->in_question) {
    return;
  }
  if (x->depth == 1 && strcmp(name, "question") == 0) {
    question_done(m);
    question_reset(m);
    m->in_question = false;
    if (m->imp->oom || m->imp->too_many) {
      ib_xml_fail(x, m->imp->oom ? "out of memory" : "too many questions");
    }
    return;
  }
  if (x->depth == 2 && strcmp(name, "answer") == 0) {
    m->in_answer = false;
  }
  if (x->depth == 3 && strcmp(name, "unit") == 0) {
    if (m->unit == NULL && m->unit_name != NULL && m->unit_multiplier == 1.0) {
      m->unit = m->unit_name;
      m->unit_name = NULL;
    }
    free(m->unit_name);
    m->unit_name = NULL;
    m->unit_multiplier = 0;
    return;
  }
  field_done(m);
}

void moodle_xml_parse(struct imp *imp, const char *buf, size_t len) {
  struct mx m = {.imp = imp, .text = {.max = IMPORT_TEXT_MAX}, .single = true};
  m.x.ud = &m;
  m.x.start = on_start;
  m.x.end = on_end;
  m.x.text = on_text;
  int rc = ib_xml_parse(&m.x, buf, len);
  if (rc != 0 && !imp->too_many) {
    IMP_ERR(imp, m.x.error_line, m.x.error_col, "%s", m.x.error);
  }
  question_reset(&m);
  free(m.text.p);
}
