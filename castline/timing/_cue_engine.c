/* The native cue engine: castline.timing.segment's cut of a line into cues, in C.
 *
 * model(...).cut() is castline.timing.segment.cut_line after its words and their boundary
 * kinds: the line's offsets and planned times (_Words.of), its fills and reaches (_fills,
 * _reaches), the backwards search in integer units (_cheapest_cuts), the first cue and the
 * cheapest cuts from word 0 (_cut, _cheapest_cues), their ties settled by the forward
 * programme in floating point (_settle_ties, _cost: the same double operations in the same
 * order), the whole forward programme past _EXACT_LIMIT (_forward_cut), and each cue's display
 * lines (_runs, _layout, _two_liner, _break_lines). It returns each cue's lines and span.
 *
 * model(...).lines() and .cues() are castline.timing.cues.build_cues before its warnings' text
 * and a negative offset's clipping, in two steps so that the policies of one episode (SRT's and
 * WebVTT's) share the first. lines() prepares an episode's timed lines once: per line its
 * speaker's name and label (cues._pieces's names, by the speaker_name it is given), its words
 * split as str.split() splits them and joined, their boundary kinds from
 * castline.timing.boundaries' word cache (one lookup a word: its row and after class; the
 * classify it is given fills it, and keeps it bounded, for a line with a word not cached), their
 * offsets, planned times and break units. cues() cuts the prepared lines under a policy: per
 * line the label, the cut above (a line keeps its last cut, reused by a policy that cuts it
 * under the same rules: the same width, lines, durations and label room; and its last
 * backwards search, which does not depend on the first cue's room, for a policy that differs
 * only there) and the labels' timing (cues._label_timed); then over the whole episode cues._separate, _lengthen (_borrow)
 * and _make_gaps in int64_t, every sum checked; it returns the cues, made as cues.Cue's
 * __init__ makes them (each field stored in its slot), and each line cues._short_lines reports
 * with its shortest cue. A value that leaves 64 bits raises OverflowError: the caller builds
 * the episode with the Python engine.
 *
 * cheapest_cuts() is castline.timing.segment._cheapest_cuts with its scan (_scanner) and its
 * two-line layout (_two_liner) inlined: the backwards dynamic programme over a line's words,
 * the window of a cue's ends kept sorted by (ends[j], j), and the same integer cost units.
 * The Python functions are the reference: this one returns the same (ends, cheapest, least),
 * the same integers and the same lists in the same order. It, fills() and layout() are the
 * cut's pieces on their own, for the tests that compare each with its Python function.
 *
 * Floating point: Python's floats are C doubles and each Python operation is one correctly
 * rounded double operation; the cut's sums are written as the Python ones, operand by
 * operand, int64_t values converted where Python converts its ints, and setup.py compiles
 * without fused multiply-adds (-ffp-contract=off). A layout's units are divided only when
 * they are a double exactly (as Python's int / int rounds the exact quotient).
 *
 * Integers: the units are exact in Python (unbounded) and in C (int64_t) while no value leaves
 * 64 bits. A cost that only grows (every unit constant, break cost and duration term is
 * validated non-negative) saturates at INT64_MAX: it is then above every least (at most the
 * sentinel "beyond", 2**62), so it neither wins nor ties, as in Python. Any other value that
 * would leave 64 bits (a planned time or duration beyond them, a width) raises OverflowError,
 * and the caller runs the Python engine instead.
 *
 * caption_text() is castline.timing.captiontext.python_caption_text: a caption file's text, each cue's
 * block (number, timecodes, voice tag, label and lines escaped, a blank line made legal by the
 * form's callable) written into one buffer of the narrowest kind that holds it so far (widened
 * when a wider str comes), then copied into one str of that kind. A value the reference writes
 * in its own way (a time that is negative or leaves 64 bits, a subclass, a value not of its
 * exact type) makes it return None: the caller writes the whole text with the reference.
 *
 * Inputs are checked (types, lengths, ranges) before any is indexed: a bad one raises
 * TypeError or ValueError, never reads out of bounds.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h> /* T_OBJECT_EX, READONLY: the Cue slots */
#include <stdint.h>
#include <string.h>

/* --- Arithmetic ---------------------------------------------------------------------------- */

/* a + b, or 0 when it leaves 64 bits. */
static int
checked_add(int64_t a, int64_t b, int64_t *result)
{
#if defined(__GNUC__) || defined(__clang__)
    return !__builtin_add_overflow(a, b, result);
#else
    if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b)) {
        return 0;
    }
    *result = a + b;
    return 1;
#endif
}

/* a - b, or 0 when it leaves 64 bits. */
static int
checked_sub(int64_t a, int64_t b, int64_t *result)
{
#if defined(__GNUC__) || defined(__clang__)
    return !__builtin_sub_overflow(a, b, result);
#else
    if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b)) {
        return 0;
    }
    *result = a - b;
    return 1;
#endif
}

/* a * b, or 0 when it leaves 64 bits. */
static int
checked_mul(int64_t a, int64_t b, int64_t *result)
{
#if defined(__GNUC__) || defined(__clang__)
    return !__builtin_mul_overflow(a, b, result);
#else
    if (a != 0 && b != 0
        && (a > 0 ? (b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a)
                  : (b > 0 ? a < INT64_MIN / b : a < INT64_MAX / b))) {
        return 0;
    }
    *result = a * b;
    return 1;
#endif
}

/* a + b for b >= 0, at most INT64_MAX. */
static int64_t
saturated_add(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* a * b for a >= 0 and b >= 0, at most INT64_MAX. */
static int64_t
saturated_mul(int64_t a, int64_t b)
{
    if (a == 0 || b == 0) {
        return 0;
    }
    return a > INT64_MAX / b ? INT64_MAX : a * b;
}

/* --- The unit constants -------------------------------------------------------------------- */

/* The largest unit constant accepted (the project's are below 2**17). */
#define MAX_UNIT (((int64_t)1) << 40)
/* The largest "beyond" accepted: far enough below INT64_MAX that a least plus a cue's fixed
 * units never leaves 64 bits. */
#define MAX_BEYOND (((int64_t)1) << 62)

typedef struct {
    int64_t cue;            /* _CUE_UNITS */
    int64_t inner_sentence; /* _INNER_SENTENCE_UNITS */
    int64_t short_ms;       /* _SHORT_UNITS */
    int64_t long_ms;        /* _LONG_UNITS */
    int64_t long_ceiling;   /* _LONG_CEILING_UNITS */
    int64_t imbalance;      /* _LAYOUT_IMBALANCE_UNITS */
    int64_t beyond;         /* _BEYOND */
    Py_ssize_t kinds;       /* len(_CUE_BREAK_UNITS) */
    int64_t *cue_break;     /* _CUE_BREAK_UNITS */
    Py_ssize_t fragment_chars; /* len(_FRAGMENT_UNITS) */
    int64_t *fragment;      /* _FRAGMENT_UNITS */
} Units;

/* The items of tuple `source` (non-negative ints up to MAX_UNIT) into a new array. */
static int64_t *
unit_table(PyObject *source, const char *name, Py_ssize_t *length)
{
    Py_ssize_t size = PyTuple_GET_SIZE(source);
    int64_t *table = PyMem_New(int64_t, size > 0 ? size : 1);
    if (table == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < size; k++) {
        PyObject *item = PyTuple_GET_ITEM(source, k);
        long long value = PyLong_Check(item) ? PyLong_AsLongLong(item) : -1;
        if (!PyLong_Check(item) || (value == -1 && PyErr_Occurred())
            || value < 0 || value > MAX_UNIT) {
            PyErr_Clear();
            PyErr_Format(PyExc_ValueError, "%s[%zd] is not a unit cost", name, k);
            PyMem_Free(table);
            return NULL;
        }
        table[k] = (int64_t)value;
    }
    *length = size;
    return table;
}

static void
units_free(Units *units)
{
    PyMem_Free(units->cue_break);
    PyMem_Free(units->fragment);
    units->cue_break = units->fragment = NULL;
}

/* Units from the tuple (cue, inner_sentence, cue_break, fragment, short, long, long_ceiling,
 * imbalance, beyond): 0 and an exception when it is not one. */
static int
units_parse(PyObject *source, Units *units)
{
    PyObject *cue_break, *fragment;
    long long cue, inner, short_ms, long_ms, ceiling, imbalance, beyond;
    memset(units, 0, sizeof(*units));
    if (!PyTuple_Check(source)) {
        PyErr_SetString(PyExc_TypeError, "units must be a tuple");
        return 0;
    }
    if (!PyArg_ParseTuple(source, "LLO!O!LLLLL;units: (cue, inner_sentence, cue_break, "
                          "fragment, short, long, long_ceiling, imbalance, beyond)",
                          &cue, &inner, &PyTuple_Type, &cue_break, &PyTuple_Type, &fragment,
                          &short_ms, &long_ms, &ceiling, &imbalance, &beyond)) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, "a unit cost is not a unit cost");
        }
        return 0;
    }
    long long scalars[] = {cue, inner, short_ms, long_ms, ceiling, imbalance};
    for (size_t k = 0; k < sizeof(scalars) / sizeof(scalars[0]); k++) {
        if (scalars[k] < 0 || scalars[k] > MAX_UNIT) {
            PyErr_SetString(PyExc_ValueError, "a unit cost is not a unit cost");
            return 0;
        }
    }
    if (beyond <= 0 || beyond > MAX_BEYOND) {
        PyErr_SetString(PyExc_ValueError, "beyond must be in (0, 2**62]");
        return 0;
    }
    units->cue = cue;
    units->inner_sentence = inner;
    units->short_ms = short_ms;
    units->long_ms = long_ms;
    units->long_ceiling = ceiling;
    units->imbalance = imbalance;
    units->beyond = beyond;
    units->cue_break = unit_table(cue_break, "cue_break", &units->kinds);
    if (units->cue_break == NULL) {
        return 0;
    }
    units->fragment = unit_table(fragment, "fragment", &units->fragment_chars);
    if (units->fragment == NULL) {
        units_free(units);
        return 0;
    }
    return 1;
}

/* --- A line -------------------------------------------------------------------------------- */

typedef struct {
    int64_t cost; /* ends[j] */
    Py_ssize_t j;
} End;

typedef struct {
    Py_ssize_t n;        /* words */
    int64_t *offsets;    /* n + 1 */
    int64_t *times;      /* n + 1 */
    char *at_sentence;   /* n + 1 */
    int64_t *breaks;     /* n */
    int64_t *kinds;      /* n */
    int64_t *rows_fills; /* n */
    int64_t *reaches;    /* n */
    int64_t *ends;       /* n + 1 */
    int64_t *sentences;  /* n (one at least) */
    End *window;         /* n (one at least) */
    Py_ssize_t *found;   /* n (one at least) */
    int64_t width;
    int64_t min_ms;
    int64_t max_ms;
    int two;             /* max_lines >= 2 */
    const Units *units;
} Line;

/* The items of `sequence` (a list or tuple from PySequence_Fast: ints, `length` of them) into
 * `into`; 0 and an exception when they are not. */
static int
ints_of(PyObject *sequence, const char *name, Py_ssize_t length, int64_t *into)
{
    if (PySequence_Fast_GET_SIZE(sequence) != length) {
        PyErr_Format(PyExc_ValueError, "%s has %zd items, not %zd", name,
                     PySequence_Fast_GET_SIZE(sequence), length);
        return 0;
    }
    PyObject **items = PySequence_Fast_ITEMS(sequence);
    for (Py_ssize_t k = 0; k < length; k++) {
        if (!PyLong_Check(items[k])) { /* no __index__: no Python code runs while converting */
            PyErr_Format(PyExc_TypeError, "%s[%zd] is not an int", name, k);
            return 0;
        }
        int overflow;
        long long value = PyLong_AsLongLongAndOverflow(items[k], &overflow);
        if (overflow) { /* the Python engine's integers have no bound */
            PyErr_Format(PyExc_OverflowError, "%s[%zd] leaves 64 bits", name, k);
            return 0;
        }
        if (value == -1 && PyErr_Occurred()) {
            return 0;
        }
        into[k] = (int64_t)value;
    }
    return 1;
}

/* An int argument into *into; 0 and an exception when it is none or leaves 64 bits. */
static int
int64_of(PyObject *given, const char *name, int64_t *into)
{
    if (!PyLong_Check(given)) {
        PyErr_Format(PyExc_TypeError, "%s is not an int", name);
        return 0;
    }
    int overflow;
    long long value = PyLong_AsLongLongAndOverflow(given, &overflow);
    if (overflow) {
        PyErr_Format(PyExc_OverflowError, "%s leaves 64 bits", name);
        return 0;
    }
    if (value == -1 && PyErr_Occurred()) {
        return 0;
    }
    *into = (int64_t)value;
    return 1;
}

/* Bytes for a line of n words, or 0 when they do not fit a size_t. */
static size_t
line_bytes(Py_ssize_t n)
{
    size_t words = (size_t)n + 1;
    /* 8 arrays of int64_t, End and Py_ssize_t arrays, and at_sentence: under 128 bytes a word */
    if (words > ((size_t)PY_SSIZE_T_MAX) / 128) {
        return 0;
    }
    return words * (8 * sizeof(int64_t) + sizeof(End) + sizeof(Py_ssize_t) + 1);
}

/* Carve the line's arrays out of one block: 0 and MemoryError when there is no room. */
static int
line_alloc(Line *line, Py_ssize_t n, void **block)
{
    size_t bytes = line_bytes(n), words = (size_t)n + 1;
    *block = bytes ? PyMem_Malloc(bytes) : NULL;
    if (*block == NULL) {
        PyErr_NoMemory();
        return 0;
    }
    int64_t *ints = (int64_t *)*block;
    line->n = n;
    line->offsets = ints;
    line->times = ints + words;
    line->breaks = ints + 2 * words;
    line->kinds = ints + 3 * words;
    line->rows_fills = ints + 4 * words;
    line->reaches = ints + 5 * words;
    line->ends = ints + 6 * words;
    line->sentences = ints + 7 * words;
    line->window = (End *)(ints + 8 * words);
    line->found = (Py_ssize_t *)(line->window + words);
    line->at_sentence = (char *)(line->found + words);
    return 1;
}

/* Check what the search indexes by: offsets increase from 0 (so a cue has chars >= 0), break
 * costs are unit costs, kinds index the cue break costs, and every cue from i may end at
 * i + 1 and at no end past the line's. */
static int
line_check(const Line *line)
{
    Py_ssize_t n = line->n;
    if (line->offsets[0] < 0) {
        PyErr_SetString(PyExc_ValueError, "offsets[0] is negative");
        return 0;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        if (line->offsets[k + 1] <= line->offsets[k]) {
            PyErr_Format(PyExc_ValueError, "offsets[%zd] does not increase", k + 1);
            return 0;
        }
        if (line->breaks[k] < 0 || line->breaks[k] > MAX_UNIT) {
            PyErr_Format(PyExc_ValueError, "breaks[%zd] is not a unit cost", k);
            return 0;
        }
        if (line->kinds[k] < 0 || line->kinds[k] >= line->units->kinds) {
            PyErr_Format(PyExc_ValueError, "kinds[%zd] is not a kind", k);
            return 0;
        }
        if (line->reaches[k] <= k || line->reaches[k] > n) {
            PyErr_Format(PyExc_ValueError, "reaches[%zd] is not an end of a cue from it", k);
            return 0;
        }
    }
    return 1;
}

/* --- Two lines (_two_liner) ---------------------------------------------------------------- */

/* The cheapest two-line layout of cue [i, j) in units, at most `limit`, into *layout, and the
 * start of its second line into *split: -1 and -1 when none fits, beyond and -1 when every one
 * that fits costs more than `limit`. 0 and OverflowError when a length leaves 64 bits. */
static int
two_lines(const Line *line, Py_ssize_t i, Py_ssize_t j, int64_t first_width, int64_t fill,
          int64_t limit, int64_t *layout, Py_ssize_t *split)
{
    const int64_t *offsets = line->offsets, *breaks = line->breaks;
    const int64_t width = line->width, imbalance_units = line->units->imbalance;
    int64_t best = -1, room, balance;
    Py_ssize_t second = -1;
    int feasible = 0;
    int64_t end_offset = offsets[j];
    /* imbalance: the first line (reserved room included) minus the second */
    if (!checked_sub(width, first_width, &room) || !checked_add(offsets[i], end_offset, &balance)
        || !checked_sub(balance, room, &balance)) {
        goto overflow;
    }
    Py_ssize_t p = fill < (int64_t)j ? (Py_ssize_t)fill : j - 1;
    for (; p > i; p--) {
        if (end_offset - offsets[p] - 1 > width && p != j - 1) {
            break; /* the second line no longer fits */
        }
        feasible = 1;
        int64_t imbalance, option;
        if (!checked_sub(offsets[p], balance, &imbalance)
            || !checked_add(imbalance, offsets[p], &imbalance) || imbalance == INT64_MIN) {
            goto overflow;
        }
        if (imbalance >= 0) {
            option = saturated_add(breaks[p], saturated_mul(imbalance_units, imbalance));
        }
        else {
            option = saturated_mul(imbalance_units, -imbalance);
            if (option > limit) {
                break;
            }
            option = saturated_add(option, breaks[p]);
        }
        if (option <= limit) {
            limit = best = option;
            second = p;
        }
    }
    *layout = best < 0 && feasible ? line->units->beyond : best;
    *split = best < 0 && feasible ? -1 : second;
    return 1;
overflow:
    PyErr_SetString(PyExc_OverflowError, "a two-line layout leaves 64 bits");
    return 0;
}

/* --- The scan (_scanner) ------------------------------------------------------------------- */

/* Over the window's `size` ends of a cue from i (by increasing (ends[j], j)), the least of
 * ends[j] plus the units that depend on both ends into *least, and the ends that reach it into
 * line->found (*count of them). 0 and OverflowError when a time leaves 64 bits. */
static int
scan(const Line *line, Py_ssize_t i, int64_t first_width, int64_t fill, Py_ssize_t size,
     int64_t *least, Py_ssize_t *count)
{
    const Units *units = line->units;
    const int64_t *offsets = line->offsets, *times = line->times;
    const char *at_sentence = line->at_sentence;
    const int64_t start_offset = offsets[i], start_ms = times[i];
    const int starts_sentence = at_sentence[i];
    int64_t best = units->beyond;
    Py_ssize_t found = 0;
    for (Py_ssize_t w = 0; w < size; w++) {
        int64_t cost = line->window[w].cost, duration, gap;
        Py_ssize_t j = line->window[w].j;
        if (cost > best) {
            break;
        }
        int64_t chars = offsets[j] - start_offset - 1;
        if (chars < units->fragment_chars && !(starts_sentence && at_sentence[j])) {
            cost = saturated_add(cost, units->fragment[chars]);
        }
        if (!checked_sub(times[j], start_ms, &duration)) {
            goto overflow;
        }
        if (duration < line->min_ms) {
            if (!checked_sub(line->min_ms, duration, &gap)) {
                goto overflow;
            }
            cost = saturated_add(cost, saturated_mul(units->short_ms, gap));
        }
        else if (duration > line->max_ms) {
            if (!checked_sub(duration, line->max_ms, &gap)) {
                goto overflow;
            }
            int64_t longer = saturated_mul(units->long_ms, gap);
            cost = saturated_add(cost, longer < units->long_ceiling ? longer : units->long_ceiling);
        }
        if (chars > first_width && line->two) {
            if (cost > best) {
                continue; /* limit = best - cost < 0 */
            }
            int64_t layout;
            Py_ssize_t split;
            if (!two_lines(line, i, j, first_width, fill, best - cost, &layout, &split)) {
                return 0;
            }
            if (layout == units->beyond) {
                continue;
            }
            if (layout > 0) {
                cost = saturated_add(cost, layout);
            }
        }
        if (cost < best) {
            best = cost;
            line->found[0] = j;
            found = 1;
        }
        else if (cost == best) {
            line->found[found++] = j;
        }
    }
    *least = best;
    *count = found;
    return 1;
overflow:
    PyErr_SetString(PyExc_OverflowError, "a planned duration leaves 64 bits");
    return 0;
}

/* --- The window ---------------------------------------------------------------------------- */

/* Whether (cost, j) sorts before (other_cost, other_j). */
static int
before(int64_t cost, Py_ssize_t j, int64_t other_cost, Py_ssize_t other_j)
{
    return cost < other_cost || (cost == other_cost && j < other_j);
}

/* Insert (cost, j) after the ends that do not sort after it (bisect.insort). */
static void
window_insert(End *window, Py_ssize_t *size, int64_t cost, Py_ssize_t j)
{
    Py_ssize_t low = 0, high = *size;
    while (low < high) {
        Py_ssize_t middle = low + (high - low) / 2;
        if (before(cost, j, window[middle].cost, window[middle].j)) {
            high = middle;
        }
        else {
            low = middle + 1;
        }
    }
    memmove(window + low + 1, window + low, (size_t)(*size - low) * sizeof(End));
    window[low].cost = cost;
    window[low].j = j;
    (*size)++;
}

/* Delete (cost, j), which the window holds (bisect.bisect_left and del). */
static void
window_delete(End *window, Py_ssize_t *size, int64_t cost, Py_ssize_t j)
{
    Py_ssize_t low = 0, high = *size;
    while (low < high) {
        Py_ssize_t middle = low + (high - low) / 2;
        if (before(window[middle].cost, window[middle].j, cost, j)) {
            low = middle + 1;
        }
        else {
            high = middle;
        }
    }
    memmove(window + low, window + low + 1, (size_t)(*size - low - 1) * sizeof(End));
    (*size)--;
}

/* --- The cheapest cuts (_cheapest_cuts) ---------------------------------------------------- */

/* A list of the first `count` of `items`, or NULL and an exception. */
static PyObject *
list_of(const Py_ssize_t *items, Py_ssize_t count)
{
    PyObject *list = PyList_New(count);
    if (list == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = PyLong_FromSsize_t(items[k]);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, k, item);
    }
    return list;
}

/* keep(into, i, found, count): store cheapest[i], the `count` ends in `found`; 0 and an
 * exception on failure. */
typedef int (*Keep)(void *into, Py_ssize_t i, const Py_ssize_t *found, Py_ssize_t count);

/* Keep: cheapest[i] as a list in `into`, a list of n + 1 None. */
static int
keep_list(void *into, Py_ssize_t i, const Py_ssize_t *found, Py_ssize_t count)
{
    PyObject *list = list_of(found, count);
    if (list == NULL) {
        return 0;
    }
    return PyList_SetItem((PyObject *)into, i, list) == 0; /* steals list, releases the None */
}

/* The search from the end backwards, filling line->ends and *least and keeping each cheapest[i]
 * with keep(into, ...); 0 and an exception on failure. */
static int
search(Line *line, int64_t rows_width, Keep keep, void *into, int64_t *least)
{
    const Units *units = line->units;
    const Py_ssize_t n = line->n;
    int64_t *ends = line->ends, *sentences = line->sentences;
    sentences[0] = 0;
    for (Py_ssize_t k = 1; k < n; k++) {
        if (!checked_add(sentences[k - 1], line->at_sentence[k] ? units->inner_sentence : 0,
                         &sentences[k])) {
            goto overflow;
        }
    }
    ends[0] = 0; /* as in Python, never searched: the line's first cue is _cut's */
    ends[n] = n ? sentences[n - 1] : 0;
    *least = 0;
    Py_ssize_t size = 0, right = n;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        window_insert(line->window, &size, ends[i + 1], i + 1);
        for (; right > line->reaches[i]; right--) {
            window_delete(line->window, &size, ends[right], right);
        }
        int64_t best, cost;
        Py_ssize_t count;
        if (!scan(line, i, rows_width, line->rows_fills[i], size, &best, &count)) {
            return 0;
        }
        if (!keep(into, i, line->found, count)) {
            return 0;
        }
        if (i) {
            if (!checked_add(sentences[i - 1], units->cue_break[line->kinds[i]], &cost)
                || !checked_add(cost, units->cue, &cost)
                || !checked_sub(cost, sentences[i], &cost)
                || !checked_add(cost, best, &ends[i])) {
                goto overflow;
            }
        }
        else if (!checked_add(units->cue, best, least)) {
            goto overflow;
        }
    }
    return 1;
overflow:
    PyErr_SetString(PyExc_OverflowError, "a cut's cost leaves 64 bits");
    return 0;
}

/* The line's sequences, in the order cheapest_cuts takes them. */
static const char *const names[] = {"offsets", "times", "at_sentence", "breaks", "kinds",
                                    "rows_fills", "reaches"};

/* The line's sequences (from PySequence_Fast) into `line`; 0 and an exception when one is not
 * as the search needs. */
static int
line_fill(Line *line, PyObject *const lists[7])
{
    const Py_ssize_t n = line->n;
    int64_t *into[] = {line->offsets, line->times, line->ends /* at_sentence, as ints */,
                       line->breaks, line->kinds, line->rows_fills, line->reaches};
    for (int k = 0; k < 7; k++) {
        if (!ints_of(lists[k], names[k], k < 3 ? n + 1 : n, into[k])) {
            return 0;
        }
    }
    for (Py_ssize_t k = 0; k <= n; k++) {
        line->at_sentence[k] = line->ends[k] != 0;
    }
    return line_check(line);
}

/* A new list of the n + 1 ends, or NULL and an exception. */
static PyObject *
ends_list(const Line *line)
{
    PyObject *list = PyList_New(line->n + 1);
    if (list == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k <= line->n; k++) {
        PyObject *item = PyLong_FromLongLong(line->ends[k]);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, k, item);
    }
    return list;
}

PyDoc_STRVAR(cheapest_cuts_doc,
"cheapest_cuts(offsets, times, at_sentence, breaks, kinds, rows_fills, reaches, rows_width,\n"
"              width, max_lines, min_ms, max_ms, units)\n"
"--\n"
"\n"
"castline.timing.segment._cheapest_cuts on a prepared line: (ends, cheapest, least).\n"
"\n"
"units: (cue, inner_sentence, cue_break, fragment, short, long, long_ceiling, imbalance,\n"
"beyond), segment's unit constants. OverflowError when a value leaves 64 bits.");

static PyObject *
cheapest_cuts(PyObject *module, PyObject *args)
{
    static const char *const scalar_names[] = {"rows_width", "width", "max_lines", "min_ms",
                                               "max_ms"};
    PyObject *given[7], *lists[7] = {NULL}, *scalars[5], *units_tuple;
    int64_t values[5];
    (void)module;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOOOOO:cheapest_cuts", &given[0], &given[1], &given[2],
                          &given[3], &given[4], &given[5], &given[6], &scalars[0], &scalars[1],
                          &scalars[2], &scalars[3], &scalars[4], &units_tuple)) {
        return NULL;
    }
    for (int k = 0; k < 5; k++) {
        if (!int64_of(scalars[k], scalar_names[k], &values[k])) {
            return NULL;
        }
    }
    const int64_t rows_width = values[0], width = values[1], max_lines = values[2];
    const int64_t min_ms = values[3], max_ms = values[4];
    Units units;
    if (!units_parse(units_tuple, &units)) {
        return NULL;
    }
    Line line = {0};
    void *block = NULL;
    PyObject *ends = NULL, *cheapest = NULL, *result = NULL;
    int64_t least;
    for (int k = 0; k < 7; k++) {
        lists[k] = PySequence_Fast(given[k], names[k]); /* a new reference, even to a list */
        if (lists[k] == NULL) {
            goto done;
        }
    }
    line.width = width;
    line.min_ms = min_ms;
    line.max_ms = max_ms;
    line.two = max_lines >= 2;
    line.units = &units;
    if (!line_alloc(&line, PySequence_Fast_GET_SIZE(lists[4]), &block)
        || !line_fill(&line, lists)) {
        goto done;
    }
    /* Every entry holds None until the search puts a list there (PyList_SetItem). */
    cheapest = PyList_New(line.n + 1);
    if (cheapest == NULL) {
        goto done;
    }
    for (Py_ssize_t k = 0; k <= line.n; k++) {
        Py_INCREF(Py_None);
        PyList_SET_ITEM(cheapest, k, Py_None);
    }
    if (!search(&line, rows_width, keep_list, cheapest, &least)) {
        goto done;
    }
    PyObject *last = PyList_New(0);
    if (last == NULL || PyList_SetItem(cheapest, line.n, last) < 0) {
        goto done;
    }
    ends = ends_list(&line);
    if (ends != NULL) {
        result = Py_BuildValue("(OOL)", ends, cheapest, (long long)least);
    }
done:
    for (int k = 0; k < 7; k++) {
        Py_XDECREF(lists[k]);
    }
    Py_XDECREF(ends);
    Py_XDECREF(cheapest);
    PyMem_Free(block);
    units_free(&units);
    return result;
}

/* --- Fills (_fills) ------------------------------------------------------------------------ */

/* _fills: into[i], for each of the first `count` of the n words, the end of the longest run
 * of words from i whose characters offsets[j] - offsets[i] - 1 are below room = width + 1
 * (one word at least). The offsets (n + 1 of them) increase. */
static void
fills_into(const int64_t *offsets, Py_ssize_t n, Py_ssize_t count, int64_t room, int64_t *into)
{
    /* bisect_right(offsets, offsets[i] + room): the targets increase with i, so does it */
    Py_ssize_t after = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t target;
        if (!checked_add(offsets[i], room, &target)) {
            target = room > 0 ? INT64_MAX : INT64_MIN; /* beyond every offset, or below */
        }
        while (after <= n && offsets[after] <= target) {
            after++;
        }
        into[i] = after - 1 > i + 1 ? after - 1 : i + 1;
    }
}

/* A new list of the first `count` of `items`, or NULL and an exception. */
static PyObject *
list_of_ints(const int64_t *items, Py_ssize_t count)
{
    PyObject *list = PyList_New(count);
    if (list == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *item = PyLong_FromLongLong(items[k]);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, k, item);
    }
    return list;
}

PyDoc_STRVAR(fills_doc,
"fills(offsets, width)\n"
"--\n"
"\n"
"castline.timing.segment._fills(offsets, width) for every word: the end of the longest run\n"
"of words from each that fits width (one word at least). OverflowError when a value leaves\n"
"64 bits.");

static PyObject *
fills(PyObject *module, PyObject *args)
{
    PyObject *given, *width_given, *sequence, *result = NULL;
    int64_t width, room, *offsets = NULL, *fills = NULL;
    (void)module;
    if (!PyArg_ParseTuple(args, "OO:fills", &given, &width_given)
        || !int64_of(width_given, "width", &width)) {
        return NULL;
    }
    if (!checked_add(width, 1, &room)) { /* words[i:j] fits: offsets[j] - offsets[i] - 1 <= width */
        PyErr_SetString(PyExc_OverflowError, "width leaves 64 bits");
        return NULL;
    }
    sequence = PySequence_Fast(given, "offsets");
    if (sequence == NULL) {
        return NULL;
    }
    Py_ssize_t size = PySequence_Fast_GET_SIZE(sequence), count = size > 0 ? size - 1 : 0;
    offsets = PyMem_New(int64_t, size > 0 ? size : 1);
    if (offsets == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (!ints_of(sequence, "offsets", size, offsets)) {
        goto done;
    }
    for (Py_ssize_t k = 0; k < size; k++) {
        if (offsets[k] < 0 || (k && offsets[k] <= offsets[k - 1])) {
            PyErr_Format(PyExc_ValueError, "offsets[%zd] does not increase from 0", k);
            goto done;
        }
    }
    fills = PyMem_New(int64_t, count > 0 ? count : 1);
    if (fills == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    fills_into(offsets, count, count, room, fills);
    result = list_of_ints(fills, count);
done:
    PyMem_Free(offsets);
    PyMem_Free(fills);
    Py_DECREF(sequence);
    return result;
}

/* --- Layouts (_two_liner) ------------------------------------------------------------------ */

/* The largest offset and width a Layout takes: its sums then never leave 64 bits. */
#define MAX_LENGTH (((int64_t)1) << 40)

typedef struct {
    PyObject_HEAD
    Line line;
    Units units;
    int64_t *block; /* offsets (n + 1) and breaks (n) */
} Layout;

static void
layout_dealloc(PyObject *self)
{
    PyMem_Free(((Layout *)self)->block);
    Py_TYPE(self)->tp_free(self);
}

PyDoc_STRVAR(two_lines_doc,
"two_lines(i, j, first_width, fill, limit)\n"
"--\n"
"\n"
"castline.timing.segment._two_liner(words, width)(i, j, first_width, fill, limit): the\n"
"cheapest two-line layout of cue [i, j) in units and where its second line starts.");

static PyObject *
layout_two_lines(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    static const char *const names[] = {"i", "j", "first_width", "fill", "limit"};
    const Line *line = &((Layout *)self)->line;
    int64_t values[5], layout;
    Py_ssize_t split;
    if (nargs != 5) {
        PyErr_Format(PyExc_TypeError, "two_lines takes 5 arguments, not %zd", nargs);
        return NULL;
    }
    for (int k = 0; k < 5; k++) {
        if (!int64_of(args[k], names[k], &values[k])) {
            return NULL;
        }
    }
    if (values[0] < 0 || values[1] <= values[0] || values[1] > line->n) {
        PyErr_Format(PyExc_IndexError, "no cue [%lld, %lld) in %zd words",
                     (long long)values[0], (long long)values[1], line->n);
        return NULL;
    }
    if (values[2] < -MAX_LENGTH || values[2] > MAX_LENGTH) {
        PyErr_SetString(PyExc_OverflowError, "first_width leaves 41 bits");
        return NULL;
    }
    if (!two_lines(line, (Py_ssize_t)values[0], (Py_ssize_t)values[1], values[2], values[3],
                   values[4], &layout, &split)) {
        return NULL;
    }
    return Py_BuildValue("(Ln)", (long long)layout, split);
}

static PyMethodDef layout_methods[] = {
    {"two_lines", (PyCFunction)(void (*)(void))layout_two_lines, METH_FASTCALL, two_lines_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LayoutType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "castline.timing._cue_engine.Layout",
    .tp_doc = "A line's two-line layouts (see layout()).",
    .tp_basicsize = sizeof(Layout),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = layout_dealloc,
    .tp_methods = layout_methods,
};

PyDoc_STRVAR(layout_doc,
"layout(offsets, breaks, width, imbalance, beyond)\n"
"--\n"
"\n"
"A Layout whose two_lines is castline.timing.segment._two_liner(words, width) for a line's\n"
"offsets and break units, the units of a character of imbalance and beyond. OverflowError\n"
"when an offset or the width is beyond 2**40.");

static PyObject *
make_layout(PyObject *module, PyObject *args)
{
    PyObject *given[2], *sequences[2] = {NULL, NULL}, *width_given, *result = NULL;
    long long imbalance, beyond;
    int64_t width;
    (void)module;
    if (!PyArg_ParseTuple(args, "OOOLL:layout", &given[0], &given[1], &width_given, &imbalance,
                          &beyond)
        || !int64_of(width_given, "width", &width)) {
        return NULL;
    }
    if (imbalance < 0 || imbalance > MAX_UNIT || beyond <= 0 || beyond > MAX_BEYOND) {
        PyErr_SetString(PyExc_ValueError, "a unit cost is not a unit cost");
        return NULL;
    }
    if (width < -MAX_LENGTH || width > MAX_LENGTH) {
        PyErr_SetString(PyExc_OverflowError, "width leaves 41 bits");
        return NULL;
    }
    for (int k = 0; k < 2; k++) {
        sequences[k] = PySequence_Fast(given[k], k ? "breaks" : "offsets");
        if (sequences[k] == NULL) {
            goto done;
        }
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(sequences[1]);
    if (n > (PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(int64_t) - 1) / 2) {
        PyErr_NoMemory();
        goto done;
    }
    Layout *self = PyObject_New(Layout, &LayoutType);
    if (self == NULL) {
        goto done;
    }
    memset(&self->line, 0, sizeof(self->line));
    memset(&self->units, 0, sizeof(self->units));
    self->block = PyMem_New(int64_t, 2 * n + 1);
    result = (PyObject *)self; /* from here on, a DECREF frees it all */
    if (self->block == NULL) {
        PyErr_NoMemory();
        Py_CLEAR(result);
        goto done;
    }
    self->units.imbalance = imbalance;
    self->units.beyond = beyond;
    self->line.n = n;
    self->line.width = width;
    self->line.units = &self->units;
    self->line.offsets = self->block;
    self->line.breaks = self->block + n + 1;
    if (!ints_of(sequences[0], "offsets", n + 1, self->line.offsets)
        || !ints_of(sequences[1], "breaks", n, self->line.breaks)) {
        Py_CLEAR(result);
        goto done;
    }
    for (Py_ssize_t k = 0; k <= n; k++) {
        const int64_t *offsets = self->line.offsets;
        if (offsets[k] < 0 || offsets[k] > MAX_LENGTH || (k && offsets[k] <= offsets[k - 1])) {
            PyErr_Format(offsets[k] > MAX_LENGTH ? PyExc_OverflowError : PyExc_ValueError,
                         "offsets[%zd] does not increase from 0 below 2**40", k);
            Py_CLEAR(result);
            goto done;
        }
        if (k < n && (self->line.breaks[k] < 0 || self->line.breaks[k] > MAX_UNIT)) {
            PyErr_Format(PyExc_ValueError, "breaks[%zd] is not a unit cost", k);
            Py_CLEAR(result);
            goto done;
        }
    }
done:
    Py_XDECREF(sequences[0]);
    Py_XDECREF(sequences[1]);
    return result;
}

/* --- The whole cut (cut_line) -------------------------------------------------------------- */

/* castline.timing.boundaries.SENTENCE: the kind of boundary at a sentence end (and before a
 * line's first word). */
#define SENTENCE 0
/* The largest integer below which every int64_t is a double exactly. */
#define EXACT_DOUBLE (((int64_t)1) << 53)

/* The cost model in floating point, as segment._cost and segment._break_lines add it up. */
typedef struct {
    double cue;               /* _CUE_COST */
    double inner_sentence;    /* _INNER_SENTENCE */
    double *cue_break;        /* _CUE_BREAK, one per kind */
    double fragment_per_char; /* _FRAGMENT_PER_CHAR */
    double short_ms;          /* _SHORT_PER_MS */
    double long_ms;           /* _LONG_PER_MS */
    double long_ceiling;      /* _LONG_CEILING */
    double units_per_cost;    /* _UNITS_PER_COST */
    double *line_break;       /* _LINE_BREAK, one per kind */
    double imbalance;         /* _IMBALANCE */
} Costs;

/* A cost model: the search's units, the layout break units and the floating-point costs. */
typedef struct {
    PyObject_HEAD
    Units units;
    int64_t *layout_breaks; /* _LAYOUT_BREAK_UNITS, one per kind */
    Costs costs;
    int64_t exact_limit;    /* _EXACT_LIMIT */
    PyObject *space;        /* " ", the words' joint */
    PyObject *empty;        /* "", no label */
} Model;

/* The cheapest lists of a line, as the search keeps them: cheapest[i] is the count[i] ends
 * from ends[first[i]]. */
typedef struct {
    Py_ssize_t *first;  /* n + 1 */
    Py_ssize_t *count;  /* n + 1 */
    Py_ssize_t *ends;   /* grows */
    Py_ssize_t size;    /* ends in use */
    Py_ssize_t room;    /* ends allocated */
} Cheapest;

/* A line being cut: the search's Line and what the rest of the cut reads. */
typedef struct {
    Line line;               /* its units are the model's */
    const Model *model;
    int64_t *plain_fills;    /* n: _fills at the full width */
    int64_t *counts;         /* n + 1: counts[k], the sentence ends before words 1..k */
    Py_ssize_t *back;        /* n + 1: the start of the cut's last cue up to each end */
    double *costs;           /* n + 1: the forward programme's costs */
    char *reached;           /* n + 1: an end of a cue of a cheapest cut */
    Cheapest cheapest;
    int64_t first_width;     /* the first line of the line's first cue */
    int64_t rows_width;      /* the first line of every other cue */
    int64_t first_fill;      /* _first_fill */
    int64_t max_lines;
    int64_t least;           /* the cheapest cut's units */
} Cut;

/* Append `count` ends to the cheapest lists' ends; 0 and MemoryError. */
static int
cheapest_append(Cheapest *cheapest, const Py_ssize_t *found, Py_ssize_t count)
{
    if (count > cheapest->room - cheapest->size) {
        Py_ssize_t room = cheapest->room * 2 + count;
        Py_ssize_t *ends = PyMem_Realloc(cheapest->ends, (size_t)room * sizeof(Py_ssize_t));
        if (ends == NULL) {
            PyErr_NoMemory();
            return 0;
        }
        cheapest->ends = ends;
        cheapest->room = room;
    }
    if (count) { /* none: ends may still be NULL */
        memcpy(cheapest->ends + cheapest->size, found, (size_t)count * sizeof(Py_ssize_t));
    }
    cheapest->size += count;
    return 1;
}

/* Keep: cheapest[i] into the Cheapest `into`, after the ends kept before. */
static int
keep_ends(void *into, Py_ssize_t i, const Py_ssize_t *found, Py_ssize_t count)
{
    Cheapest *cheapest = (Cheapest *)into;
    cheapest->first[i] = cheapest->size;
    cheapest->count[i] = count;
    return cheapest_append(cheapest, found, count);
}

/* Carve the cut's arrays (the line's and its own) out of two blocks: 0 and MemoryError when
 * there is no room. */
static int
cut_alloc(Cut *cut, Py_ssize_t n, void **blocks)
{
    size_t words = (size_t)n + 1;
    if (!line_alloc(&cut->line, n, &blocks[0])) {
        return 0;
    }
    /* line_bytes(n) checked words * 128 fits; these are 5 * 8 + 1 bytes a word */
    blocks[1] = PyMem_Malloc(words * (2 * sizeof(int64_t) + 3 * sizeof(Py_ssize_t)
                                      + sizeof(double) + 1));
    if (blocks[1] == NULL) {
        PyErr_NoMemory();
        return 0;
    }
    int64_t *ints = (int64_t *)blocks[1];
    cut->plain_fills = ints;
    cut->counts = ints + words;
    cut->costs = (double *)(ints + 2 * words);
    cut->back = (Py_ssize_t *)(cut->costs + words);
    cut->cheapest.first = cut->back + words;
    cut->cheapest.count = cut->cheapest.first + words;
    cut->reached = (char *)(cut->cheapest.count + words);
    return 1;
}

/* Python's a // b for b > 0 (rounded towards minus infinity). */
static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t quotient = a / b;
    return a % b != 0 && a < 0 ? quotient - 1 : quotient;
}

/* _Words.of's planned times: times[k] = start_ms + span * offsets[k] // total, the words'
 * start in proportion to the characters before them, and times[n] = end_ms; 0 and
 * OverflowError when a value leaves 64 bits. */
static int
planned_times(Line *line, int64_t start_ms, int64_t end_ms)
{
    const Py_ssize_t n = line->n;
    const int64_t total = line->offsets[n] - 1; /* one at least: words are not empty */
    int64_t span;
    if (!checked_sub(end_ms, start_ms, &span)) {
        goto overflow;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        int64_t product;
        if (!checked_mul(span, line->offsets[k], &product)
            || !checked_add(start_ms, floor_div(product, total), &line->times[k])) {
            goto overflow;
        }
    }
    line->times[n] = end_ms;
    return 1;
overflow:
    PyErr_SetString(PyExc_OverflowError, "a planned time leaves 64 bits");
    return 0;
}

/* words_of after the kinds (in line->kinds): the words' `items` (n of them) into offsets,
 * planned times, sentence ends and break units; 0 and an exception when a word is not a
 * non-empty str, a kind not a kind, or a value leaves 64 bits. */
static int
words_fill(Cut *cut, PyObject *const *items, int64_t start_ms, int64_t end_ms)
{
    Line *line = &cut->line;
    const Py_ssize_t n = line->n;
    line->offsets[0] = 0;
    cut->counts[0] = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t length = PyUnicode_Check(items[k]) ? PyUnicode_GetLength(items[k]) : 0;
        if (length <= 0) {
            PyErr_Clear();
            PyErr_Format(PyExc_ValueError, "words[%zd] is not a word", k);
            return 0;
        }
        if (line->kinds[k] < 0 || line->kinds[k] >= line->units->kinds) {
            PyErr_Format(PyExc_ValueError, "kinds[%zd] is not a kind", k);
            return 0;
        }
        line->offsets[k + 1] = line->offsets[k] + length + 1;
        if (line->offsets[k + 1] > MAX_LENGTH) { /* then no sum of lengths leaves 64 bits */
            PyErr_SetString(PyExc_OverflowError, "the words' characters leave 41 bits");
            return 0;
        }
        line->at_sentence[k] = line->kinds[k] == SENTENCE;
        line->breaks[k] = cut->model->layout_breaks[line->kinds[k]];
        cut->counts[k + 1] = cut->counts[k] + (k + 1 < n && line->kinds[k + 1] == SENTENCE);
    }
    line->at_sentence[n] = 1;
    return planned_times(line, start_ms, end_ms);
}

/* _Words.of: the offsets, planned times, kinds, sentence ends and break units of the words (a
 * sequence from PySequence_Fast) and `kinds`; 0 and an exception when a word is not a
 * non-empty str, a kind not a kind, or a value leaves 64 bits. */
static int
words_of(Cut *cut, PyObject *words, PyObject *kinds, int64_t start_ms, int64_t end_ms)
{
    if (!ints_of(kinds, "kinds", cut->line.n, cut->line.kinds)) {
        return 0;
    }
    return words_fill(cut, PySequence_Fast_ITEMS(words), start_ms, end_ms);
}

/* _reaches: into[i], the last end of a cue from i whose first line ends at fills[i], the
 * greedy fill of its other lines at the full width (max_lines lines in all); for `count`
 * starts. */
static void
reaches_into(const Cut *cut, const int64_t *fills, Py_ssize_t count, int64_t *into)
{
    const Py_ssize_t n = cut->line.n;
    memmove(into, fills, (size_t)count * sizeof(int64_t));
    /* after n rounds every reach is n: more change nothing */
    for (int64_t round = 1; round < cut->max_lines && round <= n; round++) {
        for (Py_ssize_t i = 0; i < count; i++) {
            into[i] = into[i] < n ? cut->plain_fills[into[i]] : into[i];
        }
    }
}

/* The fills at the full width, at the other cues' first width (line->rows_fills) and the
 * first cue's (_first_fill), and the reaches; 0 and OverflowError when a width leaves 64
 * bits. */
static int
fills_and_reaches(Cut *cut)
{
    Line *line = &cut->line;
    int64_t room, rows_room, first_room;
    if (!checked_add(line->width, 1, &room) || !checked_add(cut->rows_width, 1, &rows_room)
        || !checked_add(cut->first_width, 1, &first_room)) {
        PyErr_SetString(PyExc_OverflowError, "a width leaves 64 bits");
        return 0;
    }
    fills_into(line->offsets, line->n, line->n, room, cut->plain_fills);
    fills_into(line->offsets, line->n, line->n, rows_room, line->rows_fills);
    fills_into(line->offsets, line->n, 1, first_room, &cut->first_fill);
    reaches_into(cut, line->rows_fills, line->n, line->reaches);
    return 1;
}

/* --- The cut in floating point (_cost, _settle_ties, _forward_cut) ------------------------- */

/* Whether v >= 0 is a double exactly. */
static int
exact_in_double(int64_t v)
{
    for (; v > EXACT_DOUBLE; v >>= 1) {
        if (v & 1) {
            return 0;
        }
    }
    return 1;
}

/* _cost: start_cost plus cue [i, j)'s cost in floating point into *cost, summed in the order
 * _cost sums it (the first line first_width wide, its longest ending at fill); 0 and
 * OverflowError when a value leaves 64 bits. */
static int
float_cost(const Cut *cut, double start_cost, Py_ssize_t i, Py_ssize_t j, int64_t first_width,
           int64_t fill, double *cost)
{
    const Line *line = &cut->line;
    const Costs *costs = &cut->model->costs;
    const int64_t *kinds = line->kinds;
    const int64_t kind = j < line->n ? kinds[j] : SENTENCE;
    const double inner = costs->inner_sentence * (double)(cut->counts[j - 1] - cut->counts[i]);
    double sum = start_cost + costs->cue + inner + (j < line->n ? costs->cue_break[kind] : 0.0);
    const int64_t chars = line->offsets[j] - line->offsets[i] - 1;
    const int64_t fragment_chars = line->units->fragment_chars; /* _FRAGMENT_CHARS */
    int64_t duration, gap, layout;
    Py_ssize_t split;
    if (chars < fragment_chars && !(kinds[i] == SENTENCE && kind == SENTENCE)) {
        sum += costs->fragment_per_char * (double)(fragment_chars - chars);
    }
    if (!checked_sub(line->times[j], line->times[i], &duration)) {
        goto overflow;
    }
    if (duration < line->min_ms) {
        if (!checked_sub(line->min_ms, duration, &gap)) {
            goto overflow;
        }
        sum += costs->short_ms * (double)gap;
    }
    else if (duration > line->max_ms) {
        if (!checked_sub(duration, line->max_ms, &gap)) {
            goto overflow;
        }
        const double longer = costs->long_ms * (double)gap;
        sum += longer < costs->long_ceiling ? longer : costs->long_ceiling; /* min(15, x) */
    }
    if (chars > first_width && line->two) {
        if (!two_lines(line, i, j, first_width, fill, line->units->beyond, &layout, &split)) {
            return 0;
        }
        if (layout >= 0) {
            if (!exact_in_double(layout)) { /* Python divides the int exactly rounded */
                goto overflow;
            }
            sum += (double)layout / costs->units_per_cost;
        }
    }
    *cost = sum;
    return 1;
overflow:
    PyErr_SetString(PyExc_OverflowError, "a cue's cost leaves 64 bits");
    return 0;
}

/* The first line's width of a cue from i, and the end of its longest first line. */
static void
first_line(const Cut *cut, Py_ssize_t i, int64_t *width, int64_t *fill)
{
    *width = i ? cut->rows_width : cut->first_width;
    *fill = i ? cut->line.rows_fills[i] : cut->first_fill;
}

/* Relax the forward programme's costs[j] with cue [i, j): a later start replaces an earlier
 * one only when strictly cheaper. 0 and OverflowError when a value leaves 64 bits. */
static int
relax(Cut *cut, Py_ssize_t i, Py_ssize_t j)
{
    int64_t width, fill;
    double cost;
    first_line(cut, i, &width, &fill);
    if (!float_cost(cut, cut->costs[i], i, j, width, fill, &cost)) {
        return 0;
    }
    if (cost < cut->costs[j]) {
        cut->costs[j] = cost;
        cut->back[j] = i;
    }
    return 1;
}

/* _forward_cut: cut->back by the forward programme over every cue that fits. */
static int
forward_cut(Cut *cut)
{
    const Py_ssize_t n = cut->line.n;
    cut->costs[0] = 0.0;
    for (Py_ssize_t j = 1; j <= n; j++) {
        cut->costs[j] = Py_HUGE_VAL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t reach;
        if (i) {
            reach = cut->line.reaches[i];
        }
        else {
            reaches_into(cut, &cut->first_fill, 1, &reach);
        }
        for (Py_ssize_t j = i + 1; j <= reach; j++) {
            if (!relax(cut, i, j)) {
                return 0;
            }
        }
    }
    return 1;
}

/* _cheapest_cues and _settle_ties: cut->back[j] for every end j of a cue of the cheapest cuts
 * (from word 0, following cheapest[i]): its only start, or where several cues end at j, the
 * one the forward programme over those cues picks. Going forwards over the starts gives every
 * end its starts in increasing order, each start's cost settled before, as _settle_ties goes
 * over increasing ends and starts. */
static int
cheapest_cut(Cut *cut)
{
    const Py_ssize_t n = cut->line.n;
    const Cheapest *cheapest = &cut->cheapest;
    int ties = 0;
    memset(cut->reached, 0, (size_t)n + 1);
    cut->reached[0] = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_ssize_t *ends = cheapest->ends + cheapest->first[i];
        for (Py_ssize_t k = 0; cut->reached[i] && k < cheapest->count[i]; k++) {
            ties |= cut->reached[ends[k]];
            cut->reached[ends[k]] = 1;
            cut->back[ends[k]] = i;
        }
    }
    if (!cut->reached[n]) { /* cannot happen: the cheapest cost is reached by some cut */
        PyErr_SetString(PyExc_AssertionError, "no cut");
        return 0;
    }
    if (!ties) {
        return 1;
    }
    cut->costs[0] = 0.0;
    for (Py_ssize_t j = 1; j <= n; j++) {
        cut->costs[j] = Py_HUGE_VAL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_ssize_t *ends = cheapest->ends + cheapest->first[i];
        for (Py_ssize_t k = 0; cut->reached[i] && k < cheapest->count[i]; k++) {
            if (!relax(cut, i, ends[k])) {
                return 0;
            }
        }
    }
    return 1;
}

/* --- The cut in units (_prepare, _cut) ----------------------------------------------------- */

/* The first cue of _cut when it is not as wide as the others: cheapest[0] and the least of
 * the scan from word 0 over the ends it reaches, in the order (ends[j], j). */
static int
first_cue(Cut *cut)
{
    Line *line = &cut->line;
    int64_t reach, best;
    Py_ssize_t size = 0, count;
    reaches_into(cut, &cut->first_fill, 1, &reach);
    for (Py_ssize_t j = 1; j <= reach; j++) {
        window_insert(line->window, &size, line->ends[j], j);
    }
    if (!scan(line, 0, cut->first_width, cut->first_fill, size, &best, &count)
        || !keep_ends(&cut->cheapest, 0, line->found, count)) {
        return 0;
    }
    if (!checked_add(line->units->cue, best, &cut->least)) {
        PyErr_SetString(PyExc_OverflowError, "a cut's cost leaves 64 bits");
        return 0;
    }
    return 1;
}

/* _prepare and _cut: cut->back for the line's cut, exactly in units and its ties settled in
 * floating point, or by the forward programme where their rounding could tell (n * least at
 * _EXACT_LIMIT or more). */
static int
cut_after_search(Cut *cut);

static int
cut_backs(Cut *cut)
{
    if (!fills_and_reaches(cut)
        || !search(&cut->line, cut->rows_width, keep_ends, &cut->cheapest, &cut->least)) {
        return 0;
    }
    return cut_after_search(cut);
}

/* cut_backs after its search (cut->line.ends, cut->cheapest and cut->least at the rows'
 * width): the first cue where it is narrower, then cut->back. */
static int
cut_after_search(Cut *cut)
{
    Line *line = &cut->line;
    int64_t scale;
    if (cut->first_width != cut->rows_width && !first_cue(cut)) {
        return 0;
    }
    /* the least is not negative: a product beyond 64 bits is beyond the limit */
    if (!checked_mul(line->n, cut->least, &scale) || scale >= cut->model->exact_limit) {
        return forward_cut(cut);
    }
    return cheapest_cut(cut);
}

/* --- A cue's display lines (_layout, _break_lines) ----------------------------------------- */

/* One state of _break_lines: a cut of words[i:q] into k fitting lines. */
typedef struct {
    double cost;     /* its break costs */
    int64_t low;     /* its shortest line */
    int64_t high;    /* its longest line */
    Py_ssize_t from; /* where its last line starts; -1: no such cut */
} LineState;

/* _state_cost */
static double
state_cost(const Costs *costs, const LineState *state)
{
    return state->cost + costs->imbalance * (double)(state->high - state->low);
}

/* One step of _break_lines: the states of k lines from those of k - 1 (`from`, one per end
 * q in [i, j]), the k-th line `w` wide. */
static void
break_step(const Cut *cut, Py_ssize_t i, Py_ssize_t j, int64_t first_width, Py_ssize_t k,
           Py_ssize_t lines, const LineState *from, LineState *into)
{
    const Line *line = &cut->line;
    const int64_t *offsets = line->offsets, w = k == 1 ? first_width : line->width;
    for (Py_ssize_t p = i; p <= j; p++) { /* in the order _break_lines's dict holds them */
        const LineState *state = &from[p - i];
        if (state->from < 0) {
            continue;
        }
        for (Py_ssize_t q = p + 1; q <= (k == lines ? j : j - 1); q++) {
            int64_t chars = offsets[q] - offsets[p] - 1;
            if (q - p != 1 && chars > w) {
                break;
            }
            if (k == lines && q != j) {
                continue;
            }
            int64_t size = chars + (k == 1 ? line->width - first_width : 0);
            LineState candidate = {
                state->cost + (q == j ? 0.0 : cut->model->costs.line_break[line->kinds[q]]),
                state->low < size ? state->low : size,
                state->high > size ? state->high : size,
                p,
            };
            LineState *previous = &into[q - i];
            if (previous->from < 0 || state_cost(&cut->model->costs, &candidate)
                                          < state_cost(&cut->model->costs, previous)) {
                *previous = candidate;
            }
        }
    }
}

/* _break_lines: bounds[1..lines - 1], the start of each line after the first in the cheapest
 * cut of cue [i, j) into exactly `lines` fitting lines (boundary kinds plus imbalance; the
 * first of the cheapest); 0 and an exception on failure. */
static int
break_lines(const Cut *cut, Py_ssize_t i, Py_ssize_t j, int64_t first_width, Py_ssize_t lines,
            Py_ssize_t *bounds)
{
    const Py_ssize_t ends = j - i + 1;
    LineState *states = PyMem_New(LineState, (size_t)(lines + 1) * (size_t)ends);
    if (states == NULL) {
        PyErr_NoMemory();
        return 0;
    }
    for (Py_ssize_t k = 0; k < (lines + 1) * ends; k++) {
        states[k].from = -1;
    }
    states[0] = (LineState){0.0, 1000000000, -1, i}; /* (0.0, [], 10**9, -1) */
    for (Py_ssize_t k = 1; k <= lines; k++) {
        break_step(cut, i, j, first_width, k, lines, states + (k - 1) * ends, states + k * ends);
    }
    Py_ssize_t at = j;
    int found = states[lines * ends + (j - i)].from >= 0;
    for (Py_ssize_t k = lines; found && k > 0; k--) {
        bounds[k] = at;
        at = states[k * ends + (at - i)].from;
    }
    PyMem_Free(states);
    if (!found) { /* cannot happen: the greedy fill found `lines` lines */
        PyErr_SetString(PyExc_AssertionError, "no layout");
        return 0;
    }
    return 1;
}

/* _layout: the starts of cue [i, j)'s display lines into bounds (the first i, then one per
 * line after the first, then j) and their count into *lines: one when it fits, else as many
 * as the greedy fill needs, broken where two_lines or break_lines finds the cheapest layout.
 * bounds has room for max_lines + 1 starts. */
static int
layout_bounds(const Cut *cut, Py_ssize_t i, Py_ssize_t j, Py_ssize_t *bounds,
              Py_ssize_t *lines)
{
    int64_t first_width, fill, layout;
    Py_ssize_t split, count = 2;
    first_line(cut, i, &first_width, &fill);
    bounds[0] = i;
    if (fill >= j) {
        *lines = 1;
    }
    else if (cut->plain_fills[fill] >= j) {
        if (!two_lines(&cut->line, i, j, first_width, fill, cut->line.units->beyond, &layout,
                       &split)) {
            return 0;
        }
        if (split < 0) { /* cannot happen: the greedy fill found two lines */
            PyErr_SetString(PyExc_AssertionError, "no layout");
            return 0;
        }
        bounds[1] = split;
        *lines = 2;
    }
    else {
        for (int64_t at = cut->plain_fills[fill]; at < j; at = cut->plain_fills[at]) {
            count++;
        }
        if (!break_lines(cut, i, j, first_width, count, bounds)) {
            return 0;
        }
        *lines = count;
    }
    bounds[*lines] = j;
    return 1;
}

/* --- The cues (cut_line) ------------------------------------------------------------------- */

/* The display lines of cue [i, j) of the words joined in `text` (a tuple of str), or NULL and
 * an exception. */
static PyObject *
lines_of(const Cut *cut, PyObject *text, Py_ssize_t i, Py_ssize_t j)
{
    const int64_t *offsets = cut->line.offsets;
    Py_ssize_t *bounds = cut->line.found, lines; /* room for n + 1: the search is done */
    if (!layout_bounds(cut, i, j, bounds, &lines)) {
        return NULL;
    }
    PyObject *texts = PyTuple_New(lines);
    if (texts == NULL) {
        return NULL;
    }
    for (Py_ssize_t k = 0; k < lines; k++) {
        PyObject *part = PyUnicode_Substring(text, (Py_ssize_t)offsets[bounds[k]],
                                             (Py_ssize_t)offsets[bounds[k + 1]] - 1);
        if (part == NULL) {
            Py_DECREF(texts);
            return NULL;
        }
        PyTuple_SET_ITEM(texts, k, part);
    }
    return texts;
}

/* Cue [i, j) of the words joined in `text`: (its display lines, its start, its end), or NULL
 * and an exception. */
static PyObject *
cue_of(const Cut *cut, PyObject *text, Py_ssize_t i, Py_ssize_t j)
{
    PyObject *texts = lines_of(cut, text, i, j);
    if (texts == NULL) {
        return NULL;
    }
    return Py_BuildValue("(NLL)", texts, (long long)cut->line.times[i],
                         (long long)cut->line.times[j]);
}

/* _runs and cut_line's cues: a list of (lines, start_ms, end_ms), one per cue of the cut
 * cut->back gives, in order; NULL and an exception on failure. */
static PyObject *
cues_of(const Cut *cut, PyObject *text)
{
    Py_ssize_t count = 0;
    for (Py_ssize_t j = cut->line.n; j > 0; j = cut->back[j]) {
        count++;
    }
    PyObject *cues = PyList_New(count);
    if (cues == NULL) {
        return NULL;
    }
    for (Py_ssize_t j = cut->line.n; j > 0; j = cut->back[j]) {
        PyObject *cue = cue_of(cut, text, cut->back[j], j);
        if (cue == NULL) {
            Py_DECREF(cues);
            return NULL;
        }
        PyList_SET_ITEM(cues, --count, cue);
    }
    return cues;
}

/* Read model.cut's arguments: the words and kinds as sequences (new references), the line's
 * span and the rules into `cut` (its Line's scalars too); 0 and an exception when one is not
 * as the cut needs. */
static int
cut_arguments(Cut *cut, PyObject *const *args, PyObject **words, PyObject **kinds,
              int64_t span[2])
{
    static const char *const names[] = {"start_ms", "end_ms", "width", "max_lines", "min_ms",
                                        "max_ms", "first_width", "rows_width"};
    int64_t values[8], label;
    for (int k = 0; k < 8; k++) {
        if (!int64_of(args[k + 2], names[k], &values[k])) {
            return 0;
        }
    }
    span[0] = values[0];
    span[1] = values[1];
    cut->line.width = values[2];
    cut->max_lines = values[3];
    cut->line.two = values[3] >= 2;
    cut->line.min_ms = values[4];
    cut->line.max_ms = values[5];
    cut->first_width = values[6];
    cut->rows_width = values[7];
    for (int k = 6; k < 8; k++) { /* the room a label takes stays far inside 64 bits */
        if (!checked_sub(values[2], values[k], &label) || label < -MAX_LENGTH
            || label > MAX_LENGTH) {
            PyErr_Format(PyExc_OverflowError, "width - %s leaves 41 bits", names[k]);
            return 0;
        }
    }
    *words = PySequence_Fast(args[0], "words must be a sequence");
    *kinds = *words ? PySequence_Fast(args[1], "kinds must be a sequence") : NULL;
    return *kinds != NULL;
}

PyDoc_STRVAR(model_cut_doc,
"cut(words, kinds, start_ms, end_ms, width, max_lines, min_ms, max_ms, first_width,\n"
"    rows_width)\n"
"--\n"
"\n"
"castline.timing.segment.cut_line after its words and their boundary kinds: a list of\n"
"(lines, start_ms, end_ms), one per cue. The line's first cue has first_width characters in\n"
"its first line, every other cue rows_width. OverflowError when a value leaves 64 bits.");

static PyObject *
model_cut(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    Cut cut;
    PyObject *words = NULL, *kinds = NULL, *text = NULL, *result = NULL;
    void *blocks[2] = {NULL, NULL};
    int64_t span[2];
    if (nargs != 10) {
        PyErr_Format(PyExc_TypeError, "cut takes 10 arguments, not %zd", nargs);
        return NULL;
    }
    memset(&cut, 0, sizeof(cut));
    cut.model = (const Model *)self;
    cut.line.units = &cut.model->units;
    if (!cut_arguments(&cut, args, &words, &kinds, span)) {
        goto done;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(words);
    if (n == 0) {
        result = PyList_New(0);
        goto done;
    }
    text = PyUnicode_Join(cut.model->space, words);
    if (text == NULL || !cut_alloc(&cut, n, blocks)
        || !words_of(&cut, words, kinds, span[0], span[1]) || !cut_backs(&cut)) {
        goto done;
    }
    result = cues_of(&cut, text);
done:
    Py_XDECREF(words);
    Py_XDECREF(kinds);
    Py_XDECREF(text);
    PyMem_Free(blocks[0]);
    PyMem_Free(blocks[1]);
    PyMem_Free(cut.cheapest.ends);
    return result;
}

/* --- An episode's lines, split and classified once (Model.lines) -------------------------- */

/* One timed line as every policy cuts it: what its utterance says, its speaker's name and
 * label, and its words' offsets, planned times, kinds, break units and sentence ends. */
typedef struct {
    PyObject *text;    /* its words joined by single spaces (owned); NULL when it has none */
    PyObject *speaker; /* its utterance's speaker (owned) */
    PyObject *source;  /* its utterance's source (owned) */
    PyObject *name;    /* speaker_name of the speaker: None or a str (owned) */
    PyObject *label;   /* "Name: ", or "" when it has no name (owned) */
    Py_ssize_t n;      /* its words */
    int64_t *ints;     /* offsets, times, kinds, breaks, counts (n + 1 each), at_sentence */
    int stamped;       /* its start is its own stamp */
    /* The last cut of the line, for a policy that cuts it alike (SRT's unlabelled lines are
     * WebVTT's): its rules (width, max_lines, min_ms, max_ms, first_width, rows_width), its
     * runs' starts (runs + 1, NULL: none yet) and each run's display lines (owned). */
    int64_t rules[6];
    Py_ssize_t runs;
    Py_ssize_t *starts;
    PyObject **texts;
    /* The last search of the line (the backwards programme, at the rows' width), for a policy
     * whose cut differs only in its first cue's room (WebVTT's unlabelled line after SRT's
     * labelled one): its rules (width, max_lines, min_ms, max_ms, rows_width), the ends' costs
     * (n + 1) and the least after them, and the cheapest lists (first and count, n + 1 each,
     * then their `found` ends). NULL: none yet. */
    int64_t search_rules[5];
    int64_t *searched;
    Py_ssize_t *lists;
    Py_ssize_t found;
} Prepared;

/* An episode's timed lines prepared by a Model (Model.lines), for Model.cues. */
typedef struct {
    PyObject_HEAD
    PyObject *model;    /* the Model that prepared them (owned) */
    Prepared *lines;    /* count of them, each released by lines_dealloc */
    Py_ssize_t count;
    Py_ssize_t widest;  /* the most words of a line */
    int64_t final_end;  /* the last end of every timed line */
    Py_ssize_t bounded; /* the last stamped line (0 when none) */
} Lines;

/* What preparing the lines reads. */
typedef struct {
    const Model *model;
    PyObject *name_of;  /* cues.speaker_name */
    PyObject *classes;  /* boundaries' word classes: word -> (row, after class) */
    PyObject *classify; /* fills it for a line's words */
    PyObject *names;    /* speaker -> (name, label), as cues._pieces's names */
    PyObject *attrs[7]; /* utterance, start_ms, end_ms, stamped, text, speaker, source */
} Preparing;

/* A prepared line's arrays as a Line's (n words) and the sentence counts into *counts. */
static void
prepared_arrays(const Prepared *prepared, Line *line, int64_t **counts)
{
    const Py_ssize_t words = prepared->n + 1;
    int64_t *ints = prepared->ints;
    line->n = prepared->n;
    line->offsets = ints;
    line->times = ints + words;
    line->kinds = ints + 2 * words;
    line->breaks = ints + 3 * words;
    *counts = ints + 4 * words;
    line->at_sentence = (char *)(ints + 5 * words);
}

/* The kind of boundary before word k from its row and class: rows[k - 1][afters[k]]. */
static int
kind_of(const Model *model, PyObject *row, PyObject *after, int64_t *kind)
{
    if (!PyTuple_Check(row) || !PyLong_Check(after)) {
        PyErr_SetString(PyExc_TypeError, "a cached row is not a tuple or a class not an int");
        return 0;
    }
    Py_ssize_t column = PyLong_AsSsize_t(after);
    if (column < 0 || column >= PyTuple_GET_SIZE(row)) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "a cached class is not a column of its row");
        return 0;
    }
    PyObject *item = PyTuple_GET_ITEM(row, column);
    long value = PyLong_Check(item) ? PyLong_AsLong(item) : -1;
    if (value < 0 || value >= model->units.kinds) {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "a cached kind is not a kind");
        return 0;
    }
    *kind = value;
    return 1;
}

/* One pass of boundaries.boundary_kinds over the n words, one lookup a word: 1 with the kinds,
 * -1 when a word is not cached, 0 and an exception on failure. No Python code runs: the
 * entries stay alive. */
static int
cached_kinds(const Preparing *preparing, PyObject *const *words, Py_ssize_t n, int64_t *kinds)
{
    PyObject *previous = NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *entry = PyDict_GetItemWithError(preparing->classes, words[k]);
        if (entry == NULL) {
            return PyErr_Occurred() ? 0 : -1;
        }
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2) {
            PyErr_SetString(PyExc_TypeError, "a cached entry is not a (row, class) pair");
            return 0;
        }
        if (k == 0) {
            kinds[0] = SENTENCE;
        }
        else if (!kind_of(preparing->model, previous, PyTuple_GET_ITEM(entry, 1), &kinds[k])) {
            return 0;
        }
        previous = PyTuple_GET_ITEM(entry, 0);
    }
    return 1;
}

/* boundaries.boundary_kinds: the kinds of the words (a list) from the cache, its words
 * classified first where one is not cached; 0 and an exception on failure. */
static int
line_kinds(const Preparing *preparing, PyObject *words, int64_t *kinds)
{
    PyObject *const *items = PySequence_Fast_ITEMS(words);
    Py_ssize_t n = PyList_GET_SIZE(words);
    int found = cached_kinds(preparing, items, n, kinds);
    if (found < 0) {
        PyObject *done = PyObject_CallOneArg(preparing->classify, words);
        if (done == NULL) {
            return 0;
        }
        Py_DECREF(done);
        found = cached_kinds(preparing, items, n, kinds);
        if (found < 0) {
            PyErr_SetString(PyExc_KeyError, "a word is not classified");
        }
    }
    return found > 0;
}

/* A speaker's name (None or a str) and its label "Name: " (or ""), borrowed from
 * preparing->names, speaker_name called once per speaker; 0 and an exception on failure. */
static int
speaker_of(Preparing *preparing, PyObject *speaker, PyObject **name, PyObject **label)
{
    PyObject *known = PyDict_GetItemWithError(preparing->names, speaker);
    if (known == NULL) {
        if (PyErr_Occurred()) {
            return 0;
        }
        PyObject *found = PyObject_CallOneArg(preparing->name_of, speaker);
        if (found == NULL) {
            return 0;
        }
        if (found != Py_None && !PyUnicode_CheckExact(found)) {
            Py_DECREF(found);
            PyErr_SetString(PyExc_TypeError, "a speaker's name is not a str");
            return 0;
        }
        PyObject *text = found == Py_None ? Py_NewRef(preparing->model->empty)
                                          : PyUnicode_FromFormat("%U: ", found);
        known = text ? PyTuple_Pack(2, found, text) : NULL;
        Py_DECREF(found);
        Py_XDECREF(text);
        if (known == NULL || PyDict_SetItem(preparing->names, speaker, known) < 0) {
            Py_XDECREF(known);
            return 0;
        }
        Py_DECREF(known); /* the dict holds it */
    }
    *name = PyTuple_GET_ITEM(known, 0);
    *label = PyTuple_GET_ITEM(known, 1);
    return 1;
}

/* Attribute `k` of preparing->attrs of `object` as an int64_t; 0 and an exception when it is
 * not an int or leaves 64 bits. */
static int
int64_attr(const Preparing *preparing, PyObject *object, int k, int64_t *into)
{
    PyObject *value = PyObject_GetAttr(object, preparing->attrs[k]);
    if (value == NULL) {
        return 0;
    }
    int ok = int64_of(value, "a timed line's time", into);
    Py_DECREF(value);
    return ok;
}

/* A timed line's utterance's text, speaker and source (new references) and its span and stamp;
 * 0 and an exception on failure. */
static int
line_values(const Preparing *preparing, PyObject *timed, PyObject *values[3], int64_t span[2],
            int *stamped)
{
    PyObject *utterance = PyObject_GetAttr(timed, preparing->attrs[0]), *flag = NULL;
    int ok = utterance != NULL && int64_attr(preparing, timed, 1, &span[0])
             && int64_attr(preparing, timed, 2, &span[1])
             && (flag = PyObject_GetAttr(timed, preparing->attrs[3])) != NULL
             && (*stamped = PyObject_IsTrue(flag)) >= 0;
    for (int k = 0; k < 3; k++) {
        values[k] = ok ? PyObject_GetAttr(utterance, preparing->attrs[4 + k]) : NULL;
        ok = ok && values[k] != NULL;
    }
    if (ok && !PyUnicode_Check(values[0])) {
        PyErr_SetString(PyExc_TypeError, "a line's text is not a str");
        ok = 0;
    }
    Py_XDECREF(utterance);
    Py_XDECREF(flag);
    return ok;
}

/* Whether `text` is its n words (their offsets in the joined text) joined by single spaces,
 * as it is when its source has no other whitespace: then it is its own joined text. */
static int
joined_text(PyObject *text, const int64_t *offsets, Py_ssize_t n)
{
    if (!PyUnicode_CheckExact(text) || PyUnicode_GET_LENGTH(text) != offsets[n] - 1) {
        return 0; /* a str subclass, whitespace at an end, or more between two words */
    }
    for (Py_ssize_t k = 1; k < n; k++) {
        if (PyUnicode_READ_CHAR(text, (Py_ssize_t)offsets[k] - 1) != ' ') {
            return 0;
        }
    }
    return 1;
}

/* The words (a non-empty list) of a prepared line, `text` split: joined, and their kinds, offsets, planned
 * times over [span[0], span[1]), break units and sentence counts; 0 and an exception
 * (OverflowError when a value leaves 64 bits). */
static int
prepare_words(const Preparing *preparing, Prepared *prepared, PyObject *text, PyObject *words,
              const int64_t span[2])
{
    Cut cut;
    const Py_ssize_t n = PyList_GET_SIZE(words);
    size_t bytes = line_bytes(n); /* checks 6 arrays of n + 1 fit a size_t */
    prepared->ints = bytes ? PyMem_Malloc(((size_t)n + 1) * (5 * sizeof(int64_t) + 1)) : NULL;
    if (prepared->ints == NULL) {
        PyErr_NoMemory();
        return 0;
    }
    prepared->n = n;
    memset(&cut, 0, sizeof(cut));
    cut.model = preparing->model;
    cut.line.units = &cut.model->units;
    prepared_arrays(prepared, &cut.line, &cut.counts);
    if (!line_kinds(preparing, words, cut.line.kinds)
        || !words_fill(&cut, PySequence_Fast_ITEMS(words), span[0], span[1])) {
        return 0;
    }
    prepared->text = joined_text(text, cut.line.offsets, n)
                         ? Py_NewRef(text)
                         : PyUnicode_Join(cut.model->space, words);
    return prepared->text != NULL;
}

/* Timed line `index` into lines->lines[index]: its values, its speaker's name and label, and
 * its words; 0 and an exception on failure. */
static int
prepare_line(Preparing *preparing, Lines *lines, PyObject *timed, Py_ssize_t index)
{
    Prepared *prepared = &lines->lines[index];
    PyObject *values[3] = {NULL, NULL, NULL}, *words = NULL, *name, *label;
    int64_t span[2];
    int ok = 0;
    if (!line_values(preparing, timed, values, span, &prepared->stamped)) {
        goto done;
    }
    lines->bounded = prepared->stamped ? index : lines->bounded;
    lines->final_end = index == 0 || span[1] > lines->final_end ? span[1] : lines->final_end;
    prepared->speaker = Py_NewRef(values[1]);
    prepared->source = Py_NewRef(values[2]);
    if (!speaker_of(preparing, values[1], &name, &label)
        || (words = PyUnicode_Split(values[0], NULL, -1)) == NULL) {
        goto done;
    }
    prepared->name = Py_NewRef(name);
    prepared->label = Py_NewRef(label);
    ok = PyList_GET_SIZE(words) == 0
         || prepare_words(preparing, prepared, values[0], words, span);
    lines->widest = prepared->n > lines->widest ? prepared->n : lines->widest;
done:
    Py_XDECREF(words);
    for (int k = 0; k < 3; k++) {
        Py_XDECREF(values[k]);
    }
    return ok;
}

/* Release the line's last cut. */
static void
forget_cut(Prepared *prepared)
{
    for (Py_ssize_t k = 0; prepared->texts != NULL && k < prepared->runs; k++) {
        Py_XDECREF(prepared->texts[k]);
    }
    PyMem_Free(prepared->texts);
    PyMem_Free(prepared->starts);
    prepared->texts = NULL;
    prepared->starts = NULL;
    prepared->runs = 0;
}

/* Release the line's last search. */
static void
forget_search(Prepared *prepared)
{
    PyMem_Free(prepared->searched);
    PyMem_Free(prepared->lists);
    prepared->searched = NULL;
    prepared->lists = NULL;
    prepared->found = 0;
}

static void
lines_dealloc(PyObject *self)
{
    Lines *lines = (Lines *)self;
    for (Py_ssize_t k = 0; lines->lines != NULL && k < lines->count; k++) {
        Prepared *prepared = &lines->lines[k];
        Py_XDECREF(prepared->text);
        Py_XDECREF(prepared->speaker);
        Py_XDECREF(prepared->source);
        Py_XDECREF(prepared->name);
        Py_XDECREF(prepared->label);
        PyMem_Free(prepared->ints);
        forget_cut(prepared);
        forget_search(prepared);
    }
    PyMem_Free(lines->lines);
    Py_XDECREF(lines->model);
    Py_TYPE(self)->tp_free(self);
}

static PyTypeObject LinesType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "castline.timing._cue_engine.Lines",
    .tp_doc = "An episode's timed lines split and classified by a Model (see Model.lines).",
    .tp_basicsize = sizeof(Lines),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = lines_dealloc,
};

/* Every timed line (a list or tuple from PySequence_Fast) of `lines` prepared; 0 and an
 * exception. */
static int
lines_fill(Preparing *preparing, Lines *lines, PyObject *timed)
{
    static const char *const attrs[7] = {"utterance", "start_ms", "end_ms", "stamped",
                                         "text",      "speaker",  "source"};
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(timed);
    lines->lines = PyMem_Calloc((size_t)n + 1, sizeof(Prepared));
    if (lines->lines == NULL) {
        PyErr_NoMemory();
        return 0;
    }
    lines->count = n;
    for (int k = 0; k < 7; k++) {
        if ((preparing->attrs[k] = PyUnicode_InternFromString(attrs[k])) == NULL) {
            return 0;
        }
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!prepare_line(preparing, lines, PySequence_Fast_GET_ITEM(timed, k), k)) {
            return 0;
        }
    }
    return 1;
}

PyDoc_STRVAR(model_lines_doc,
"lines(timed_lines, speaker_name, word_classes, classify)\n"
"--\n"
"\n"
"An episode's timed lines as Model.cues cuts them under any policy: each line's speaker name\n"
"(by speaker_name, once per speaker) and label, its words split as str.split() splits them\n"
"and their boundary kinds from boundaries' word_classes (word -> (row, after class); classify\n"
"fills it, and keeps it bounded, for a line with a word not in it), offsets and planned\n"
"times. OverflowError when a value leaves 64 bits.");

static PyObject *
model_lines(PyObject *self, PyObject *args)
{
    Preparing preparing;
    PyObject *timed, *sequence = NULL, *result = NULL;
    memset(&preparing, 0, sizeof(preparing));
    preparing.model = (const Model *)self;
    if (!PyArg_ParseTuple(args, "OOO!O:lines", &timed, &preparing.name_of, &PyDict_Type,
                          &preparing.classes, &preparing.classify)) {
        return NULL;
    }
    Lines *lines = PyObject_New(Lines, &LinesType);
    if (lines == NULL) {
        return NULL;
    }
    memset((char *)lines + sizeof(PyObject), 0, sizeof(Lines) - sizeof(PyObject));
    result = (PyObject *)lines; /* from here on, a DECREF frees it all */
    lines->model = Py_NewRef(self);
    if ((preparing.names = PyDict_New()) == NULL
        || (sequence = PySequence_Fast(timed, "timed_lines must be a sequence")) == NULL
        || !lines_fill(&preparing, lines, sequence)) {
        Py_CLEAR(result);
    }
    Py_XDECREF(sequence);
    Py_XDECREF(preparing.names);
    for (int k = 0; k < 7; k++) {
        Py_XDECREF(preparing.attrs[k]);
    }
    return result;
}

/* --- An episode's cues under a policy (castline.timing.cues.build_cues) ------------------- */

/* One cue before its final times (cues._Pieces's columns). */
typedef struct {
    Py_ssize_t line;  /* index into the timed lines */
    PyObject *lines;  /* its display lines (owned) */
    PyObject *label;  /* its label, "" for none (owned) */
    int64_t start;
    int64_t end;
    int64_t chars;    /* its words' characters, label included */
    int locked;       /* starts its line on the line's own stamp */
} Piece;

/* The labels of CuePolicy.speaker_labels. */
enum { LABELS_NONE, LABELS_CHANGE, LABELS_EVERY };

/* What build_cues reads of its policy, and the episode's state while its lines are cut. */
typedef struct {
    const Model *model;
    Lines *lines;        /* the episode's lines, prepared by the model (their cuts kept) */
    int64_t width, max_lines, min_cue, max_cue, target_cps, max_cps, min_gap, offset;
    int mode;
    PyObject *unknown;   /* cues.UNKNOWN_CHANGE */
    PyObject *empty;     /* "" */
    Cut cut;             /* room for the widest line, every line's cut in turn */
    void *blocks[2];     /* the cut's */
    Piece *pieces;
    Py_ssize_t count;    /* pieces in use */
    Py_ssize_t room;     /* pieces allocated */
    int64_t final_end;   /* the last end of every timed line */
    Py_ssize_t bounded;  /* the last stamped line (0 when none) */
} Episode;

/* Room for one more piece; 0 and MemoryError when there is none. */
static int
pieces_grow(Episode *episode)
{
    if (episode->count < episode->room) {
        return 1;
    }
    Py_ssize_t room = episode->room * 2 + 64;
    Piece *pieces = PyMem_Realloc(episode->pieces, (size_t)room * sizeof(Piece));
    if (pieces == NULL) {
        PyErr_NoMemory();
        return 0;
    }
    episode->pieces = pieces;
    episode->room = room;
    return 1;
}

/* cues._label_timed: each cue's span re-timed so that each shown label's characters get their
 * share of the line's span (the count cues from `first` on); 0 and OverflowError when a value
 * leaves 64 bits. */
static int
label_timed(Episode *episode, Py_ssize_t first, int64_t label, int every)
{
    Piece *pieces = episode->pieces + first;
    const Py_ssize_t count = episode->count - first;
    const int64_t start = pieces[0].start, end = pieces[count - 1].end;
    int64_t total = 0, done = 0, span, product, bound = start;
    for (Py_ssize_t k = 0; k < count; k++) {
        total += pieces[k].chars + (every || k == 0 ? label : 0); /* far inside 64 bits */
    }
    if (!checked_sub(end, start, &span)) {
        goto overflow;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        done += pieces[k].chars + (every || k == 0 ? label : 0);
        pieces[k].start = bound;
        if (k + 1 < count) {
            if (!checked_mul(span, done, &product)
                || !checked_add(start, floor_div(product, total), &bound)) {
                goto overflow;
            }
        }
        pieces[k].end = k + 1 < count ? bound : end;
    }
    return 1;
overflow:
    PyErr_SetString(PyExc_OverflowError, "a labelled cue's time leaves 64 bits");
    return 0;
}

/* Keep the cut cut->back gives as the line's last cut under `rules`: its runs' starts and
 * display lines (of the words joined in the line's text); 0 and an exception on failure. */
static int
remember_cut(Prepared *prepared, const Cut *cut, const int64_t rules[6])
{
    Py_ssize_t runs = 0;
    forget_cut(prepared);
    for (Py_ssize_t j = cut->line.n; j > 0; j = cut->back[j]) {
        runs++;
    }
    prepared->starts = PyMem_New(Py_ssize_t, runs + 1);
    prepared->texts = PyMem_Calloc((size_t)runs, sizeof(PyObject *));
    if (prepared->starts == NULL || prepared->texts == NULL) {
        forget_cut(prepared);
        PyErr_NoMemory();
        return 0;
    }
    prepared->runs = runs;
    for (Py_ssize_t j = cut->line.n, at = runs; j > 0; j = cut->back[j]) {
        prepared->starts[at--] = j;
    }
    prepared->starts[0] = 0;
    for (Py_ssize_t k = 0; k < runs; k++) {
        prepared->texts[k] = lines_of(cut, prepared->text, prepared->starts[k],
                                      prepared->starts[k + 1]);
        if (prepared->texts[k] == NULL) {
            forget_cut(prepared);
            return 0;
        }
    }
    memcpy(prepared->rules, rules, sizeof(prepared->rules));
    return 1;
}

/* Keep the cut's search (see Prepared) as the line's last under `rules`; 0 and MemoryError. */
static int
keep_search(Prepared *prepared, const Cut *cut, const int64_t rules[5])
{
    const Py_ssize_t words = cut->line.n + 1, found = cut->cheapest.size;
    forget_search(prepared);
    prepared->searched = PyMem_New(int64_t, words + 1);
    prepared->lists = PyMem_New(Py_ssize_t, 2 * words + found);
    if (prepared->searched == NULL || prepared->lists == NULL) {
        forget_search(prepared);
        PyErr_NoMemory();
        return 0;
    }
    memcpy(prepared->searched, cut->line.ends, (size_t)words * sizeof(int64_t));
    prepared->searched[words] = cut->least;
    memcpy(prepared->lists, cut->cheapest.first, (size_t)words * sizeof(Py_ssize_t));
    memcpy(prepared->lists + words, cut->cheapest.count, (size_t)words * sizeof(Py_ssize_t));
    if (found) {
        memcpy(prepared->lists + 2 * words, cut->cheapest.ends, (size_t)found * sizeof(Py_ssize_t));
    }
    prepared->found = found;
    memcpy(prepared->search_rules, rules, sizeof(prepared->search_rules));
    return 1;
}

/* The line's last search back into the cut, as the search leaves it; 0 and MemoryError. */
static int
restore_search(Cut *cut, const Prepared *prepared)
{
    const Py_ssize_t words = cut->line.n + 1;
    Cheapest *cheapest = &cut->cheapest;
    memcpy(cut->line.ends, prepared->searched, (size_t)words * sizeof(int64_t));
    cut->least = prepared->searched[words];
    memcpy(cheapest->first, prepared->lists, (size_t)words * sizeof(Py_ssize_t));
    memcpy(cheapest->count, prepared->lists + words, (size_t)words * sizeof(Py_ssize_t));
    cheapest->size = 0;
    return cheapest_append(cheapest, prepared->lists + 2 * words, prepared->found);
}

/* The pieces of line `index` from its last cut, in order; 0 and an exception on failure. */
static int
cut_pieces(Episode *episode, const Prepared *prepared, Py_ssize_t index)
{
    const int64_t *offsets = prepared->ints, *times = prepared->ints + prepared->n + 1;
    for (Py_ssize_t k = 0; k < prepared->runs; k++) {
        Py_ssize_t i = prepared->starts[k], j = prepared->starts[k + 1];
        if (!pieces_grow(episode)) {
            return 0;
        }
        episode->pieces[episode->count++] = (Piece){
            index, Py_NewRef(prepared->texts[k]), Py_NewRef(episode->empty), times[i], times[j],
            offsets[j] - offsets[i] - 1, 0};
    }
    return 1;
}

/* segment.cut_line of prepared line `index` (it has words) over its span, `reserve`
 * characters kept for a label, into its pieces: the line's last cut where it was cut under
 * the same rules, else the episode's cut on the line's arrays, from the line's last search
 * where only the first cue's room differs; 0 and an exception on failure (OverflowError when
 * a value leaves 64 bits). */
static int
line_cut(Episode *episode, Py_ssize_t index, int64_t reserve)
{
    Prepared *prepared = &episode->lines->lines[index];
    Cut *cut = &episode->cut;
    /* width - reserve: the width is a positive int64_t and the reserve a label's length */
    cut->first_width = reserve ? (episode->width - reserve > 1 ? episode->width - reserve : 1)
                               : episode->width;
    cut->rows_width = episode->mode == LABELS_EVERY ? cut->first_width : episode->width;
    const int64_t rules[6] = {episode->width,    episode->max_lines, episode->min_cue,
                              episode->max_cue,  cut->first_width,   cut->rows_width};
    if (prepared->starts == NULL || memcmp(prepared->rules, rules, sizeof(rules)) != 0) {
        const int64_t searching[5] = {rules[0], rules[1], rules[2], rules[3], rules[5]};
        int searched = prepared->searched != NULL
                       && memcmp(prepared->search_rules, searching, sizeof(searching)) == 0;
        prepared_arrays(prepared, &cut->line, &cut->counts);
        cut->cheapest.size = 0;
        if (!fills_and_reaches(cut)) {
            return 0;
        }
        if (searched ? !restore_search(cut, prepared)
                     : !search(&cut->line, cut->rows_width, keep_ends, &cut->cheapest,
                               &cut->least)
                           || !keep_search(prepared, cut, searching)) {
            return 0;
        }
        if (!cut_after_search(cut) || !remember_cut(prepared, cut, rules)) {
            return 0;
        }
    }
    return cut_pieces(episode, prepared, index);
}

/* The episode's cut: the policy's rules, room for the widest line; 0 and an exception. */
static int
episode_cut(Episode *episode)
{
    Cut *cut = &episode->cut;
    memset(cut, 0, sizeof(*cut));
    cut->model = episode->model;
    cut->line.units = &cut->model->units;
    cut->line.width = episode->width;
    cut->max_lines = episode->max_lines;
    cut->line.two = episode->max_lines >= 2;
    cut->line.min_ms = episode->min_cue;
    cut->line.max_ms = episode->max_cue;
    return episode->lines->widest == 0
           || cut_alloc(cut, episode->lines->widest, episode->blocks);
}

/* The label of a line whose speaker is `name` with label `text` ("Name: " or ""), after a
 * line of `previous` (cues._pieces): borrowed. */
static PyObject *
label_of(const Episode *episode, PyObject *name, PyObject *text, PyObject *previous,
         int first_cue)
{
    if (name == Py_None) {
        return previous != Py_None ? episode->unknown : episode->empty;
    }
    if (episode->mode == LABELS_EVERY) {
        return text;
    }
    if (episode->mode == LABELS_CHANGE) {
        if (first_cue) {
            return text;
        }
        int same = PyObject_RichCompareBool(previous, name, Py_EQ); /* two str or None */
        return same < 0 ? NULL : same ? episode->empty : text;
    }
    return episode->empty;
}

/* Each new piece's label and characters (from `first` on): the label on the first, and on every
 * one with every label but the unknown speaker's marker; the first locked on a stamped line. */
static int
label_pieces(Episode *episode, Py_ssize_t first, PyObject *label, int stamped)
{
    int every = episode->mode == LABELS_EVERY;
    int marker = every ? PyUnicode_Compare(label, episode->unknown) == 0 : 0;
    if (PyErr_Occurred()) {
        return 0;
    }
    for (Py_ssize_t k = first; k < episode->count; k++) {
        Piece *piece = &episode->pieces[k];
        if (k == first || (every && !marker)) {
            Py_SETREF(piece->label, Py_NewRef(label));
            piece->chars += PyUnicode_GET_LENGTH(label);
        }
        piece->locked = k == first && stamped;
    }
    return 1;
}

/* cues._pieces for line `index`: its speaker's label, the cut of its words and their label
 * timing; *previous (borrowed) and *first_cue follow the lines that have words. */
static int
line_pieces(Episode *episode, Py_ssize_t index, PyObject **previous, int *first_cue)
{
    const Prepared *prepared = &episode->lines->lines[index];
    PyObject *label = label_of(episode, prepared->name, prepared->label, *previous, *first_cue);
    if (label == NULL) {
        return 0;
    }
    if (prepared->n == 0) {
        return 1;
    }
    Py_ssize_t first = episode->count;
    int64_t reserve = PyUnicode_GET_LENGTH(label);
    *previous = prepared->name;
    *first_cue = 0;
    return line_cut(episode, index, reserve)
           && (!reserve || label_timed(episode, first, reserve, episode->mode == LABELS_EVERY))
           && label_pieces(episode, first, label, prepared->stamped);
}

/* --- Settling the times (cues._separate, _lengthen, _borrow, _make_gaps) ------------------ */

/* cues._need: the time a cue of `chars` characters keeps before lending any, at `cps`. */
static int64_t
need(const Episode *episode, int64_t chars, int64_t cps)
{
    /* chars stays below 2**42: chars * 1000 is far inside 64 bits */
    int64_t reading = -floor_div(-chars * 1000, cps);
    return reading > episode->min_cue ? reading : episode->min_cue;
}

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* cues._separate: at least 1 ms each (strictly increasing starts), within the end, each
 * ending by the next start and lasting at most max_cue_ms; 0 when a value leaves 64 bits. */
static int
separate(Episode *episode)
{
    Piece *p = episode->pieces;
    const Py_ssize_t count = episode->count;
    for (Py_ssize_t k = 1; k < count; k++) {
        if (p[k].start <= p[k - 1].start && !checked_add(p[k - 1].start, 1, &p[k].start)) {
            return 0;
        }
    }
    episode->final_end = MAX(episode->final_end, (int64_t)count);
    int64_t limit = episode->final_end, end, cap;
    for (Py_ssize_t k = count - 1; k >= 0; k--) {
        if (p[k].start >= limit && !checked_sub(limit, 1, &p[k].start)) {
            return 0;
        }
        limit = p[k].start;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        int64_t following = k + 1 < count ? p[k + 1].start : episode->final_end;
        if (!checked_add(p[k].start, 1, &end) || !checked_add(p[k].start, episode->max_cue, &cap)) {
            return 0;
        }
        end = MAX(end, MIN(p[k].end, following));
        p[k].end = MIN(end, cap);
    }
    return 1;
}

/* cues._borrow: cue k takes up to *short ms from the next cue's start, then from the previous
 * cue's end, where they touch and the lender keeps its need at `cps`; 0 on overflow. */
static int
borrow(Episode *episode, Py_ssize_t k, int64_t *short_ms, int64_t cps)
{
    Piece *p = episode->pieces;
    int64_t spare, move;
    if (*short_ms > 0 && k + 1 < episode->count && p[k].end == p[k + 1].start) {
        if (!checked_sub(p[k + 1].end, p[k + 1].start, &spare)
            || !checked_sub(spare, need(episode, p[k + 1].chars, cps), &spare)) {
            return 0;
        }
        move = p[k + 1].locked ? 0 : MIN(*short_ms, spare);
        if (move > 0) { /* the next cue's start stays within its end */
            p[k].end += move;
            p[k + 1].start += move;
            *short_ms -= move;
        }
    }
    if (*short_ms > 0 && k > 0 && p[k - 1].end == p[k].start && !p[k].locked) {
        if (!checked_sub(p[k - 1].end, p[k - 1].start, &spare)
            || !checked_sub(spare, need(episode, p[k - 1].chars, cps), &spare)) {
            return 0;
        }
        move = MIN(*short_ms, spare);
        if (move > 0) { /* the previous cue's end stays within its start */
            p[k].start -= move;
            p[k - 1].end -= move;
            *short_ms -= move;
        }
    }
    return 1;
}

/* cues._lengthen: each cue lasts at least min_cue_ms where there is time, free time after it
 * first, then a neighbour's spare; 0 when a value leaves 64 bits. */
static int
lengthen(Episode *episode)
{
    Piece *p = episode->pieces;
    const Py_ssize_t count = episode->count;
    for (Py_ssize_t k = 0; k < count; k++) {
        int64_t short_ms, following, room, cap;
        if (!checked_sub(p[k].end, p[k].start, &short_ms)
            || !checked_sub(episode->min_cue, short_ms, &short_ms)) {
            return 0;
        }
        if (short_ms <= 0) {
            continue;
        }
        if (k + 1 < count) {
            following = p[k + 1].start;
        }
        else if (!checked_add(p[k].end, short_ms, &following)) {
            return 0;
        }
        else {
            following = MAX(episode->final_end, following);
        }
        if (!checked_sub(following, p[k].end, &room)
            || !checked_add(p[k].start, episode->max_cue, &cap)
            || !checked_sub(cap, p[k].end, &cap)) {
            return 0;
        }
        int64_t grow = MIN(short_ms, MIN(room, cap));
        if (grow > 0) { /* the end stays within the following start */
            p[k].end += grow;
            short_ms -= grow;
        }
        if (!borrow(episode, k, &short_ms, episode->target_cps)
            || !borrow(episode, k, &short_ms, episode->max_cps)) {
            return 0;
        }
    }
    return 1;
}

/* cues._make_gaps: a gap of min_gap_ms between cues from the earlier cue's end, never below
 * its need at max_cps; 0 when a value leaves 64 bits. */
static int
make_gaps(Episode *episode)
{
    Piece *p = episode->pieces;
    for (Py_ssize_t k = 0; k + 1 < episode->count; k++) {
        int64_t gap, keep, pushed;
        if (!checked_sub(p[k + 1].start, p[k].end, &gap)) {
            return 0;
        }
        if (gap < episode->min_gap) {
            int64_t floor = MAX(need(episode, p[k].chars, episode->max_cps), 1);
            if (!checked_add(p[k].start, floor, &keep)
                || !checked_sub(p[k + 1].start, episode->min_gap, &pushed)) {
                return 0;
            }
            keep = MIN(p[k].end, keep);
            p[k].end = MAX(keep, pushed);
        }
    }
    return 1;
}

/* --- The cues (build_cues) ----------------------------------------------------------------- */

/* cues._short_lines: a list of (line, shortest duration) for each line before
 * the last stamped one with a cue shorter than min_cue_ms, in order; NULL and an exception. */
static PyObject *
short_lines(const Episode *episode)
{
    PyObject *found = PyList_New(0);
    Py_ssize_t line = -1;
    int64_t shortest = 0;
    for (Py_ssize_t k = 0; found != NULL && k <= episode->count; k++) {
        const Piece *piece = k < episode->count ? &episode->pieces[k] : NULL;
        if (piece != NULL && piece->line == line) { /* the pieces are in line order */
            shortest = MIN(shortest, piece->end - piece->start); /* both settled: no overflow */
            continue;
        }
        if (line >= 0 && line < episode->bounded && shortest < episode->min_cue) {
            PyObject *pair = Py_BuildValue("(nL)", line, (long long)shortest);
            if (pair == NULL || PyList_Append(found, pair) < 0) {
                Py_CLEAR(found);
            }
            Py_XDECREF(pair);
        }
        if (piece != NULL) {
            line = piece->line;
            shortest = piece->end - piece->start;
        }
    }
    return found;
}

/* The Cue fields in the order cues.Cue declares them. */
#define CUE_FIELDS 6

/* A cue of `type` (cues.Cue, a frozen dataclass with slots) with `values`, each stored in its
 * slot (at `offsets`) as its __init__'s object.__setattr__ stores it; NULL and an exception. */
static PyObject *
cue_new(PyTypeObject *type, const Py_ssize_t *offsets, PyObject *const *values)
{
    PyObject *cue = type->tp_alloc(type, 0); /* what object.__new__ does for a plain class */
    for (int k = 0; cue != NULL && k < CUE_FIELDS; k++) {
        *(PyObject **)((char *)cue + offsets[k]) = Py_NewRef(values[k]); /* each slot NULL */
    }
    return cue;
}

/* The cues, offset, as a tuple of `type`; NULL and an exception (OverflowError when a time
 * leaves 64 bits once offset). */
static PyObject *
cues_tuple(const Episode *episode, PyTypeObject *type, const Py_ssize_t *offsets)
{
    PyObject *cues = PyTuple_New(episode->count);
    for (Py_ssize_t k = 0; cues != NULL && k < episode->count; k++) {
        const Piece *piece = &episode->pieces[k];
        const Prepared *line = &episode->lines->lines[piece->line];
        int64_t start, end;
        if (!checked_add(piece->start, episode->offset, &start)
            || !checked_add(piece->end, episode->offset, &end)) {
            PyErr_SetString(PyExc_OverflowError, "an offset cue's time leaves 64 bits");
            Py_CLEAR(cues);
            break;
        }
        PyObject *values[CUE_FIELDS] = {PyLong_FromLongLong(start), PyLong_FromLongLong(end),
                                        line->speaker, piece->lines, line->source, piece->label};
        PyObject *cue = values[0] && values[1] ? cue_new(type, offsets, values) : NULL;
        Py_XDECREF(values[0]);
        Py_XDECREF(values[1]);
        if (cue == NULL) {
            Py_CLEAR(cues);
            break;
        }
        PyTuple_SET_ITEM(cues, k, cue);
    }
    return cues;
}

/* Every piece of the prepared lines, settled; 0 and an exception (OverflowError when a value
 * leaves 64 bits). */
static int
episode_pieces(Episode *episode)
{
    PyObject *previous = Py_None;
    int first_cue = 1;
    episode->final_end = episode->lines->final_end;
    episode->bounded = episode->lines->bounded;
    if (!episode_cut(episode)) {
        return 0;
    }
    for (Py_ssize_t k = 0; k < episode->lines->count; k++) {
        if (!line_pieces(episode, k, &previous, &first_cue)) {
            return 0;
        }
    }
    if (episode->count && !(separate(episode) && lengthen(episode) && make_gaps(episode))) {
        PyErr_SetString(PyExc_OverflowError, "a cue's time leaves 64 bits");
        return 0;
    }
    return 1;
}

/* Release what the episode owns. */
static void
episode_free(Episode *episode)
{
    for (Py_ssize_t k = 0; k < episode->count; k++) {
        Py_DECREF(episode->pieces[k].lines);
        Py_DECREF(episode->pieces[k].label);
    }
    PyMem_Free(episode->pieces);
    PyMem_Free(episode->blocks[0]);
    PyMem_Free(episode->blocks[1]);
    PyMem_Free(episode->cut.cheapest.ends);
}

/* The policy's values (width, max_lines, min_cue_ms, max_cue_ms, target_cps, max_cps,
 * min_gap_ms, offset_ms) into the episode, the labels' mode checked; 0 and an exception. */
static int
episode_policy(Episode *episode, PyObject *values, int mode)
{
    int64_t *into[] = {&episode->width, &episode->max_lines, &episode->min_cue,
                       &episode->max_cue, &episode->target_cps, &episode->max_cps,
                       &episode->min_gap, &episode->offset};
    if (!PyTuple_Check(values) || PyTuple_GET_SIZE(values) != 8) {
        PyErr_SetString(PyExc_TypeError, "the policy is not a tuple of 8 ints");
        return 0;
    }
    for (int k = 0; k < 8; k++) {
        if (!int64_of(PyTuple_GET_ITEM(values, k), "a policy value", into[k])) {
            return 0;
        }
    }
    if (episode->width < 1 || episode->max_lines < 1 || episode->min_cue < 0
        || episode->max_cue < 1 || episode->target_cps < 1 || episode->max_cps < 1
        || episode->min_gap < 0 || mode < LABELS_NONE || mode > LABELS_EVERY) {
        PyErr_SetString(PyExc_ValueError, "a policy value is out of range");
        return 0;
    }
    return 1;
}

/* The slots' offsets of the Cue fields into `offsets`: each field's descriptor a writable
 * object slot of `type` itself (as the dataclass makes cues.Cue's); 0 and TypeError when
 * `type` is not such a class. */
static int
cue_fields(PyObject *type, Py_ssize_t *offsets)
{
    static const char *const names[CUE_FIELDS] = {"start_ms", "end_ms", "speaker",
                                                  "lines",    "source", "label"};
    if (!PyType_Check(type) || ((PyTypeObject *)type)->tp_new != PyBaseObject_Type.tp_new) {
        PyErr_SetString(PyExc_TypeError, "the cue type is not a plain class");
        return 0;
    }
    for (int k = 0; k < CUE_FIELDS; k++) {
        PyObject *field = PyObject_GetAttrString(type, names[k]);
        PyMemberDef *member = field != NULL && Py_IS_TYPE(field, &PyMemberDescr_Type)
                                  ? ((PyMemberDescrObject *)field)->d_member
                                  : NULL;
        int slot = member != NULL && member->type == T_OBJECT_EX && !(member->flags & READONLY)
                   && ((PyDescrObject *)field)->d_type == (PyTypeObject *)type;
        offsets[k] = slot ? member->offset : 0;
        Py_XDECREF(field);
        if (!slot) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "the cue type has no slot %s", names[k]);
            return 0;
        }
    }
    return 1;
}

PyDoc_STRVAR(model_cues_doc,
"cues(lines, policy, mode, unknown_change, cue_type)\n"
"--\n"
"\n"
"castline.timing.cues.build_cues of the lines (Model.lines of this model) before its\n"
"warnings: (cues, short), the cues a tuple of cue_type and short the (line, shortest\n"
"duration) of each line cues._short_lines reports. policy: (max_chars_per_line, max_lines,\n"
"min_cue_ms, max_cue_ms, target_cps, max_cps, min_gap_ms, offset_ms); mode 0, 1, 2: speaker\n"
"labels none, change, every. OverflowError when a value leaves 64 bits.");

static PyObject *
model_cues(PyObject *self, PyObject *args)
{
    Episode episode;
    PyObject *lines, *policy, *type, *result = NULL;
    Py_ssize_t offsets[CUE_FIELDS];
    int mode;
    memset(&episode, 0, sizeof(episode));
    episode.model = (const Model *)self;
    if (!PyArg_ParseTuple(args, "O!OiUO:cues", &LinesType, &lines, &policy, &mode,
                          &episode.unknown, &type)) {
        return NULL;
    }
    if (((Lines *)lines)->model != self) {
        PyErr_SetString(PyExc_ValueError, "the lines were prepared by another model");
        return NULL;
    }
    episode.lines = (Lines *)lines;
    episode.mode = mode;
    episode.empty = episode.model->empty;
    if (episode_policy(&episode, policy, mode) && cue_fields(type, offsets)
        && episode_pieces(&episode)) {
        PyObject *cues = cues_tuple(&episode, (PyTypeObject *)type, offsets);
        PyObject *short_cues = cues ? short_lines(&episode) : NULL;
        if (short_cues == NULL) {
            Py_XDECREF(cues);
        }
        else {
            /* "N" hands both references over, on failure too (they are released then). */
            result = Py_BuildValue("(NN)", cues, short_cues);
        }
    }
    episode_free(&episode);
    return result;
}

/* --- The cost model (model) ---------------------------------------------------------------- */

/* The `length` items of tuple `source` (numbers) as doubles in a new array; NULL and an
 * exception when they are not. */
static double *
double_table(PyObject *source, const char *name, Py_ssize_t length)
{
    if (PyTuple_GET_SIZE(source) != length) {
        PyErr_Format(PyExc_ValueError, "%s has %zd items, not %zd", name,
                     PyTuple_GET_SIZE(source), length);
        return NULL;
    }
    double *table = PyMem_New(double, length > 0 ? length : 1);
    if (table == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t k = 0; k < length; k++) {
        table[k] = PyFloat_AsDouble(PyTuple_GET_ITEM(source, k));
        if (table[k] == -1.0 && PyErr_Occurred()) {
            PyMem_Free(table);
            return NULL;
        }
    }
    return table;
}

/* The floating-point costs from the tuple (cue, inner_sentence, cue_break, fragment_per_char,
 * short, long, long_ceiling, units_per_cost, line_break, imbalance), one break cost per kind
 * of `kinds`; 0 and an exception when it is not one. */
static int
costs_parse(PyObject *source, Py_ssize_t kinds, Costs *costs)
{
    PyObject *cue_break, *line_break;
    if (!PyTuple_Check(source)) {
        PyErr_SetString(PyExc_TypeError, "costs must be a tuple");
        return 0;
    }
    if (!PyArg_ParseTuple(source, "ddO!dddddO!d;costs: (cue, inner_sentence, cue_break, "
                          "fragment_per_char, short, long, long_ceiling, units_per_cost, "
                          "line_break, imbalance)",
                          &costs->cue, &costs->inner_sentence, &PyTuple_Type, &cue_break,
                          &costs->fragment_per_char, &costs->short_ms, &costs->long_ms,
                          &costs->long_ceiling, &costs->units_per_cost, &PyTuple_Type,
                          &line_break, &costs->imbalance)) {
        return 0;
    }
    costs->cue_break = double_table(cue_break, "cue_break", kinds);
    costs->line_break = costs->cue_break ? double_table(line_break, "line_break", kinds) : NULL;
    return costs->line_break != NULL;
}

static void
model_dealloc(PyObject *self)
{
    Model *model = (Model *)self;
    units_free(&model->units);
    PyMem_Free(model->layout_breaks);
    PyMem_Free(model->costs.cue_break);
    PyMem_Free(model->costs.line_break);
    Py_XDECREF(model->space);
    Py_XDECREF(model->empty);
    Py_TYPE(self)->tp_free(self);
}

static PyMethodDef model_methods[] = {
    {"cut", (PyCFunction)(void (*)(void))model_cut, METH_FASTCALL, model_cut_doc},
    {"lines", model_lines, METH_VARARGS, model_lines_doc},
    {"cues", model_cues, METH_VARARGS, model_cues_doc},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ModelType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "castline.timing._cue_engine.Model",
    .tp_doc = "A cost model that cuts lines into cues (see model()).",
    .tp_basicsize = sizeof(Model),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = model_dealloc,
    .tp_methods = model_methods,
};

PyDoc_STRVAR(model_doc,
"model(units, layout_breaks, costs, exact_limit)\n"
"--\n"
"\n"
"A Model whose cut is castline.timing.segment.cut_line's: units as cheapest_cuts takes\n"
"them, layout_breaks segment's _LAYOUT_BREAK_UNITS, costs (cue, inner_sentence, cue_break,\n"
"fragment_per_char, short, long, long_ceiling, units_per_cost, line_break, imbalance) its\n"
"floating-point costs and exact_limit its _EXACT_LIMIT.");

static PyObject *
make_model(PyObject *module, PyObject *args)
{
    PyObject *units, *breaks, *costs;
    long long exact_limit;
    Py_ssize_t kinds;
    (void)module;
    if (!PyArg_ParseTuple(args, "OO!OL:model", &units, &PyTuple_Type, &breaks, &costs,
                          &exact_limit)) {
        return NULL;
    }
    Model *self = PyObject_New(Model, &ModelType);
    if (self == NULL) {
        return NULL;
    }
    memset((char *)self + sizeof(PyObject), 0, sizeof(Model) - sizeof(PyObject));
    PyObject *result = (PyObject *)self; /* from here on, a DECREF frees it all */
    self->exact_limit = exact_limit;
    self->space = PyUnicode_FromString(" ");
    self->empty = PyUnicode_FromString("");
    if (self->space == NULL || self->empty == NULL || !units_parse(units, &self->units)) {
        Py_DECREF(result);
        return NULL;
    }
    self->layout_breaks = unit_table(breaks, "layout_breaks", &kinds);
    if (self->layout_breaks == NULL || kinds != self->units.kinds
        || !costs_parse(costs, kinds, &self->costs)) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "layout_breaks has not one cost per kind");
        }
        Py_DECREF(result);
        return NULL;
    }
    return result;
}

/* --- Caption text (caption_text) --------------------------------------------------------------- */

/* Text being written: its code points so far, `kind` bytes each (PyUnicode_1BYTE_KIND, 2 or 4:
 * widened when a wider str comes), and the largest PyUnicode_MAX_CHAR_VALUE of the str written
 * whole or escaped (escaping replaces only ASCII characters, so each str's widest class of code
 * point is written): the exact class of the text's widest one, unless `exact` is 0 (a content
 * taken back for form->legal's). */
typedef struct {
    char *data;
    int kind, exact;
    Py_UCS4 max;
    Py_ssize_t size, room;
} Text;

/* Room for `more` code points of `kind` (no narrower than text->kind): the buffer grown, and
 * widened and converted when `kind` is wider; 0 and MemoryError. */
static int
text_grow(Text *text, Py_ssize_t more, int kind)
{
    if (text->room - text->size >= more && kind <= text->kind) {
        return 1;
    }
    if (more > PY_SSIZE_T_MAX / 16 - text->size) {
        PyErr_NoMemory();
        return 0;
    }
    const int wide = kind > text->kind ? kind : text->kind;
    const Py_ssize_t room = text->room - text->size >= more ? text->room : 2 * (text->size + more);
    char *data = wide == text->kind ? PyMem_Realloc(text->data, (size_t)(room * wide))
                                    : PyMem_Malloc((size_t)(room * wide));
    if (data == NULL) {
        PyErr_NoMemory();
        return 0;
    }
    for (Py_ssize_t k = 0; wide != text->kind && k < text->size; k++) {
        PyUnicode_WRITE(wide, data, k, PyUnicode_READ(text->kind, text->data, k));
    }
    if (wide != text->kind) {
        PyMem_Free(text->data);
    }
    text->data = data;
    text->kind = wide;
    text->room = room;
    return 1;
}

/* Append code points [start, start + count) of a str's `kind` and `data`, `max` its
 * PyUnicode_MAX_CHAR_VALUE; 0 and an exception. */
static int
text_chars(Text *text, int kind, const void *data, Py_ssize_t start, Py_ssize_t count,
           Py_UCS4 max)
{
    if (count == 0) {
        return 1;
    }
    if (!text_grow(text, count, kind)) {
        return 0;
    }
    text->max = max > text->max ? max : text->max;
    if (kind == text->kind) {
        memcpy(text->data + text->size * kind, (const char *)data + start * kind,
               (size_t)(count * kind));
    }
    else {
        for (Py_ssize_t k = 0; k < count; k++) {
            PyUnicode_WRITE(text->kind, text->data, text->size + k,
                            PyUnicode_READ(kind, data, start + k));
        }
    }
    text->size += count;
    return 1;
}

/* Append a str; 0 and an exception. */
static int
text_str(Text *text, PyObject *str)
{
    return text_chars(text, PyUnicode_KIND(str), PyUnicode_DATA(str), 0,
                      PyUnicode_GET_LENGTH(str), PyUnicode_MAX_CHAR_VALUE(str));
}

/* Append ASCII characters; 0 and an exception. */
static int
text_ascii(Text *text, const char *chars, Py_ssize_t count)
{
    return text_chars(text, PyUnicode_1BYTE_KIND, chars, 0, count, 127);
}

/* The first index from `k` on, below `n`, of a code point that `escapes` replaces (a table of
 * 256, NULL past 127), or `n`. */
static Py_ssize_t
next_escape(int kind, const void *data, Py_ssize_t k, Py_ssize_t n, PyObject *const *escapes)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *chars = data;
        while (k < n && escapes[chars[k]] == NULL) {
            k++;
        }
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *chars = data;
        while (k < n && (chars[k] > 255 || escapes[chars[k]] == NULL)) {
            k++;
        }
    }
    else {
        const Py_UCS4 *chars = data;
        while (k < n && (chars[k] > 255 || escapes[chars[k]] == NULL)) {
            k++;
        }
    }
    return k;
}

/* Append a str with each ASCII character that has an entry in `escapes` written as that
 * entry (a str); 0 and an exception. */
static int
text_escaped(Text *text, PyObject *str, PyObject *const *escapes)
{
    const int kind = PyUnicode_KIND(str);
    const void *data = PyUnicode_DATA(str);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(str);
    const Py_UCS4 max = PyUnicode_MAX_CHAR_VALUE(str);
    for (Py_ssize_t k = 0; k <= n;) {
        const Py_ssize_t found = next_escape(kind, data, k, n, escapes);
        if (!text_chars(text, kind, data, k, found - k, max)
            || (found < n && !text_str(text, escapes[PyUnicode_READ(kind, data, found)]))) {
            return 0;
        }
        k = found + 1;
    }
    return 1;
}

/* `value` (not negative) in decimal at `into`, zero-padded to `width` digits; the end. */
static char *
decimal(char *into, int64_t value, int width)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 || n < width);
    while (n > 0) {
        *into++ = digits[--n];
    }
    return into;
}

/* `value` (0 to 99) in two digits at `into`; the end. */
static char *
two_digits(char *into, int64_t value)
{
    into[0] = (char)('0' + value / 10);
    into[1] = (char)('0' + value % 10);
    return into + 2;
}

/* A timecode at `into`: HH:MM:SS then `separator` then mmm (hours with at least two digits) of
 * `ms` (not negative), castline.timecode's format; the end. */
static char *
timecode(char *into, int64_t ms, char separator)
{
    const int64_t seconds = ms / 1000, hours = seconds / 3600, millis = ms % 1000;
    into = hours < 100 ? two_digits(into, hours) : decimal(into, hours, 2);
    *into++ = ':';
    into = two_digits(into, seconds / 60 % 60);
    *into++ = ':';
    into = two_digits(into, seconds % 60);
    *into++ = separator;
    *into++ = (char)('0' + millis / 100);
    return two_digits(into, millis % 100);
}

/* The text as a str (of its code points' exact kind); NULL and an exception. */
static PyObject *
text_result(const Text *text)
{
    if (!text->exact) {
        return PyUnicode_FromKindAndData(text->kind, text->data, text->size);
    }
    PyObject *result = PyUnicode_New(text->size, text->max);
    if (result != NULL && text->size) {
        memcpy(PyUnicode_DATA(result), text->data, (size_t)(text->size * text->kind));
    }
    return result;
}

/* How a format writes its cues (castline.timing.captiontext.CaptionText's fields). Every object is
 * borrowed from the form tuple, which the call's arguments hold. */
typedef struct {
    char separator;
    PyObject *escapes[256]; /* by ASCII character: what it is written as, or NULL (past 127) */
    int numbered;
    PyObject *block_start, *block_end, *tail, *voice, *voice_end, *legal;
} Form;

/* The ASCII character a str of one holds, or -1. */
static int
ascii_of(PyObject *str)
{
    return PyUnicode_GET_LENGTH(str) == 1 && PyUnicode_READ_CHAR(str, 0) < 128
               ? (int)PyUnicode_READ_CHAR(str, 0)
               : -1;
}

/* The (character, replacement) pairs of tuple `pairs` into `escapes`: each character one ASCII
 * character, given once and in no replacement of an earlier pair (so that replacing each in
 * turn, as the Python reference does, is replacing all at once); 0 and an exception. */
static int
escapes_parse(PyObject *pairs, PyObject **escapes)
{
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(pairs); k++) {
        PyObject *pair = PyTuple_GET_ITEM(pairs, k), *key, *value;
        if (!PyTuple_Check(pair) || !PyArg_ParseTuple(pair, "UU:escape", &key, &value)) {
            PyErr_SetString(PyExc_TypeError, "an escape is not a pair of str");
            return 0;
        }
        const int c = ascii_of(key);
        int later = 0; /* whether an earlier replacement holds c */
        for (Py_ssize_t j = 0; c >= 0 && j < k && !later; j++) {
            PyObject *earlier = PyTuple_GET_ITEM(PyTuple_GET_ITEM(pairs, j), 1);
            later = PyUnicode_FindChar(earlier, (Py_UCS4)c, 0, PY_SSIZE_T_MAX, 1) >= 0;
        }
        if (c < 0 || escapes[c] != NULL || later) {
            PyErr_SetString(PyExc_ValueError,
                            "an escaped character is not one ASCII character, is given twice "
                            "or is in an earlier replacement");
            return 0;
        }
        escapes[c] = value;
    }
    return 1;
}

/* The form tuple (separator, escapes, numbered, block_start, block_end, tail, voice, voice_end,
 * legal) into `form`; 0 and TypeError or ValueError when it is not one. */
static int
form_parse(PyObject *tuple, Form *form)
{
    PyObject *separator, *escapes;
    memset(form, 0, sizeof(*form));
    if (!PyArg_ParseTuple(tuple, "UO!pUUUOUO:form", &separator, &PyTuple_Type, &escapes,
                          &form->numbered, &form->block_start, &form->block_end, &form->tail,
                          &form->voice, &form->voice_end, &form->legal)) {
        return 0;
    }
    if (ascii_of(separator) < 0) {
        PyErr_SetString(PyExc_ValueError, "the separator is not one ASCII character");
        return 0;
    }
    form->separator = (char)ascii_of(separator);
    return escapes_parse(escapes, form->escapes);
}

/* What a cue's block needs that only Python gives: each speaker's voice tag, looked up once. */
typedef struct {
    PyObject *tags;    /* speaker: its voice tag (a str, "" for none) */
    PyObject *speaker; /* the last speaker looked up (a reference), and its tag (borrowed) */
    PyObject *tag;
} Voices;

/* Whether a cue is written natively (WRITTEN), handed back to the Python reference (HAND_BACK:
 * a value it writes in its own way) or failed (FAILED, an exception set). */
enum { FAILED = 0, WRITTEN = 1, HAND_BACK = 2 };

/* The voice tag of `speaker` into *tag (borrowed from voices->tags): form->voice(speaker),
 * called once per speaker; HAND_BACK when it is not a str. */
static int
voice_tag(const Form *form, Voices *voices, PyObject *speaker, PyObject **tag)
{
    if (speaker == voices->speaker) { /* as good as always: the speaker of the last cue */
        *tag = voices->tag;
        return WRITTEN;
    }
    PyObject *found = PyDict_GetItemWithError(voices->tags, speaker);
    if (found == NULL) {
        if (PyErr_Occurred()) {
            return FAILED;
        }
        PyObject *made = PyObject_CallOneArg(form->voice, speaker);
        if (made == NULL) {
            return FAILED;
        }
        int stored = PyUnicode_CheckExact(made) ? PyDict_SetItem(voices->tags, speaker, made) : 1;
        Py_DECREF(made); /* the dict holds it */
        if (stored != 0) {
            return stored < 0 ? FAILED : HAND_BACK;
        }
        found = made;
    }
    Py_XSETREF(voices->speaker, Py_NewRef(speaker));
    voices->tag = *tag = found;
    return WRITTEN;
}

/* Whether the text written since `start` begins with a line break or holds a blank line. */
static int
has_blank_line(const Text *text, Py_ssize_t start)
{
    if (text->kind == PyUnicode_1BYTE_KIND) { /* as good as always: a search for each break */
        Py_ssize_t after_break = start; /* where a line break would make a blank line */
        for (const char *at = text->data + start;
             (at = memchr(at, '\n', (size_t)(text->size - (at - text->data)))) != NULL; at++) {
            if (at - text->data == after_break) {
                return 1;
            }
            after_break = at - text->data + 1;
        }
        return 0;
    }
    int after_break = 1; /* at the start, as after a line break */
    for (Py_ssize_t k = start; k < text->size; k++) {
        const int at_break = PyUnicode_READ(text->kind, text->data, k) == '\n';
        if (at_break && after_break) {
            return 1;
        }
        after_break = at_break;
    }
    return 0;
}

/* Append a cue's content: its label, then its lines joined by line breaks, all escaped ("" when it
 * has no line), made legal by form->legal when it begins with a line break or holds a blank
 * line; WRITTEN, HAND_BACK (a line, the label or form->legal's text not a str) or FAILED. */
static int
cue_content(Text *text, const Form *form, PyObject *lines, PyObject *label)
{
    const Py_ssize_t start = text->size, n = PyTuple_GET_SIZE(lines);
    if (n == 0) {
        return WRITTEN;
    }
    if (!PyUnicode_CheckExact(label)) {
        return HAND_BACK;
    }
    if (!text_escaped(text, label, form->escapes)) {
        return FAILED;
    }
    PyObject *escapes_break = form->escapes['\n']; /* the lines' join is escaped too */
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *line = PyTuple_GET_ITEM(lines, k);
        if (!PyUnicode_CheckExact(line)) {
            return HAND_BACK;
        }
        if ((k > 0 && !(escapes_break ? text_str(text, escapes_break) : text_ascii(text, "\n", 1)))
            || !text_escaped(text, line, form->escapes)) {
            return FAILED;
        }
    }
    if (form->legal == Py_None || !has_blank_line(text, start)) {
        return WRITTEN;
    }
    PyObject *content = PyUnicode_FromKindAndData(
        text->kind, text->data + start * text->kind, text->size - start);
    PyObject *legal = content ? PyObject_CallOneArg(form->legal, content) : NULL;
    Py_XDECREF(content);
    text->size = start;
    text->exact = 0; /* the content taken back may have held the widest code point */
    int done = legal == NULL               ? FAILED
               : !PyUnicode_CheckExact(legal) ? HAND_BACK
               : text_str(text, legal)      ? WRITTEN
                                            : FAILED;
    Py_XDECREF(legal);
    return done;
}

/* A cue's time into *ms: HAND_BACK unless it is a non-negative int of 64 bits. */
static int
cue_time(PyObject *value, int64_t *ms)
{
    if (value == NULL || !PyLong_CheckExact(value)) {
        return HAND_BACK;
    }
    int overflow;
    long long read = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (read == -1 && PyErr_Occurred()) {
        return FAILED;
    }
    *ms = read;
    return overflow || read < 0 ? HAND_BACK : WRITTEN;
}

/* Append the block of cue `number` (counting from 1): block_start, the number and a line
 * break when numbered, "start --> end" and a line break, its voice tag, its content, voice_end
 * after a tag, block_end; WRITTEN, HAND_BACK or FAILED. */
static int
cue_block(Text *text, const Form *form, Voices *voices, PyObject *cue, Py_ssize_t number,
          const Py_ssize_t *offsets)
{
    PyObject *slots[3], *tag = NULL; /* start_ms, end_ms, speaker */
    for (int k = 0; k < 3; k++) {
        slots[k] = *(PyObject **)((char *)cue + offsets[k]);
    }
    int64_t start, end;
    int done = cue_time(slots[0], &start);
    done = done == WRITTEN ? cue_time(slots[1], &end) : done;
    if (done == WRITTEN && form->voice != Py_None) {
        done = slots[2] == Py_None || (slots[2] != NULL && PyUnicode_CheckExact(slots[2]))
                   ? voice_tag(form, voices, slots[2], &tag)
                   : HAND_BACK;
    }
    if (done != WRITTEN) {
        return done;
    }
    /* Read again after the voice call, which runs Python code: held while they are written. */
    PyObject *lines = *(PyObject **)((char *)cue + offsets[3]);
    PyObject *label = *(PyObject **)((char *)cue + offsets[5]);
    if (lines == NULL || label == NULL || !PyTuple_CheckExact(lines)) {
        return HAND_BACK;
    }
    Py_INCREF(lines);
    Py_INCREF(label);
    Py_XINCREF(tag);
    const int voiced = tag != NULL && PyUnicode_GET_LENGTH(tag) > 0;
    char head[96], *end_of_head = head; /* number and times: at most 20 + 23 + 5 + 23 + 1 */
    if (form->numbered) {
        end_of_head = decimal(end_of_head, number, 1);
        *end_of_head++ = '\n';
    }
    end_of_head = timecode(end_of_head, start, form->separator);
    memcpy(end_of_head, " --> ", 5);
    end_of_head = timecode(end_of_head + 5, end, form->separator);
    *end_of_head++ = '\n';
    done = text_str(text, form->block_start) && text_ascii(text, head, end_of_head - head)
                   && (!voiced || text_str(text, tag))
               ? cue_content(text, form, lines, label)
               : FAILED;
    if (done == WRITTEN && !((!voiced || text_str(text, form->voice_end))
                             && text_str(text, form->block_end))) {
        done = FAILED;
    }
    Py_DECREF(lines);
    Py_DECREF(label);
    Py_XDECREF(tag);
    return done;
}

PyDoc_STRVAR(caption_text_doc,
"caption_text(cues, cue_type, head, form)\n"
"--\n"
"\n"
"castline.timing.captiontext.caption_text in C: head, then each cue's block (the cues a sequence of\n"
"cue_type, cues.Cue), then the tail. form: (separator, escapes, numbered, block_start,\n"
"block_end, tail, voice, voice_end, legal), CaptionText's fields, escapes a tuple of (ASCII\n"
"character, str) pairs, voice and legal callables or None. None when a cue holds a value only\n"
"the Python reference writes (a cue not of cue_type, a time not an int of 64 bits at least 0,\n"
"a speaker, label or line not a str, a voice tag or legal text not a str).");

static PyObject *
caption_text(PyObject *module, PyObject *args)
{
    PyObject *cues, *type, *head, *form_tuple;
    Form form;
    Py_ssize_t offsets[CUE_FIELDS];
    if (!PyArg_ParseTuple(args, "OOUO!:caption_text", &cues, &type, &head, &PyTuple_Type,
                          &form_tuple)
        || !form_parse(form_tuple, &form) || !cue_fields(type, offsets)) {
        return NULL;
    }
    PyObject *items = PySequence_Tuple(cues); /* a list could change under a callback */
    if (items == NULL) {
        return NULL;
    }
    Text text = {NULL, PyUnicode_1BYTE_KIND, 1, 127, 0, 0};
    Voices voices = {PyDict_New(), NULL, NULL};
    int done = voices.tags != NULL && text_str(&text, head) ? WRITTEN : FAILED;
    for (Py_ssize_t k = 0; done == WRITTEN && k < PyTuple_GET_SIZE(items); k++) {
        PyObject *cue = PyTuple_GET_ITEM(items, k);
        done = Py_IS_TYPE(cue, (PyTypeObject *)type)
                   ? cue_block(&text, &form, &voices, cue, k + 1, offsets)
                   : HAND_BACK;
    }
    if (done == WRITTEN && !text_str(&text, form.tail)) {
        done = FAILED;
    }
    PyObject *result = done == HAND_BACK ? Py_NewRef(Py_None)
                       : done == WRITTEN
                           ? text_result(&text)
                           : NULL;
    PyMem_Free(text.data);
    Py_XDECREF(voices.tags);
    Py_XDECREF(voices.speaker);
    Py_DECREF(items);
    return result;
}

/* --- The transcripts' cue columns (cue_columns) ---------------------------------------------- */

/* A millisecond count as its whole seconds (floor division by 1000) and decimals[ms % 1000]
 * (ASCII str of 8 characters at most, checked by cue_columns); NULL and an exception. */
static PyObject *
seconds_of(long long ms, PyObject *decimals)
{
    long long whole = ms / 1000, rest = ms % 1000;
    if (rest < 0) { /* Python's floor division and modulo */
        whole -= 1;
        rest += 1000;
    }
    char digits[24]; /* the whole seconds' decimal digits, written from the end */
    int start = (int)sizeof(digits);
    unsigned long long left = whole < 0 ? 0ULL - (unsigned long long)whole
                                        : (unsigned long long)whole;
    do {
        digits[--start] = (char)('0' + left % 10);
        left /= 10;
    } while (left);
    if (whole < 0) {
        digits[--start] = '-';
    }
    int length = (int)sizeof(digits) - start;
    PyObject *decimal = PyTuple_GET_ITEM(decimals, rest);
    Py_ssize_t extra = PyUnicode_GET_LENGTH(decimal);
    PyObject *text = PyUnicode_New(length + extra, 127);
    if (text != NULL) {
        Py_UCS1 *into = PyUnicode_1BYTE_DATA(text);
        memcpy(into, digits + start, (size_t)length);
        memcpy(into + length, PyUnicode_1BYTE_DATA(decimal), (size_t)extra);
    }
    return text;
}

/* A cue's slot: a borrowed reference, NULL when it is unset. */
static PyObject *
cue_slot(PyObject *cue, Py_ssize_t offset)
{
    return *(PyObject **)((char *)cue + offset);
}

/* A time slot the native code writes: an int of 64 bits into *ms; 0 (no exception) otherwise. */
static int
time_slot(PyObject *value, long long *ms)
{
    int overflow = 0;
    if (value == NULL || !PyLong_CheckExact(value)) {
        return 0;
    }
    *ms = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow || (*ms == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return 0;
    }
    return 1;
}

/* A lines slot the native code writes: a tuple of str; 0 otherwise. */
static int
lines_slot(PyObject *lines)
{
    if (lines == NULL || !PyTuple_CheckExact(lines)) {
        return 0;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(lines); k++) {
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(lines, k))) {
            return 0;
        }
    }
    return 1;
}

/* Cue k's items of the five columns; WRITTEN, HAND_BACK (a value only the reference writes)
 * or FAILED (an exception). */
static int
cue_row(PyObject *cue, const Py_ssize_t *offsets, PyObject *decimals, PyObject *space,
        PyObject *const columns[5], Py_ssize_t k)
{
    PyObject *start = cue_slot(cue, offsets[0]), *end = cue_slot(cue, offsets[1]);
    PyObject *lines = cue_slot(cue, offsets[3]);
    long long start_ms, end_ms;
    if (!time_slot(start, &start_ms) || !time_slot(end, &end_ms) || !lines_slot(lines)) {
        return HAND_BACK;
    }
    PyObject *items[5] = {Py_NewRef(start), Py_NewRef(end), seconds_of(start_ms, decimals),
                          seconds_of(end_ms, decimals), PyUnicode_Join(space, lines)};
    int done = WRITTEN;
    for (int c = 0; c < 5; c++) {
        if (items[c] == NULL) {
            done = FAILED;
        }
    }
    for (int c = 0; c < 5; c++) {
        if (done == WRITTEN) {
            PyTuple_SET_ITEM(columns[c], k, items[c]);
        }
        else {
            Py_XDECREF(items[c]);
        }
    }
    return done;
}

PyDoc_STRVAR(cue_columns_doc,
"cue_columns(cues, cue_type, decimals)\n"
"--\n"
"\n"
"castline.timing.cuetext.python_cue_columns in C: the cues' (a sequence of cue_type,\n"
"cues.Cue) starts, ends, both as decimal seconds (the whole seconds, floor division by 1000,\n"
"then decimals[ms % 1000], a tuple of 1000 ASCII str), and texts (the lines joined by spaces),\n"
"five tuples. None when a cue holds a value only the Python reference writes (a cue not of\n"
"cue_type, a time not an int of 64 bits, lines not a tuple of str).");

static PyObject *
cue_columns(PyObject *module, PyObject *args)
{
    PyObject *cues, *type, *decimals;
    Py_ssize_t offsets[CUE_FIELDS];
    if (!PyArg_ParseTuple(args, "OOO!:cue_columns", &cues, &type, &PyTuple_Type, &decimals)
        || !cue_fields(type, offsets)) {
        return NULL;
    }
    if (PyTuple_GET_SIZE(decimals) != 1000) {
        PyErr_SetString(PyExc_ValueError, "decimals is not a tuple of 1000 str");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < 1000; k++) {
        PyObject *decimal = PyTuple_GET_ITEM(decimals, k);
        if (!PyUnicode_CheckExact(decimal) || !PyUnicode_IS_ASCII(decimal)
            || PyUnicode_GET_LENGTH(decimal) > 8) {
            PyErr_SetString(PyExc_ValueError, "a decimal is not an ASCII str of 8 at most");
            return NULL;
        }
    }
    PyObject *items = PySequence_Tuple(cues); /* a list could change under us otherwise */
    if (items == NULL) {
        return NULL;
    }
    const Py_ssize_t n = PyTuple_GET_SIZE(items);
    PyObject *space = PyUnicode_FromString(" ");
    PyObject *columns[5] = {NULL, NULL, NULL, NULL, NULL};
    int done = space != NULL ? WRITTEN : FAILED;
    for (int c = 0; done == WRITTEN && c < 5; c++) {
        columns[c] = PyTuple_New(n);
        done = columns[c] != NULL ? WRITTEN : FAILED;
    }
    for (Py_ssize_t k = 0; done == WRITTEN && k < n; k++) {
        PyObject *cue = PyTuple_GET_ITEM(items, k);
        done = Py_IS_TYPE(cue, (PyTypeObject *)type)
                   ? cue_row(cue, offsets, decimals, space, columns, k)
                   : HAND_BACK;
    }
    PyObject *result = done == HAND_BACK ? Py_NewRef(Py_None)
                       : done == WRITTEN
                           ? PyTuple_Pack(5, columns[0], columns[1], columns[2], columns[3],
                                          columns[4])
                           : NULL;
    for (int c = 0; c < 5; c++) {
        Py_XDECREF(columns[c]); /* a tuple not filled whole holds NULL items: Py_XDECREF'd */
    }
    Py_XDECREF(space);
    Py_DECREF(items);
    return result;
}

static PyMethodDef methods[] = {
    {"cheapest_cuts", cheapest_cuts, METH_VARARGS, cheapest_cuts_doc},
    {"layout", make_layout, METH_VARARGS, layout_doc},
    {"fills", fills, METH_VARARGS, fills_doc},
    {"model", make_model, METH_VARARGS, model_doc},
    {"caption_text", caption_text, METH_VARARGS, caption_text_doc},
    {"cue_columns", cue_columns, METH_VARARGS, cue_columns_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "castline.timing._cue_engine",
    .m_doc = "The native cue engine: castline.timing.segment's cue search in C.",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__cue_engine(void)
{
    if (PyType_Ready(&LayoutType) < 0 || PyType_Ready(&ModelType) < 0
        || PyType_Ready(&LinesType) < 0) {
        return NULL;
    }
    return PyModuleDef_Init(&module);
}
