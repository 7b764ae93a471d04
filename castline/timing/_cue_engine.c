/* The native cue engine: castline.timing.segment's cue search, in C.
 *
 * cheapest_cuts() is castline.timing.segment._cheapest_cuts with its scan (_scanner) and its
 * two-line layout (_two_liner) inlined: the backwards dynamic programme over a line's words,
 * the window of a cue's ends kept sorted by (ends[j], j), and the same integer cost units.
 * The Python functions are the reference: this one returns the same (ends, cheapest, least),
 * the same integers and the same lists in the same order.
 *
 * Integers: the units are exact in Python (unbounded) and in C (int64_t) while no value leaves
 * 64 bits. A cost that only grows (every unit constant, break cost and duration term is
 * validated non-negative) saturates at INT64_MAX: it is then above every least (at most the
 * sentinel "beyond", 2**62), so it neither wins nor ties, as in Python. Any other value that
 * would leave 64 bits (a planned time or duration beyond them, a width) raises OverflowError,
 * and the caller runs the Python engine instead.
 *
 * Inputs are checked (types, lengths, ranges) before any is indexed: a bad one raises
 * TypeError or ValueError, never reads out of bounds.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
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

/* The search from the end backwards, filling line->ends, `cheapest` (a list of n + 1 None)
 * and *least; 0 and an exception on failure. */
static int
search(Line *line, int64_t rows_width, PyObject *cheapest, int64_t *least)
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
        PyObject *found = list_of(line->found, count);
        if (found == NULL) {
            return 0;
        }
        if (PyList_SetItem(cheapest, i, found) < 0) { /* steals found, releases the None */
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
    if (!search(&line, rows_width, cheapest, &least)) {
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
    int64_t width, room, *offsets = NULL;
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
    result = PyList_New(count);
    if (result == NULL) {
        goto done;
    }
    /* bisect_right(offsets, offsets[i] + room): the targets increase with i, so does it */
    Py_ssize_t after = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        int64_t target;
        if (!checked_add(offsets[i], room, &target)) {
            target = room > 0 ? INT64_MAX : INT64_MIN; /* beyond every offset, or below */
        }
        while (after < size && offsets[after] <= target) {
            after++;
        }
        PyObject *fill = PyLong_FromSsize_t(after - 1 > i + 1 ? after - 1 : i + 1);
        if (fill == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, fill);
    }
done:
    PyMem_Free(offsets);
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

static PyMethodDef methods[] = {
    {"cheapest_cuts", cheapest_cuts, METH_VARARGS, cheapest_cuts_doc},
    {"layout", make_layout, METH_VARARGS, layout_doc},
    {"fills", fills, METH_VARARGS, fills_doc},
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
    if (PyType_Ready(&LayoutType) < 0) {
        return NULL;
    }
    return PyModuleDef_Init(&module);
}
