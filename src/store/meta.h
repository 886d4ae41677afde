// The archive's meta keys in the default column family: format version, docno high-water
// mark, Unicode version, cursor key, the rebuild marker and the quarantine's prefix.
#ifndef ARTICLEDB_SRC_STORE_META_H_
#define ARTICLEDB_SRC_STORE_META_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "articledb/status.h"

namespace articledb::store {
class Store;
enum class TextIndexing : int;
}

namespace articledb::meta {

inline constexpr char kFormatKey[] = "articledb.format";
// Format 2: posting blocks and per-day counters (docs/storage.md). Format 1 (one index key
// per posting) is converted by Archive::Upgrade.
inline constexpr char kFormatVersion[] = "2";
// Set while an upgrade runs (its value: the format it converts to), with the reindex
// marker; the format key changes only when the conversion is complete.
inline constexpr char kUpgradeKey[] = "articledb.upgrade_in_progress";
inline constexpr char kReindexKey[] = "articledb.reindex_in_progress";
// Docnos below this value (8 bytes, big-endian) may have been given out: never reuse them.
inline constexpr char kDocnoMarkKey[] = "articledb.docno_high_water";
// The Unicode version (utf8proc's) the name keys were made with, e.g. "15.0.0".
inline constexpr char kUnicodeKey[] = "articledb.unicode_version";
// 8 random bytes: the key of the cursors' check (src/query/cursor.h).
inline constexpr char kCursorKeyKey[] = "articledb.cursor_key";
// Records Reindex found sharing an id with the live one: prefix + docno(8) -> the record.
inline constexpr std::string_view kQuarantinePrefix = "articledb.quarantine.";

std::string QuarantineKey(uint64_t docno);

// Checks the format mark (writing it in a new archive, `created`, in one synced write
// with kIndexesKey). A format-1 archive is NotSupported with the command that upgrades it.
Status CheckFormat(store::Store& store, bool created);
// The format mark as stored; NotFound (a directory that is not an archive) when absent.
Status ReadFormat(store::Store& store, std::string* format);

// The Unicode version and the cursor key; both written when missing (at creation, and at
// the first open for writing of an archive made before they existed).
struct Meta {
  std::string unicode_version;
  uint64_t cursor_key = 0;
};
Status Load(store::Store& store, Meta* meta);

// *marked: the rebuild marker is set (a reindex runs or was interrupted).
Status RebuildMarked(store::Store& store, bool* marked);

// The index types and doc values an archive holds, written at creation and by a reindex
// when it ends: an archive without it (or with another value) was written before some of
// them existed and is rebuilt at its next open for writing; a read-only open refuses it.
// Two values are current: with the text index ('W2': its postings with impacts) or without
// it (an archive made before the text index existed, or without Options::index_text; text
// queries then read records). Options::index_text chooses at creation; a Reindex keeps
// what the archive has, builds it (index_text) or drops it (drop_text_index). The text
// index before impacts ('W') is read as it is by a read-only open (relevance then measures
// records) and rebuilt with them at the next open for writing.
inline constexpr char kIndexesKey[] = "articledb.indexes";
inline constexpr char kIndexesValue[] = "DSELTA facets";
inline constexpr char kIndexesTextValue[] = "DSELTAW2 facets";
inline constexpr char kIndexesTermsValue[] = "DSELTAW facets";  // the text index, no impacts
inline const char* IndexesValue(bool text) { return text ? kIndexesTextValue : kIndexesValue; }
// *current: the archive holds one of the current values' indexes (true in a new archive,
// `created`: CheckFormat wrote the key; and for the text index without impacts when the
// store is read-only); *text: how it keeps text.
Status IndexesCurrent(store::Store& store, bool created, bool* current,
                      store::TextIndexing* text);
// Sets the rebuild marker (synced): the reindex runs at this open or the next.
Status MarkRebuild(store::Store& store);

}  // namespace articledb::meta

#endif  // ARTICLEDB_SRC_STORE_META_H_
