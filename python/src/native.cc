// articledb._native: the C++ side of the Python binding (docs/python.md).
//
// The Python package (python/articledb/__init__.py) subclasses Archive and adds what is
// easier in Python (argument forms, lazy iterators, DataFrames); everything that touches
// the archive or converts articles is here. Every call that reads or writes the archive
// releases the GIL while the library works; conversions between dicts and articles hold
// it. The archive is kept by a shared_ptr that each call copies, so close() during a call
// in another thread only drops this object's reference: the archive closes when the last
// call using it returns.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <datetime.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <google/protobuf/util/time_util.h>

#include "articledb/archive.h"
#include "articledb/article.h"
#include "articledb/dump.h"
#include "articledb/options.h"
#include "articledb/query.h"
#include "articledb/search.h"
#include "articledb/status.h"

namespace py = pybind11;

namespace articledb::python {
namespace {

// A non-OK Status on its way to Python, where the translator raises the exception class
// of articledb._errors named after its code.
struct StatusError {
  Status status;
};

[[noreturn]] void Raise(Status s) { throw StatusError{std::move(s)}; }

// `s` with another message.
Status WithMessage(const Status& s, std::string message) {
  switch (s.code()) {
    case Status::Code::kNotFound: return Status::NotFound(std::move(message));
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(std::move(message));
    case Status::Code::kCorruption: return Status::Corruption(std::move(message));
    case Status::Code::kIOError: return Status::IOError(std::move(message));
    case Status::Code::kBusy: return Status::Busy(std::move(message));
    case Status::Code::kNotSupported: return Status::NotSupported(std::move(message));
    case Status::Code::kAborted: return Status::Aborted(std::move(message));
    case Status::Code::kOk: break;
  }
  return s;
}
void Check(Status s) {
  if (!s.ok()) Raise(std::move(s));
}

const char* ErrorClassName(Status::Code code) {
  switch (code) {
    case Status::Code::kNotFound: return "NotFound";
    case Status::Code::kInvalidArgument: return "InvalidArgument";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kIOError: return "IOError";
    case Status::Code::kBusy: return "Busy";
    case Status::Code::kNotSupported: return "NotSupported";
    case Status::Code::kAborted: return "Aborted";
    case Status::Code::kOk: break;
  }
  return "Error";
}

// ---------------------------------------------------------------------------------------
// Python objects -> articles

// The UTF-8 bytes of a str; false for anything else, or a str that cannot be encoded
// (a lone surrogate), with *why saying which.
bool Utf8Of(PyObject* o, std::string_view* out, std::string* why) {
  if (!PyUnicode_Check(o)) {
    *why = std::string("must be a string, not ") + Py_TYPE(o)->tp_name;
    return false;
  }
  Py_ssize_t n = 0;
  const char* p = PyUnicode_AsUTF8AndSize(o, &n);
  if (p == nullptr) {
    PyErr_Clear();
    *why = "is not valid Unicode (it holds a lone surrogate)";
    return false;
  }
  *out = std::string_view(p, static_cast<size_t>(n));
  return true;
}

class Converter {
 public:
  // `prefix` starts every message: "" or "at position 3: " (in a put_many's input).
  Converter(std::string prefix, Article* out) : prefix_(std::move(prefix)), a_(out) {}

  void Convert(PyObject* obj) {
    a_->Clear();
    if (PyObject_HasAttrString(obj, "SerializeToString") &&
        PyObject_HasAttrString(obj, "DESCRIPTOR")) {
      FromMessage(obj);
      return;
    }
    if (!PyDict_Check(obj)) {
      // Any other mapping: read through a dict copy.
      if (!PyMapping_Check(obj) || PyUnicode_Check(obj) || PyList_Check(obj) ||
          PyTuple_Check(obj) || PyBytes_Check(obj) || PyByteArray_Check(obj) ||
          PyMemoryView_Check(obj)) {
        Fail("", std::string("must be a dict (or an articledb.v1.Article message), not ") +
                     Py_TYPE(obj)->tp_name);
      }
      py::dict copy(py::reinterpret_borrow<py::object>(obj));
      FromDict(copy.ptr());
      return;
    }
    FromDict(obj);
  }

 private:
  [[noreturn]] void Fail(const std::string& field, const std::string& why) {
    // Named as ValidateArticle names articles: by id, else by url.
    std::string who = "article (no id)";
    if (!a_->id().empty()) {
      who = "article '" + a_->id() + "'";
    } else if (!a_->url().empty()) {
      who = "article (url '" + a_->url() + "')";
    }
    if (field.empty()) Raise(Status::InvalidArgument(prefix_ + who + ": " + why));
    Raise(Status::InvalidArgument(prefix_ + who + ": field '" + field + "': " + why));
  }

  std::string String(const std::string& field, PyObject* v) {
    std::string_view s;
    std::string why;
    if (!Utf8Of(v, &s, &why)) Fail(field, why);
    return std::string(s);
  }

  void FromMessage(PyObject* obj) {
    py::object bytes = py::reinterpret_borrow<py::object>(obj).attr("SerializeToString")();
    if (!PyBytes_Check(bytes.ptr())) Fail("", "SerializeToString() did not return bytes");
    char* p = nullptr;
    Py_ssize_t n = 0;
    PyBytes_AsStringAndSize(bytes.ptr(), &p, &n);
    if (!a_->ParseFromArray(p, static_cast<int>(n))) {
      Fail("", "the message does not parse as an articledb.v1.Article");
    }
  }

  void Timestamp(const std::string& field, PyObject* v, google::protobuf::Timestamp* ts) {
    if (PyUnicode_Check(v)) {
      std::string s = String(field, v);
      if (!google::protobuf::util::TimeUtil::FromString(s, ts)) {
        Fail(field, "'" + s + "' is not an RFC 3339 time (e.g. 2024-05-01T12:00:00Z)");
      }
      return;
    }
    if (PyDateTime_Check(v)) {
      py::handle h(v);
      // A naive datetime is UTC (documented in docs/python.md).
      py::object aware = py::reinterpret_borrow<py::object>(h);
      if (h.attr("tzinfo").is_none()) {
        aware = h.attr("replace")(py::arg("tzinfo") =
                                      py::module_::import("datetime").attr("timezone").attr("utc"));
      }
      py::object epoch = py::module_::import("datetime").attr("datetime")(
          1970, 1, 1, py::arg("tzinfo") =
                          py::module_::import("datetime").attr("timezone").attr("utc"));
      py::object delta = aware - epoch;
      int64_t days = delta.attr("days").cast<int64_t>();
      int64_t secs = delta.attr("seconds").cast<int64_t>();
      int64_t us = delta.attr("microseconds").cast<int64_t>();
      ts->set_seconds(days * 86400 + secs);
      ts->set_nanos(static_cast<int32_t>(us * 1000));
      return;
    }
    if (PyDate_Check(v)) {
      py::handle h(v);
      int y = h.attr("year").cast<int>(), m = h.attr("month").cast<int>(),
          d = h.attr("day").cast<int>();
      // Days since the epoch (proleptic Gregorian, as datetime.date).
      std::chrono::sys_days day = std::chrono::year_month_day(
          std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
          std::chrono::day(static_cast<unsigned>(d)));
      ts->set_seconds(static_cast<int64_t>(day.time_since_epoch().count()) * 86400);
      ts->set_nanos(0);
      return;
    }
    Fail(field, std::string("must be an RFC 3339 string, a datetime or a date, not ") +
                    Py_TYPE(v)->tp_name);
  }

  void StringList(const std::string& field, PyObject* v,
                  google::protobuf::RepeatedPtrField<std::string>* out) {
    if (!PyList_Check(v) && !PyTuple_Check(v)) {
      Fail(field, std::string("must be a list of strings, not ") + Py_TYPE(v)->tp_name);
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
    PyObject** items = PySequence_Fast_ITEMS(v);
    for (Py_ssize_t i = 0; i < n; ++i) {
      out->Add(String(field + "[" + std::to_string(i) + "]", items[i]));
    }
  }

  // *label: the alias's name when `s` names a tagger's label ("gpe": "GPE"), else "".
  static bool ParseKind(std::string_view s, int* kind, std::string* label) {
    const google::protobuf::EnumDescriptor* d = v1::Entity::Kind_descriptor();
    std::string name(s);
    for (char& c : name) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c == '-') c = '_';
    }
    const google::protobuf::EnumValueDescriptor* v = d->FindValueByName(name);
    if (v == nullptr) return false;
    *kind = v->number();
    // The kind's own name is the first one the enum declares for its number.
    if (v != d->FindValueByNumber(v->number())) {
      *label = v->name();
    } else {
      label->clear();
    }
    return true;
  }

  void Entities(PyObject* v) {
    if (!PyList_Check(v) && !PyTuple_Check(v)) {
      Fail("entities", std::string("must be a list of entities ({'name': ..., 'kind': ...} "
                                   "or names), not ") + Py_TYPE(v)->tp_name);
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
    PyObject** items = PySequence_Fast_ITEMS(v);
    for (Py_ssize_t i = 0; i < n; ++i) {
      std::string field = "entities[" + std::to_string(i) + "]";
      Entity* e = a_->add_entities();
      PyObject* item = items[i];
      if (PyUnicode_Check(item)) {
        e->set_name(String(field, item));
        continue;
      }
      if (!PyDict_Check(item)) {
        Fail(field, std::string("must be a dict {'name': ..., 'kind': ...} or a name, not ") +
                        Py_TYPE(item)->tp_name);
      }
      PyObject* key = nullptr;
      PyObject* value = nullptr;
      Py_ssize_t pos = 0;
      std::string tagger_label;
      while (PyDict_Next(item, &pos, &key, &value)) {
        std::string_view k;
        std::string why;
        if (!Utf8Of(key, &k, &why)) Fail(field, "a key " + why);
        if (value == Py_None) continue;
        if (k == "name") {
          e->set_name(String(field + ".name", value));
        } else if (k == "kind") {
          int kind = 0;
          if (PyBool_Check(value)) {
            Fail(field + ".kind", "must be a kind name or number, not bool");
          } else if (PyLong_Check(value)) {
            long x = PyLong_AsLong(value);
            if (x == -1 && PyErr_Occurred()) PyErr_Clear();
            if (!v1::Entity::Kind_IsValid(static_cast<int>(x)) || x < 0 || x > 1000) {
              Fail(field + ".kind", "unknown kind " + std::to_string(x));
            }
            kind = static_cast<int>(x);
          } else {
            std::string s = String(field + ".kind", value);
            if (!ParseKind(s, &kind, &tagger_label)) {
              Fail(field + ".kind", "'" + s + "' is not an entity kind (PERSON, ORGANIZATION, "
                                    "LOCATION, EVENT, OTHER, or a spaCy/CoNLL label)");
            }
          }
          e->set_kind(static_cast<v1::Entity::Kind>(kind));
        } else if (k == "label") {
          e->set_label(String(field + ".label", value));
        } else {
          Fail(field, "unknown key '" + std::string(k) + "' (an entity has name, kind, label)");
        }
      }
      if (e->label().empty()) e->set_label(tagger_label);
    }
  }

  void Attributes(PyObject* v) {
    if (!PyDict_Check(v)) {
      Fail("attributes", std::string("must be a dict of strings, not ") + Py_TYPE(v)->tp_name);
    }
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    Py_ssize_t pos = 0;
    auto* map = a_->mutable_attributes();
    while (PyDict_Next(v, &pos, &key, &value)) {
      std::string k = String("attributes", key);
      (*map)[k] = String("attributes." + k, value);
    }
  }

  void FromDict(PyObject* d) {
    // The id first, so that messages about other fields can name the article by it.
    PyObject* id = PyDict_GetItemString(d, "id");
    if (id != nullptr && id != Py_None) a_->set_id(String("id", id));
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    Py_ssize_t pos = 0;
    while (PyDict_Next(d, &pos, &key, &value)) {
      std::string_view k;
      std::string why;
      if (!Utf8Of(key, &k, &why)) Fail("", "a key " + why);
      if (value == Py_None) continue;  // as JSON null: the field is absent
      if (k == "id") {
        continue;
      } else if (k == "url") {
        a_->set_url(String("url", value));
      } else if (k == "source") {
        a_->set_source(String("source", value));
      } else if (k == "language") {
        a_->set_language(String("language", value));
      } else if (k == "title") {
        a_->set_title(String("title", value));
      } else if (k == "summary") {
        a_->set_summary(String("summary", value));
      } else if (k == "body") {
        a_->set_body(String("body", value));
      } else if (k == "published_at" || k == "publishedAt") {
        Timestamp("published_at", value, a_->mutable_published_at());
      } else if (k == "updated_at" || k == "updatedAt") {
        Timestamp("updated_at", value, a_->mutable_updated_at());
      } else if (k == "authors") {
        StringList("authors", value, a_->mutable_authors());
      } else if (k == "topics") {
        StringList("topics", value, a_->mutable_topics());
      } else if (k == "entities") {
        Entities(value);
      } else if (k == "attributes") {
        Attributes(value);
      } else {
        Fail("", "unknown field '" + std::string(k) +
                     "' (fields: id, url, source, language, published_at, updated_at, title, "
                     "summary, body, authors, topics, entities, attributes)");
      }
    }
  }

  std::string prefix_;
  Article* a_;
};

// ---------------------------------------------------------------------------------------
// Articles -> Python objects

// Interned keys, made once (the module lives as long as the interpreter).
struct Keys {
  PyObject* id;
  PyObject* url;
  PyObject* source;
  PyObject* language;
  PyObject* published_at;
  PyObject* updated_at;
  PyObject* title;
  PyObject* summary;
  PyObject* body;
  PyObject* authors;
  PyObject* topics;
  PyObject* entities;
  PyObject* attributes;
  PyObject* name;
  PyObject* kind;
  PyObject* label;
  PyObject* kind_names[6];
};
Keys* keys = nullptr;

void InitKeys() {
  keys = new Keys;
  auto k = [](const char* s) { return PyUnicode_InternFromString(s); };
  keys->id = k("id");
  keys->url = k("url");
  keys->source = k("source");
  keys->language = k("language");
  keys->published_at = k("published_at");
  keys->updated_at = k("updated_at");
  keys->title = k("title");
  keys->summary = k("summary");
  keys->body = k("body");
  keys->authors = k("authors");
  keys->topics = k("topics");
  keys->entities = k("entities");
  keys->attributes = k("attributes");
  keys->name = k("name");
  keys->kind = k("kind");
  keys->label = k("label");
  const char* kinds[6] = {"KIND_UNSPECIFIED", "PERSON", "ORGANIZATION", "LOCATION", "EVENT",
                          "OTHER"};
  for (int i = 0; i < 6; ++i) keys->kind_names[i] = k(kinds[i]);
}

// Sets d[key] = str(value) when value is not empty; the reference to the new str is stolen.
void SetStr(PyObject* d, PyObject* key, const std::string& value) {
  if (value.empty()) return;
  PyObject* s = PyUnicode_DecodeUTF8(value.data(), static_cast<Py_ssize_t>(value.size()),
                                     "replace");
  if (s == nullptr) throw py::error_already_set();
  PyDict_SetItem(d, key, s);
  Py_DECREF(s);
}

// RFC 3339 in UTC as protobuf's JSON form writes it (TimeUtil::ToString): 0, 3, 6 or 9
// fraction digits, "Z". Formatted here: protobuf's goes through printf, a fifth of the
// cost of turning a query page into dicts.
std::string FormatTimestamp(const google::protobuf::Timestamp& ts) {
  int64_t secs = ts.seconds();
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  char buf[40];
  int year = static_cast<int>(ymd.year());
  unsigned month = static_cast<unsigned>(ymd.month()), day = static_cast<unsigned>(ymd.day());
  auto two = [](char* p, int64_t v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  if (year < 0 || year > 9999) return google::protobuf::util::TimeUtil::ToString(ts);
  buf[0] = static_cast<char>('0' + year / 1000);
  buf[1] = static_cast<char>('0' + year / 100 % 10);
  two(buf + 2, year % 100);
  buf[4] = '-';
  two(buf + 5, month);
  buf[7] = '-';
  two(buf + 8, day);
  buf[10] = 'T';
  two(buf + 11, rem / 3600);
  buf[13] = ':';
  two(buf + 14, rem / 60 % 60);
  buf[16] = ':';
  two(buf + 17, rem % 60);
  size_t n = 19;
  int32_t nanos = ts.nanos();
  if (nanos > 0) {
    int digits = nanos % 1000000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9;
    int32_t v = digits == 3 ? nanos / 1000000 : digits == 6 ? nanos / 1000 : nanos;
    buf[n++] = '.';
    for (int i = digits - 1; i >= 0; --i) {
      buf[n + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    n += static_cast<size_t>(digits);
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

PyObject* StrList(const google::protobuf::RepeatedPtrField<std::string>& items) {
  PyObject* list = PyList_New(items.size());
  for (int i = 0; i < items.size(); ++i) {
    const std::string& s = items.Get(i);
    PyList_SET_ITEM(list, i,
                    PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace"));
  }
  return list;
}

// The article in the interchange schema (docs/format.md): fields at their default are
// left out, as in the JSON form; times are RFC 3339 strings.
py::object ArticleToDict(const Article& a) {
  PyObject* d = PyDict_New();
  py::object result = py::reinterpret_steal<py::object>(d);
  SetStr(d, keys->id, a.id());
  SetStr(d, keys->url, a.url());
  SetStr(d, keys->source, a.source());
  SetStr(d, keys->language, a.language());
  if (a.has_published_at()) {
    SetStr(d, keys->published_at, FormatTimestamp(a.published_at()));
  }
  if (a.has_updated_at()) {
    SetStr(d, keys->updated_at, FormatTimestamp(a.updated_at()));
  }
  SetStr(d, keys->title, a.title());
  SetStr(d, keys->summary, a.summary());
  SetStr(d, keys->body, a.body());
  if (a.authors_size() > 0) {
    PyObject* l = StrList(a.authors());
    PyDict_SetItem(d, keys->authors, l);
    Py_DECREF(l);
  }
  if (a.topics_size() > 0) {
    PyObject* l = StrList(a.topics());
    PyDict_SetItem(d, keys->topics, l);
    Py_DECREF(l);
  }
  if (a.entities_size() > 0) {
    PyObject* l = PyList_New(a.entities_size());
    for (int i = 0; i < a.entities_size(); ++i) {
      const Entity& e = a.entities(i);
      PyObject* ed = PyDict_New();
      SetStr(ed, keys->name, e.name());
      if (e.kind() != v1::Entity::KIND_UNSPECIFIED) {
        int kind = static_cast<int>(e.kind());
        if (kind >= 0 && kind < 6) PyDict_SetItem(ed, keys->kind, keys->kind_names[kind]);
      }
      SetStr(ed, keys->label, e.label());
      PyList_SET_ITEM(l, i, ed);
    }
    PyDict_SetItem(d, keys->entities, l);
    Py_DECREF(l);
  }
  if (!a.attributes().empty()) {
    PyObject* m = PyDict_New();
    for (const auto& [k, v] : a.attributes()) {
      PyObject* ks = PyUnicode_DecodeUTF8(k.data(), static_cast<Py_ssize_t>(k.size()), "replace");
      PyObject* vs = PyUnicode_DecodeUTF8(v.data(), static_cast<Py_ssize_t>(v.size()), "replace");
      PyDict_SetItem(m, ks, vs);
      Py_DECREF(ks);
      Py_DECREF(vs);
    }
    PyDict_SetItem(d, keys->attributes, m);
    Py_DECREF(m);
  }
  return result;
}

// An article as asked: "dict" (the interchange schema) or "bytes" (the serialized
// articledb.v1.Article, which the Python side parses into a message).
py::object Out(const Article& a, bool as_bytes) {
  if (as_bytes) return py::bytes(a.SerializeAsString());
  return ArticleToDict(a);
}

// An aware datetime in UTC of microseconds since the epoch.
py::object UtcDateTime(int64_t micros) {
  int64_t secs = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  int64_t us = micros - secs * 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  PyObject* dt = PyDateTimeAPI->DateTime_FromDateAndTime(
      static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
      static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(rem / 3600),
      static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60), static_cast<int>(us),
      PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
  if (dt == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(dt);
}

// ---------------------------------------------------------------------------------------
// Filters: the Python side passes a dict of normalised arguments.

std::vector<std::string> Strings(const py::dict& d, const char* key) {
  std::vector<std::string> out;
  if (!d.contains(key)) return out;
  py::object v = d[key];
  if (v.is_none()) return out;
  for (py::handle item : v) out.push_back(item.cast<std::string>());
  return out;
}

Filter MakeFilter(const py::dict& d) {
  Filter f;
  f.sources = Strings(d, "sources");
  f.entities = Strings(d, "entities");
  f.any_entities = Strings(d, "any_entities");
  f.not_entities = Strings(d, "not_entities");
  f.languages = Strings(d, "languages");
  f.topics = Strings(d, "topics");
  f.authors = Strings(d, "authors");
  if (d.contains("from") && !d["from"].is_none()) f.from_micros = d["from"].cast<int64_t>();
  if (d.contains("to") && !d["to"].is_none()) f.to_micros = d["to"].cast<int64_t>();
  if (d.contains("text") && !d["text"].is_none()) f.text = d["text"].cast<std::string>();
  return f;
}

Order ParseOrder(const std::string& s) {
  if (s == "newest") return Order::kNewestFirst;
  if (s == "oldest") return Order::kOldestFirst;
  if (s == "relevance") return Order::kRelevance;
  Raise(Status::InvalidArgument("order '" + s +
                                "': must be 'newest', 'oldest' or 'relevance'"));
}

py::list NameCounts(const std::vector<NameCount>& v) {
  py::list out;
  for (const NameCount& nc : v) out.append(py::make_tuple(nc.name, nc.count));
  return out;
}

py::dict StatsDict(const WriteStats& s) {
  py::dict d;
  d["inserted"] = s.inserted;
  d["updated"] = s.updated;
  d["unchanged"] = s.unchanged;
  d["deleted"] = s.deleted;
  d["not_found"] = s.not_found;
  return d;
}

// A progress callback for long calls that run without the GIL: takes it to call `fn`.
// The callback's value is read as Python reads a condition (False, None... stop; but None
// goes on, as a callback that returns nothing). An exception in it stops the call, and
// Rethrow() raises it once the call has returned.
class Progress {
 public:
  explicit Progress(py::object fn) : state_(std::make_shared<State>()) {
    state_->fn = std::move(fn);
  }
  ProgressFn fn() const {
    if (state_->fn.is_none()) return nullptr;
    std::shared_ptr<State> state = state_;
    return [state](uint64_t done) {
      py::gil_scoped_acquire gil;
      if (state->error) return false;
      try {
        py::object r = state->fn(done);
        if (r.is_none()) return true;
        int truth = PyObject_IsTrue(r.ptr());
        if (truth < 0) throw py::error_already_set();
        return truth == 1;
      } catch (py::error_already_set& e) {
        state->error = std::make_unique<py::error_already_set>(std::move(e));
        return false;
      }
    };
  }
  // With the GIL held, after the call.
  void Rethrow() {
    if (state_->error) {
      std::unique_ptr<py::error_already_set> e = std::move(state_->error);
      throw std::move(*e);
    }
  }

 private:
  struct State {
    py::object fn;
    std::unique_ptr<py::error_already_set> error;
  };
  std::shared_ptr<State> state_;
};

// ---------------------------------------------------------------------------------------

class NativeArchive {
 public:
  NativeArchive(const std::string& path, bool create, bool read_only, size_t cache_bytes,
                bool index_text)
      : path_(path) {
    Options options;
    options.create_if_missing = create;
    options.read_only = read_only;
    options.index_text = index_text;
    if (cache_bytes > 0) options.block_cache_bytes = cache_bytes;
    limits_ = options.limits;
    std::unique_ptr<Archive> db;
    Status s;
    {
      py::gil_scoped_release nogil;
      s = Archive::Open(options, path, &db);
    }
    Check(s);
    db_ = std::shared_ptr<Archive>(std::move(db));
  }

  std::shared_ptr<Archive> db() const {
    // db_ is read and replaced only with the GIL held.
    std::shared_ptr<Archive> db = db_;
    if (!db) Raise(Status::InvalidArgument("archive '" + path_ + "' is closed"));
    return db;
  }

  // New calls fail at once; calls running in other threads (each holding a reference,
  // without the GIL) finish first; then the archive closes.
  void Close() {
    std::shared_ptr<Archive> db = std::move(db_);
    db_.reset();
    if (!db) return;
    py::gil_scoped_release nogil;
    while (db.use_count() > 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    db.reset();
  }
  bool closed() const { return !db_; }
  const std::string& path() const { return path_; }

  std::string Put(py::handle article) {
    Article a;
    Converter("", &a).Convert(article.ptr());
    Check(ValidateArticle(a, limits_));  // before the id is derived: names it as given
    if (a.id().empty()) a.set_id(DeriveArticleId(a));
    Call([&](Archive& db) { return db.Put(WriteOptions(), a); });
    return a.id();
  }

  // Converts `batch` (a list) into articles, numbering them from `first` in messages.
  std::vector<Article> Convert(const py::list& batch, uint64_t first) {
    std::vector<Article> articles(batch.size());
    for (size_t i = 0; i < articles.size(); ++i) {
      std::string where = "at position " + std::to_string(first + i) + ": ";
      Converter(where, &articles[i]).Convert(batch[i].ptr());
      Status v = ValidateArticle(articles[i], limits_);
      if (!v.ok()) Raise(Status::InvalidArgument(where + v.message()));
    }
    return articles;
  }

  py::dict PutBatch(const py::list& batch, uint64_t first, bool sync) {
    auto db = this->db();
    std::vector<Article> articles = Convert(batch, first);
    WriteStats stats;
    Status s;
    {
      py::gil_scoped_release nogil;
      WriteOptions wo;
      wo.sync = sync;
      s = db->PutBatch(wo, articles, &stats);
    }
    Check(s);
    return StatsDict(stats);
  }

  py::object Get(const std::string& id, bool as_bytes) {
    Article a;
    Call([&](Archive& db) { return db.Get(id, &a); });
    return Out(a, as_bytes);
  }

  // Archive.get, whole in C++ (it is the call made most often): the id must be a str;
  // `fallback` (when not the module's _MISSING) is returned for an id not stored;
  // `as_message` gives an articledb.v1.Article.
  py::object GetPublic(py::handle id, py::handle fallback, bool as_message) {
    if (!PyUnicode_Check(id.ptr())) {
      throw py::type_error(std::string("get(): an id must be a str, not ") +
                           Py_TYPE(id.ptr())->tp_name);
    }
    Py_ssize_t n = 0;
    const char* p = PyUnicode_AsUTF8AndSize(id.ptr(), &n);
    if (p == nullptr) throw py::error_already_set();
    const std::string_view key(p, static_cast<size_t>(n));
    auto db = this->db();
    Article a;
    Status s;
    {
      py::gil_scoped_release nogil;
      s = db->Get(key, &a);
    }
    if (s.IsNotFound() && !fallback.is(Missing())) {
      return py::reinterpret_borrow<py::object>(fallback);
    }
    Check(s);
    if (!as_message) return ArticleToDict(a);
    py::object cls = py::module_::import("articledb.v1.article_pb2").attr("Article");
    return cls.attr("FromString")(py::bytes(a.SerializeAsString()));
  }

  // The default of get's `default`: no fallback.
  static py::handle Missing() {
    static PyObject* missing =
        PyObject_CallNoArgs(reinterpret_cast<PyObject*>(&PyBaseObject_Type));
    return missing;
  }

  py::list GetMany(const std::vector<std::string>& ids, bool as_bytes) {
    std::vector<Article> articles;
    std::vector<Status> statuses;
    Call([&](Archive& db) { return db.MultiGet(ids, &articles, &statuses); });
    py::list out(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      if (statuses[i].IsNotFound()) {
        out[i] = py::none();
      } else {
        Check(statuses[i]);
        out[i] = Out(articles[i], as_bytes);
      }
    }
    return out;
  }

  void Delete(const std::string& id) {
    Call([&](Archive& db) { return db.Delete(WriteOptions(), id); });
  }

  py::dict DeleteMany(const std::vector<std::string>& ids) {
    WriteStats stats;
    Call([&](Archive& db) { return db.DeleteBatch(WriteOptions(), ids, &stats); });
    return StatsDict(stats);
  }

  py::tuple QueryPage(const py::dict& filter, const std::string& order, size_t limit,
                      const std::string& cursor, bool summary, bool as_bytes) {
    Filter f = MakeFilter(filter);
    QueryOptions qo;
    qo.order = ParseOrder(order);
    qo.limit = limit;
    qo.cursor = cursor;
    qo.projection = summary ? Projection::kSummary : Projection::kFull;
    Page page;
    Call([&](Archive& db) { return db.Query(f, qo, &page); });
    py::list articles(page.articles.size());
    for (size_t i = 0; i < page.articles.size(); ++i) {
      articles[i] = Out(page.articles[i], as_bytes);
    }
    return py::make_tuple(articles, py::bytes(page.next_cursor));
  }

  uint64_t Count(const py::dict& filter) {
    Filter f = MakeFilter(filter);
    uint64_t n = 0;
    Call([&](Archive& db) { return db.Count(f, &n); });
    return n;
  }

  py::object Timeline(const py::dict& filter, const std::string& by, const std::string& tz,
                      bool zero_fill, bool columnar) {
    Filter f = MakeFilter(filter);
    TimelineOptions to;
    if (by == "day") {
      to.bucket = Bucket::kDay;
    } else if (by == "week") {
      to.bucket = Bucket::kWeek;
    } else if (by == "month") {
      to.bucket = Bucket::kMonth;
    } else if (by == "year") {
      to.bucket = Bucket::kYear;
    } else {
      Raise(Status::InvalidArgument("by '" + by + "': must be 'day', 'week', 'month' or 'year'"));
    }
    to.time_zone = tz;
    to.zero_fill = zero_fill;
    std::vector<TimelineEntry> entries;
    Call([&](Archive& db) { return db.Timeline(f, to, &entries); });
    // Built with the C API: a day timeline of years has thousands of rows.
    const auto n = static_cast<Py_ssize_t>(entries.size());
    auto label = [](const TimelineEntry& e) {
      return PyUnicode_FromStringAndSize(e.label.data(), static_cast<Py_ssize_t>(e.label.size()));
    };
    if (columnar) {  // (labels, starts in microseconds, counts): the DataFrame's columns
      py::list labels(n), starts(n), counts(n);
      for (Py_ssize_t i = 0; i < n; ++i) {
        const TimelineEntry& e = entries[static_cast<size_t>(i)];
        PyList_SET_ITEM(labels.ptr(), i, label(e));
        PyList_SET_ITEM(starts.ptr(), i, PyLong_FromLongLong(e.start_micros));
        PyList_SET_ITEM(counts.ptr(), i, PyLong_FromUnsignedLongLong(e.count));
      }
      return py::make_tuple(labels, starts, counts);
    }
    // [(label, start as an aware datetime in UTC, count)]
    py::list out(n);
    for (Py_ssize_t i = 0; i < n; ++i) {
      const TimelineEntry& e = entries[static_cast<size_t>(i)];
      PyObject* row = PyTuple_New(3);
      PyTuple_SET_ITEM(row, 0, label(e));
      PyTuple_SET_ITEM(row, 1, UtcDateTime(e.start_micros).release().ptr());
      PyTuple_SET_ITEM(row, 2, PyLong_FromUnsignedLongLong(e.count));
      PyList_SET_ITEM(out.ptr(), i, row);
    }
    return out;
  }

  py::list Facets(const py::dict& filter, const std::string& by, size_t limit) {
    Filter f = MakeFilter(filter);
    FacetOptions fo;
    if (by == "source") {
      fo.by = FacetField::kSource;
    } else if (by == "entity") {
      fo.by = FacetField::kEntity;
    } else if (by == "topic") {
      fo.by = FacetField::kTopic;
    } else if (by == "language") {
      fo.by = FacetField::kLanguage;
    } else if (by == "author") {
      fo.by = FacetField::kAuthor;
    } else {
      Raise(Status::InvalidArgument(
          "by '" + by + "': must be 'source', 'entity', 'topic', 'language' or 'author'"));
    }
    fo.limit = limit;
    std::vector<NameCount> facets;
    Call([&](Archive& db) { return db.Facets(f, fo, &facets); });
    return NameCounts(facets);
  }

  py::list Sources(const std::string& prefix, size_t limit) {
    std::vector<NameCount> v;
    Call([&](Archive& db) { return db.ListSources(prefix, limit, &v); });
    return NameCounts(v);
  }

  py::list Entities(const std::string& prefix, size_t limit) {
    std::vector<NameCount> v;
    Call([&](Archive& db) { return db.ListEntities(prefix, limit, &v); });
    return NameCounts(v);
  }

  py::dict GetStats() {
    Stats st;
    Call([&](Archive& db) { return db.GetStats(&st); });
    py::dict d;
    d["articles"] = st.articles;
    d["sources"] = st.sources;
    d["entities"] = st.entities;
    d["oldest"] = st.oldest_micros ? py::object(py::str(FormatTime(*st.oldest_micros)))
                                   : py::object(py::none());
    d["newest"] = st.newest_micros ? py::object(py::str(FormatTime(*st.newest_micros)))
                                   : py::object(py::none());
    d["record_bytes"] = st.record_bytes;
    d["record_disk_bytes"] = st.record_disk_bytes;
    d["total_disk_bytes"] = st.total_disk_bytes;
    d["compression_ratio"] = st.compression_ratio;
    d["unicode_version"] = st.unicode_version;
    d["text_index"] = st.text_index;
    d["warnings"] = st.warnings;
    py::list cfs;
    for (const ColumnFamilyStats& cf : st.column_families) {
      py::dict c;
      c["name"] = cf.name;
      c["sst_bytes"] = cf.sst_bytes;
      c["memtable_bytes"] = cf.memtable_bytes;
      c["estimated_keys"] = cf.estimated_keys;
      cfs.append(c);
    }
    d["column_families"] = cfs;
    return d;
  }

  py::dict Verify(py::object progress) {
    auto db = this->db();
    VerifyReport r;
    Progress watch(std::move(progress));
    ProgressFn fn = watch.fn();
    Status s;
    {
      py::gil_scoped_release nogil;
      s = db->Verify(&r, fn);
    }
    watch.Rethrow();
    Check(s);
    py::dict d;
    d["ok"] = r.ok();
    d["records"] = r.records;
    d["index_entries"] = r.index_entries;
    d["problems"] = r.problems;
    d["messages"] = r.messages;
    d["quarantined"] = r.quarantined;
    return d;
  }

  py::dict Dump(const std::string& path, py::object progress) {
    auto db = this->db();
    DumpStats st;
    Progress watch(std::move(progress));
    ProgressFn fn = watch.fn();
    Status s;
    {
      py::gil_scoped_release nogil;
      s = DumpArchive(*db, path, &st, fn);
    }
    watch.Rethrow();
    Check(s);
    py::dict d;
    d["records"] = st.records;
    d["bytes"] = st.bytes;
    return d;
  }

  py::dict Restore(const std::string& path, py::object progress) {
    auto db = this->db();
    DumpStats st;
    Progress watch(std::move(progress));
    ProgressFn fn = watch.fn();
    RestoreOptions ro;
    ro.limits = limits_;
    Status s;
    {
      py::gil_scoped_release nogil;
      s = RestoreArchive(*db, path, &st, fn, ro);
    }
    watch.Rethrow();
    if (!s.ok() && st.stored > 0) {
      // What stays: records committed before the error (not with a bad file, which is
      // checked whole first; with a stop or a write error).
      Raise(WithMessage(s, s.message() + " (" + std::to_string(st.stored) +
                               " records were stored before it)"));
    }
    Check(s);
    py::dict d;
    d["records"] = st.records;
    d["bytes"] = st.bytes;
    d["stored"] = st.stored;
    return d;
  }

  void Flush() { Call([](Archive& db) { return db.Flush(); }); }
  void Compact() { Call([](Archive& db) { return db.Compact(); }); }
  void Refresh() { Call([](Archive& db) { return db.Refresh(); }); }
  void Checkpoint(const std::string& dir) {
    Call([&dir](Archive& db) { return db.Checkpoint(dir); });
  }

  const Limits& limits() const { return limits_; }

 private:
  // Runs fn(archive) without the GIL, holding a reference to the archive (so close()
  // waits for it), and raises the Status it returns. Arguments are converted before, and
  // results after, with the GIL.
  template <typename Fn>
  void Call(Fn fn) {
    auto db = this->db();
    Status s;
    {
      py::gil_scoped_release nogil;
      s = fn(*db);
    }
    Check(s);
  }

  std::string path_;
  Limits limits_;
  std::shared_ptr<Archive> db_;
};

// A bulk load from Python: batches of dicts in, sorted runs ingested (BulkLoader).
class NativeBulkLoader {
 public:
  explicit NativeBulkLoader(NativeArchive& archive) : archive_(archive), db_(archive.db()) {
    Status s;
    {
      py::gil_scoped_release nogil;
      s = db_->NewBulkLoader(BulkLoadOptions(), &loader_);
    }
    Check(s);
  }

  void Add(const py::list& batch, uint64_t first) {
    if (!loader_) Raise(Status::InvalidArgument("the bulk load has finished"));
    std::vector<Article> articles = archive_.Convert(batch, first);
    for (Article& a : articles) {
      if (a.id().empty()) a.set_id(DeriveArticleId(a));
    }
    Status s;
    {
      py::gil_scoped_release nogil;
      s = loader_->Add(articles);
    }
    Check(s);
  }

  py::dict Finish() {
    if (!loader_) Raise(Status::InvalidArgument("the bulk load has finished"));
    WriteStats stats;
    Status s;
    {
      py::gil_scoped_release nogil;
      s = loader_->Finish(&stats);
      loader_.reset();
    }
    Check(s);
    return StatsDict(stats);
  }

 private:
  NativeArchive& archive_;
  std::shared_ptr<Archive> db_;
  std::unique_ptr<BulkLoader> loader_;
};

// The same work as the binding's calls, timed in C++ in the same process: the baseline of
// the binding overhead figures of bench/python (not part of the documented API). Each
// read gets a fresh Article, as the binding hands each one over.
double CppGetSeconds(NativeArchive& archive, const std::vector<std::string>& ids) {
  auto db = archive.db();
  Status s;
  double seconds = 0;
  {
    py::gil_scoped_release nogil;
    auto t0 = std::chrono::steady_clock::now();
    for (const std::string& id : ids) {
      Article a;
      s = db->Get(id, &a);
      if (!s.ok()) break;
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  Check(s);
  return seconds;
}

double CppPageSeconds(NativeArchive& archive, const py::dict& filter, size_t limit,
                      int repeat) {
  auto db = archive.db();
  Filter f = MakeFilter(filter);
  Status s;
  double seconds = 0;
  {
    py::gil_scoped_release nogil;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < repeat && s.ok(); ++i) {
      QueryOptions qo;
      qo.limit = limit;
      Page page;
      s = db->Query(f, qo, &page);
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  Check(s);
  return seconds;
}

double CppTimelineSeconds(NativeArchive& archive, const py::dict& filter, int repeat) {
  auto db = archive.db();
  Filter f = MakeFilter(filter);
  Status s;
  double seconds = 0;
  {
    py::gil_scoped_release nogil;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < repeat && s.ok(); ++i) {
      std::vector<TimelineEntry> entries;
      s = db->Timeline(f, Bucket::kDay, &entries);
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  Check(s);
  return seconds;
}

// PutBatch of articles already converted, timed in C++ (the ingest baseline).
double CppPutBatchSeconds(NativeArchive& archive, const py::list& batch) {
  auto db = archive.db();
  std::vector<Article> articles = archive.Convert(batch, 0);
  Status s;
  double seconds = 0;
  {
    py::gil_scoped_release nogil;
    auto t0 = std::chrono::steady_clock::now();
    s = db->PutBatch(WriteOptions(), articles);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  Check(s);
  return seconds;
}

}  // namespace
}  // namespace articledb::python

PYBIND11_MODULE(_native, m) {
  using namespace articledb;
  using namespace articledb::python;
  m.doc() = "The native part of the articledb package; use the articledb module.";
  PyDateTime_IMPORT;
  InitKeys();

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      py::object errors = py::module_::import("articledb._errors");
      py::object cls = errors.attr(ErrorClassName(e.status.code()));
      PyErr_SetObject(cls.ptr(), py::str(e.status.message()).ptr());
    }
  });

  py::class_<NativeArchive>(m, "NativeArchive")
      .def(py::init<const std::string&, bool, bool, size_t, bool>(), py::arg("path"),
           py::arg("create"), py::arg("read_only"), py::arg("cache_bytes"),
           py::arg("index_text") = false)
      .def("_close", &NativeArchive::Close)
      .def_property_readonly("closed", &NativeArchive::closed)
      .def_property_readonly("path", &NativeArchive::path)
      .def("_put", &NativeArchive::Put)
      .def("_put_batch", &NativeArchive::PutBatch)
      .def("_get", &NativeArchive::Get)
      .def("get", &NativeArchive::GetPublic, py::arg("article_id"),
           py::arg("default") = NativeArchive::Missing(), py::arg("as_message") = false,
           "The article stored under `article_id`, as a dict (or an articledb.v1.Article "
           "with as_message=True). Raises NotFound when there is none, unless `default` "
           "is given.")
      .def("_get_many", &NativeArchive::GetMany)
      .def("_delete", &NativeArchive::Delete)
      .def("_delete_many", &NativeArchive::DeleteMany)
      .def("_query_page", &NativeArchive::QueryPage)
      .def("_count", &NativeArchive::Count)
      .def("_timeline", &NativeArchive::Timeline)
      .def("_facets", &NativeArchive::Facets)
      .def("_sources", &NativeArchive::Sources)
      .def("_entities", &NativeArchive::Entities)
      .def("_stats", &NativeArchive::GetStats)
      .def("_verify", &NativeArchive::Verify)
      .def("_dump", &NativeArchive::Dump)
      .def("_restore", &NativeArchive::Restore)
      .def("flush", &NativeArchive::Flush)
      .def("compact", &NativeArchive::Compact)
      .def("refresh", &NativeArchive::Refresh)
      .def("_checkpoint", &NativeArchive::Checkpoint);

  py::class_<NativeBulkLoader>(m, "NativeBulkLoader")
      .def(py::init<NativeArchive&>(), py::keep_alive<1, 2>())
      .def("add", &NativeBulkLoader::Add)
      .def("finish", &NativeBulkLoader::Finish);

  m.def("parse_time", [](const std::string& text) {
    int64_t micros = 0;
    Check(ParseTimeArgument(text, &micros));
    return micros;
  });
  m.def("format_time", &FormatTime);
  // For the tests: this module's RFC 3339 formatting against protobuf's.
  m.def("_format_timestamp", [](int64_t seconds, int32_t nanos) {
    google::protobuf::Timestamp ts;
    ts.set_seconds(seconds);
    ts.set_nanos(nanos);
    return py::make_tuple(FormatTimestamp(ts), google::protobuf::util::TimeUtil::ToString(ts));
  });
  m.def("normalize_name", &NormalizeName);
  m.def("derive_id", [](py::handle article) {
    Article a;
    Converter("", &a).Convert(article.ptr());
    return DeriveArticleId(a);
  });
  m.def("snippet", [](const std::string& query, py::handle article, size_t max_words,
                      const std::string& mark_begin, const std::string& mark_end) {
    Article a;
    Converter("", &a).Convert(article.ptr());
    SnippetOptions so;
    so.max_words = max_words;
    so.mark_begin = mark_begin;
    so.mark_end = mark_end;
    std::string out;
    Check(MakeSnippet(query, a, so, &out));
    return out;
  });
  m.def("_cpp_get_seconds", &CppGetSeconds);
  m.def("_cpp_page_seconds", &CppPageSeconds);
  m.def("_cpp_timeline_seconds", &CppTimelineSeconds);
  m.def("_cpp_put_batch_seconds", &CppPutBatchSeconds);
}
