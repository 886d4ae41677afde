// Every string an Article can hold, found by protobuf reflection: each string field,
// repeated string, string in a nested or repeated message, and map key and value. Tests
// use it to put a bad value in exactly one of them, so a field added to the schema later
// is tested without editing the tests. Header-only: shared by the library and dump tests.
#ifndef ARTICLEDB_TESTS_STRING_FIELDS_H_
#define ARTICLEDB_TESTS_STRING_FIELDS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <vector>

#include "articledb/article.h"

namespace articledb::testing {

namespace pb = google::protobuf;

// Gives every string of `m` the value "ok", every repeated field one element, every map
// one entry with key "k", recursively; nested messages are filled the same way. Combined
// with a valid id and source, the result passes ValidateArticle.
inline void FillEveryString(pb::Message* m, int depth = 0) {
  if (depth > 8) return;
  const pb::Descriptor* d = m->GetDescriptor();
  const pb::Reflection* r = m->GetReflection();
  auto set = [&](pb::Message* target, const pb::FieldDescriptor* f, const std::string& v) {
    if (f->type() == pb::FieldDescriptor::TYPE_STRING) {
      target->GetReflection()->SetString(target, f, v);
    } else if (f->type() == pb::FieldDescriptor::TYPE_MESSAGE) {
      FillEveryString(target->GetReflection()->MutableMessage(target, f), depth + 1);
    }
  };
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->is_map()) {
      pb::Message* entry = r->AddMessage(m, f);
      set(entry, f->message_type()->map_key(), "k");
      set(entry, f->message_type()->map_value(), "ok");
    } else if (f->is_repeated()) {
      if (f->type() == pb::FieldDescriptor::TYPE_STRING) r->AddString(m, f, "ok");
      if (f->type() == pb::FieldDescriptor::TYPE_MESSAGE) {
        FillEveryString(r->AddMessage(m, f), depth + 1);
      }
    } else {
      set(m, f, "ok");
    }
  }
}

// One string of an Article filled by FillEveryString: `path` is how validation names it
// ("summary", "authors[0]", "entities[0].name", "attributes" for a map key,
// "attributes.k" for the value of key "k"); `set` stores a value there.
struct StringSlot {
  std::string path;
  std::function<void(pb::Message* article, const std::string& value)> set;
};

using Locate = std::function<pb::Message*(pb::Message* root)>;

inline void CollectStringSlots(const pb::Descriptor* d, const std::string& prefix,
                               const Locate& locate, std::vector<StringSlot>* out, int depth = 0) {
  if (depth > 8) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    const std::string name = prefix + f->name();
    const bool is_string = f->type() == pb::FieldDescriptor::TYPE_STRING;
    if (f->is_map()) {
      const Locate entry = [locate, f](pb::Message* root) {
        pb::Message* m = locate(root);
        return m->GetReflection()->MutableRepeatedMessage(m, f, 0);
      };
      // Keys and values are the fields of the map's entry message.
      const pb::FieldDescriptor* key = f->message_type()->map_key();
      const pb::FieldDescriptor* value = f->message_type()->map_value();
      if (key->type() == pb::FieldDescriptor::TYPE_STRING) {
        out->push_back({name, [entry, key](pb::Message* root, const std::string& v) {
                          pb::Message* e = entry(root);
                          e->GetReflection()->SetString(e, key, v);
                        }});
      }
      if (value->type() == pb::FieldDescriptor::TYPE_STRING) {
        out->push_back({name + ".k", [entry, value](pb::Message* root, const std::string& v) {
                          pb::Message* e = entry(root);
                          e->GetReflection()->SetString(e, value, v);
                        }});
      } else if (value->type() == pb::FieldDescriptor::TYPE_MESSAGE) {
        CollectStringSlots(value->message_type(), name + ".k.",
                           [entry, value](pb::Message* root) {
                             pb::Message* e = entry(root);
                             return e->GetReflection()->MutableMessage(e, value);
                           },
                           out, depth + 1);
      }
    } else if (f->is_repeated()) {
      if (is_string) {
        out->push_back({name + "[0]", [locate, f](pb::Message* root, const std::string& v) {
                          pb::Message* m = locate(root);
                          m->GetReflection()->SetRepeatedString(m, f, 0, v);
                        }});
      } else if (f->type() == pb::FieldDescriptor::TYPE_MESSAGE) {
        CollectStringSlots(f->message_type(), name + "[0].",
                           [locate, f](pb::Message* root) {
                             pb::Message* m = locate(root);
                             return m->GetReflection()->MutableRepeatedMessage(m, f, 0);
                           },
                           out, depth + 1);
      }
    } else if (is_string) {
      out->push_back({name, [locate, f](pb::Message* root, const std::string& v) {
                        pb::Message* m = locate(root);
                        m->GetReflection()->SetString(m, f, v);
                      }});
    } else if (f->type() == pb::FieldDescriptor::TYPE_MESSAGE) {
      CollectStringSlots(f->message_type(), name + ".",
                         [locate, f](pb::Message* root) {
                           pb::Message* m = locate(root);
                           return m->GetReflection()->MutableMessage(m, f);
                         },
                         out, depth + 1);
    }
  }
}

// Every string of an Article, each with an article (id `id`) filled by FillEveryString.
inline std::vector<StringSlot> ArticleStringSlots() {
  std::vector<StringSlot> out;
  CollectStringSlots(Article::descriptor(), "", [](pb::Message* root) { return root; }, &out);
  return out;
}

// A valid article with every string filled in.
inline Article ArticleWithEveryString(const std::string& id) {
  Article a;
  FillEveryString(&a);
  a.set_id(id);
  return a;
}

}  // namespace articledb::testing

#endif  // ARTICLEDB_TESTS_STRING_FIELDS_H_
