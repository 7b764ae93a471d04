/* The native front matter tree: castline.load.frontmatter's typed reading of a YAML text, in C.
 *
 * tree(text, max_nodes, firsts, typed, stop) parses `text` with libyaml's event parser (the
 * parser PyYAML's CSafeLoader drives, https://pyyaml.org/wiki/LibYAML) and builds in one pass what
 * frontmatter._read_typed builds from the composed nodes: the value (texts, lists and mappings
 * with text keys, the last of a repeated key winning) and the line of each key and list item
 * down to three levels (frontmatter.LINE_DEPTH), as a tree of (line, below) pairs that
 * frontmatter.TreeLines reads as NodeLines reads the nodes: a mapping's is a dict of its keys
 * (in the order they are first given) to the line where each is first given and the tree below
 * its last value; a list's is a list of its items' pairs; `below` is None for a value that is
 * no mapping or list, or that is three levels down. Lines are libyaml's (0 for the text's
 * first), as the nodes' marks hold them. With them it returns, in the order it meets them,
 * each key given again in a mapping of those three levels: (key, the line where it is first
 * given, its line there).
 *
 * A scalar is typed as PyYAML's resolver and constructors type it under frontmatter.TypedLoader:
 * a quoted or block scalar is text; a plain one is None for "" and the nulls (~, null, Null,
 * NULL), True and False for the six booleans of YAML 1.2 (true, True, TRUE and the falses), an
 * int for a decimal without sign, underscore or leading zero of at most 18 digits, and
 * otherwise text when its first character is not in `firsts` (no other implicit resolver reads
 * it); any other plain scalar is handed to `typed`, which returns its value, or `stop` when
 * reading must stop. The caller checks, before it uses this module, that its resolver gives
 * these answers (frontmatter._native_agrees).
 *
 * What it does not read it hands back: it returns None, with no exception, for a text with an
 * anchor, an alias, an explicit tag, a directive, no document or more than one, a key that is
 * not text (a number, a list, a merge), more than `max_nodes` nodes, nesting deeper than
 * MAX_DEPTH, or any parse error; and for a text that is no UTF-8 (a lone surrogate). The caller
 * then reads the text with PyYAML, which builds the same value or says what is wrong.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <yaml.h>

/* Lines are kept down to this many levels of keys and items (frontmatter.LINE_DEPTH). */
#define LINE_DEPTH 3
/* Deeper nesting is handed back (PyYAML's composer recurses, and may stop, at each level). */
#define MAX_DEPTH 500
/* The longest decimal read here: every int64_t of 18 digits. */
#define MAX_DIGITS 18

/* A mapping or list being built. */
typedef struct {
    PyObject *value;  /* the dict or the list */
    PyObject *lines;  /* its tree of lines (a dict or a list), or NULL below LINE_DEPTH */
    PyObject *key;    /* a mapping's key waiting for its value, or NULL */
    size_t key_line;  /* that key's line */
    size_t line;      /* the line the collection starts at */
} Frame;

typedef struct {
    Frame *frames;
    Py_ssize_t depth; /* frames in use */
    Py_ssize_t nodes;
    Py_ssize_t max_nodes;
    PyObject *typed;  /* the callable for a plain scalar read in Python */
    PyObject *stop;   /* its sentinel */
    PyObject *repeated; /* (key, first line, line) of each key given again, LINE_DEPTH down */
    int firsts[128];  /* ASCII first characters that some resolver reads */
    int wide_firsts;  /* whether some non-ASCII first character is read (then: every one) */
} Builder;

/* Outcomes of a step. */
#define STEP_OK 1
#define STEP_HAND_BACK 0 /* not read here: the caller reads the text with PyYAML */
#define STEP_ERROR -1    /* a Python exception is set */

/* Whether a plain scalar `value` starts with a character that some resolver reads beyond
 * what decided() decides. */
static int
starts_typed(const Builder *builder, const unsigned char *value, size_t length)
{
    if (length == 0) {
        return 1;
    }
    if (value[0] >= 128) {
        return builder->wide_firsts;
    }
    return builder->firsts[value[0]];
}

/* Whether `value` is `literal`. */
static int
is(const char *value, size_t length, const char *literal)
{
    return length == strlen(literal) && memcmp(value, literal, length) == 0;
}

/* The value of a plain scalar that is a null, a boolean or a short decimal without sign,
 * underscore or leading zero (a new reference); NULL without an exception for any other. */
static PyObject *
decided(const char *value, size_t length)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    static const char *const trues[] = {"true", "True", "TRUE"};
    static const char *const falses[] = {"false", "False", "FALSE"};
    if (length <= 5) {
        for (int k = 0; k < 5; k++) {
            if (is(value, length, nulls[k])) {
                Py_RETURN_NONE;
            }
        }
        for (int k = 0; k < 3; k++) {
            if (is(value, length, trues[k])) {
                Py_RETURN_TRUE;
            }
            if (is(value, length, falses[k])) {
                Py_RETURN_FALSE;
            }
        }
    }
    if (length == 1 && value[0] == '0') {
        return PyLong_FromLong(0);
    }
    if (length > MAX_DIGITS || value[0] < '1' || value[0] > '9') {
        return NULL;
    }
    long long number = 0;
    for (size_t k = 0; k < length; k++) {
        if (value[k] < '0' || value[k] > '9') {
            return NULL;
        }
        number = number * 10 + (value[k] - '0');
    }
    return PyLong_FromLongLong(number);
}

/* A scalar event's value (a new reference); NULL with an exception, or the sentinel. */
static PyObject *
scalar_value(const Builder *builder, const yaml_event_t *event)
{
    const char *value = (const char *)event->data.scalar.value;
    size_t length = event->data.scalar.length;
    if (event->data.scalar.plain_implicit) {
        PyObject *known = decided(value, length);
        if (known != NULL || PyErr_Occurred()) {
            return known;
        }
        if (starts_typed(builder, (const unsigned char *)value, length)) {
            PyObject *text = PyUnicode_DecodeUTF8(value, (Py_ssize_t)length, "strict");
            PyObject *result = text != NULL ? PyObject_CallOneArg(builder->typed, text) : NULL;
            Py_XDECREF(text);
            return result;
        }
    }
    return PyUnicode_DecodeUTF8(value, (Py_ssize_t)length, "strict");
}

/* A new (line, below) pair; below NULL for None. */
static PyObject *
place(size_t line, PyObject *below)
{
    PyObject *number = PyLong_FromSize_t(line);
    if (number == NULL) {
        return NULL;
    }
    PyObject *pair = PyTuple_Pack(2, number, below != NULL ? below : Py_None);
    Py_DECREF(number);
    return pair;
}

/* Add a finished value (and its tree of lines, or NULL) starting at `line` to the innermost
 * collection; a mapping's first of every two values is its key. Steals neither reference. */
static int
add_value(Builder *builder, PyObject *value, PyObject *below, size_t line)
{
    Frame *frame = &builder->frames[builder->depth - 1];
    if (PyList_CheckExact(frame->value)) {
        if (PyList_Append(frame->value, value) < 0) {
            return STEP_ERROR;
        }
        if (frame->lines != NULL) {
            PyObject *pair = place(line, below);
            if (pair == NULL || PyList_Append(frame->lines, pair) < 0) {
                Py_XDECREF(pair);
                return STEP_ERROR;
            }
            Py_DECREF(pair);
        }
        return STEP_OK;
    }
    if (frame->key == NULL) {
        if (!PyUnicode_CheckExact(value)) {
            return STEP_HAND_BACK; /* a key that is no text */
        }
        frame->key = Py_NewRef(value);
        frame->key_line = line;
        return STEP_OK;
    }
    PyObject *key = frame->key;
    frame->key = NULL;
    int ok = PyDict_SetItem(frame->value, key, value) == 0;
    if (ok && frame->lines != NULL) {
        size_t first = frame->key_line;
        PyObject *known = PyDict_GetItemWithError(frame->lines, key);
        if (known != NULL) {
            first = PyLong_AsSize_t(PyTuple_GET_ITEM(known, 0));
            PyObject *again = PyErr_Occurred() ? NULL
                                               : Py_BuildValue("(Onn)", key, (Py_ssize_t)first,
                                                               (Py_ssize_t)frame->key_line);
            ok = again != NULL && PyList_Append(builder->repeated, again) == 0;
            Py_XDECREF(again);
        }
        ok = ok && !PyErr_Occurred();
        PyObject *pair = ok ? place(first, below) : NULL;
        ok = pair != NULL && PyDict_SetItem(frame->lines, key, pair) == 0;
        Py_XDECREF(pair);
    }
    Py_DECREF(key);
    return ok ? STEP_OK : STEP_ERROR;
}

/* Open a mapping or a list at `line`. */
static int
open_collection(Builder *builder, int mapping, size_t line)
{
    if (builder->depth >= MAX_DEPTH) {
        return STEP_HAND_BACK;
    }
    Frame *frame = &builder->frames[builder->depth];
    memset(frame, 0, sizeof(*frame));
    frame->line = line;
    frame->value = mapping ? PyDict_New() : PyList_New(0);
    if (frame->value == NULL) {
        return STEP_ERROR;
    }
    if (builder->depth < LINE_DEPTH) {
        frame->lines = mapping ? PyDict_New() : PyList_New(0);
        if (frame->lines == NULL) {
            Py_CLEAR(frame->value);
            return STEP_ERROR;
        }
    }
    builder->depth++;
    return STEP_OK;
}

static void
frame_clear(Frame *frame)
{
    Py_CLEAR(frame->value);
    Py_CLEAR(frame->lines);
    Py_CLEAR(frame->key);
}

/* The event's node counted against the limit. */
static int
count_node(Builder *builder)
{
    return ++builder->nodes <= builder->max_nodes ? STEP_OK : STEP_HAND_BACK;
}

/* One event into the tree; the root's value and lines into *root and *root_lines when it
 * ends. */
static int
step(Builder *builder, const yaml_event_t *event, PyObject **root, PyObject **root_lines,
     int *documents)
{
    size_t line = event->start_mark.line;
    switch (event->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return STEP_OK;
    case YAML_DOCUMENT_START_EVENT: {
        const yaml_event_t *start = event;
        if (++*documents > 1 || start->data.document_start.version_directive != NULL
            || start->data.document_start.tag_directives.start
                   != start->data.document_start.tag_directives.end) {
            return STEP_HAND_BACK;
        }
        return STEP_OK;
    }
    case YAML_ALIAS_EVENT:
        return STEP_HAND_BACK;
    case YAML_SCALAR_EVENT: {
        if (event->data.scalar.anchor != NULL || event->data.scalar.tag != NULL
            || count_node(builder) != STEP_OK) {
            return STEP_HAND_BACK;
        }
        PyObject *value = scalar_value(builder, event);
        if (value == NULL) {
            return STEP_ERROR;
        }
        if (value == builder->stop) {
            Py_DECREF(value);
            return STEP_HAND_BACK;
        }
        int done = STEP_OK;
        if (builder->depth == 0) {
            *root = value;
            return STEP_OK;
        }
        done = add_value(builder, value, NULL, line);
        Py_DECREF(value);
        return done;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int mapping = event->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *anchor = mapping ? event->data.mapping_start.anchor
                                            : event->data.sequence_start.anchor;
        const yaml_char_t *tag = mapping ? event->data.mapping_start.tag
                                         : event->data.sequence_start.tag;
        if (anchor != NULL || tag != NULL || count_node(builder) != STEP_OK) {
            return STEP_HAND_BACK;
        }
        if (builder->depth > 0) {
            Frame *parent = &builder->frames[builder->depth - 1];
            if (PyDict_CheckExact(parent->value) && parent->key == NULL) {
                return STEP_HAND_BACK; /* a key that is a mapping or a list */
            }
        }
        return open_collection(builder, mapping, line);
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        Frame done = builder->frames[--builder->depth];
        int result = STEP_OK;
        if (builder->depth == 0) {
            *root = done.value;
            *root_lines = done.lines;
            done.value = done.lines = NULL;
        }
        else {
            result = add_value(builder, done.value, done.lines, done.line);
        }
        frame_clear(&done);
        return result;
    }
    default:
        return STEP_HAND_BACK;
    }
}

/* Read the first characters that some resolver reads from `firsts` (a str). */
static int
builder_firsts(Builder *builder, PyObject *firsts)
{
    if (!PyUnicode_Check(firsts)) {
        PyErr_SetString(PyExc_TypeError, "firsts must be a str");
        return 0;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(firsts);
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(firsts, k);
        if (c < 128) {
            builder->firsts[c] = 1;
        }
        else {
            builder->wide_firsts = 1;
        }
    }
    return 1;
}

PyDoc_STRVAR(tree_doc,
"tree(text, max_nodes, firsts, typed, stop)\n"
"--\n"
"\n"
"The (value, lines, repeated keys) of the YAML `text` as castline.load.frontmatter reads it,\n"
"or None for a text it hands back to PyYAML (see the module's comment). firsts: the first\n"
"characters some implicit resolver reads; typed(text) the value of another plain scalar, or\n"
"`stop`.");

static PyObject *
tree(PyObject *module, PyObject *args)
{
    PyObject *text, *firsts, *root = NULL, *root_lines = NULL, *result = NULL;
    Builder builder;
    memset(&builder, 0, sizeof(builder));
    if (!PyArg_ParseTuple(args, "UnUOO:tree", &text, &builder.max_nodes, &firsts,
                          &builder.typed, &builder.stop)
        || !builder_firsts(&builder, firsts)) {
        return NULL;
    }
    Py_ssize_t size;
    const char *data = PyUnicode_AsUTF8AndSize(text, &size);
    if (data == NULL) { /* a lone surrogate: PyYAML says what is wrong */
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    builder.frames = PyMem_Calloc(MAX_DEPTH, sizeof(Frame));
    if (builder.frames == NULL) {
        return PyErr_NoMemory();
    }
    builder.repeated = PyList_New(0);
    if (builder.repeated == NULL) {
        PyMem_Free(builder.frames);
        return NULL;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        PyMem_Free(builder.frames);
        Py_DECREF(builder.repeated);
        return PyErr_NoMemory();
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, (size_t)size);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    int documents = 0, outcome = STEP_OK, ended = 0;
    while (outcome == STEP_OK && !ended) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            outcome = STEP_HAND_BACK;
            break;
        }
        ended = event.type == YAML_STREAM_END_EVENT;
        outcome = step(&builder, &event, &root, &root_lines, &documents);
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    for (Py_ssize_t k = 0; k < builder.depth; k++) {
        frame_clear(&builder.frames[k]);
    }
    PyMem_Free(builder.frames);
    if (outcome == STEP_OK && documents == 1 && root != NULL) {
        result = PyTuple_Pack(3, root, root_lines != NULL ? root_lines : Py_None,
                              builder.repeated);
    }
    else if (outcome != STEP_ERROR) {
        result = Py_NewRef(Py_None);
    }
    Py_XDECREF(root);
    Py_XDECREF(root_lines);
    Py_DECREF(builder.repeated);
    return result;
}

static PyMethodDef methods[] = {
    {"tree", tree, METH_VARARGS, tree_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "castline.load._yaml_tree",
    .m_doc = "castline.load.frontmatter's typed reading of a YAML text, by libyaml, in C.",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__yaml_tree(void)
{
    return PyModuleDef_Init(&module);
}
