// The measurement behind the posting-block codec and bucket width (docs/storage.md):
// builds the postings the index would hold for a corpus (Reuters-21578 or N synthetic
// articles: 'D' every article, 'S' source, 'E' entity, docnos in import order), then for
// each codec reports bytes per posting and decode time per posting (Google Benchmark), and
// for the 'D' index compares month buckets with day buckets.
//
//   articledb_posting_codec_bench [--corpus=reuters|synthetic:N] [--reuters=PATH]
//                                 [--time-ordered-docnos] [google benchmark flags]
//
// Codecs:
//   v1-keys        today's layout: one key per posting (type | name | time(8) | docno(8)),
//                  raw key bytes before RocksDB's key prefix compression
//   varint-us      delta + varint, times in microseconds
//   varint         the chosen codec (src/index/posting_block): delta + varint with the
//                  largest time unit (s, ms, us) that divides every time of the block
//   streamvbyte    chunks of 128: Stream VByte (SIMD) columns of time deltas and zigzag
//                  docno deltas, same time unit; a chunk with a delta over 32 bits falls
//                  back to varint
#include <benchmark/benchmark.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <time.h>
#include <streamvbyte.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

#include "articledb/article.h"
#include "corpus.h"
#include "index/posting_block.h"
#include "store/keys.h"
#include "synth/synth.h"

namespace {

using articledb::index::Posting;

struct Blocks {
  // key: type | name | bucket, as the index key would be (name: a number here)
  std::vector<std::vector<Posting>> lists;
  std::vector<std::string> keys;  // type | escaped name | bucket(4), in key order
  std::vector<char> types;
  std::vector<size_t> name_bytes;  // escaped name length in the key
};

int64_t DayOf(int64_t micros) {
  constexpr int64_t kDay = 86400LL * 1000000;
  return micros >= 0 ? micros / kDay : -((-micros + kDay - 1) / kDay);
}
// Month index and day index, with 0 for undated (as the format reserves bucket 0).
uint32_t MonthBucket(int64_t t) {
  if (t == INT64_MIN) return 0;
  const std::chrono::sys_days d{std::chrono::days(DayOf(t))};
  const std::chrono::year_month_day ymd(d);
  return static_cast<uint32_t>((static_cast<int>(ymd.year()) * 12 +
                                static_cast<int>(static_cast<unsigned>(ymd.month())) - 1)) + 1;
}
uint32_t DayBucket(int64_t t) {
  if (t == INT64_MIN) return 0;
  return static_cast<uint32_t>(DayOf(t) + 719162 + 1);  // days since 0001-01-01, from 1
}
uint32_t YearBucket(int64_t t) {
  if (t == INT64_MIN) return 0;
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days(DayOf(t))}};
  return static_cast<uint32_t>(static_cast<int>(ymd.year()) + 1);
}
enum class Width { kDay, kMonth, kYear };
uint32_t BucketOf(Width w, int64_t t) {
  return w == Width::kDay ? DayBucket(t) : w == Width::kMonth ? MonthBucket(t) : YearBucket(t);
}
const char* WidthName(Width w) {
  return w == Width::kDay ? "day" : w == Width::kMonth ? "month" : "year";
}
struct Layout {
  Width date, source, entity;
};

struct Article {
  int64_t time;
  uint32_t source;
  std::vector<uint32_t> entities;
};

struct Corpus {
  std::vector<Article> articles;
  std::vector<std::string> names;  // normalised names by key
};

uint32_t Intern(std::unordered_map<std::string, uint32_t>* index, Corpus* c,
                const std::string& name) {
  auto [it, fresh] = index->emplace(name, static_cast<uint32_t>(c->names.size()));
  if (fresh) c->names.push_back(name);
  return it->second;
}

bool g_v1 = true;
std::string g_reuters = std::string(ARTICLEDB_CORPORA_DIR) + "/reuters21578.jsonl.zst";

Corpus Load(const std::string& spec) {
  Corpus c;
  std::unordered_map<std::string, uint32_t> index;
  if (spec == "reuters") {
    articledb::bench::CorpusSpec s;
    s.kind = "reuters";
    s.reuters_path = g_reuters;
    auto corpus = articledb::bench::Corpus::Prepare(s, "/tmp");
    for (size_t i = 0; i < corpus->size(); ++i) {
      Article a;
      a.time = corpus->published(i);
      a.source = Intern(&index, &c, corpus->key_name(corpus->source(i)));
      for (uint32_t e : corpus->entities(i)) a.entities.push_back(Intern(&index, &c, corpus->key_name(e)));
      c.articles.push_back(std::move(a));
    }
    return c;
  }
  const uint64_t n = std::stoull(spec.substr(spec.find(':') + 1));
  articledb::synth::Generator gen{articledb::synth::CorpusOptions()};
  articledb::Article a;
  for (uint64_t i = 0; i < n; ++i) {
    gen.Make(i, &a);
    Article x;
    x.time = a.has_published_at() ? articledb::TimestampMicros(a.published_at()) : INT64_MIN;
    x.source = Intern(&index, &c, articledb::NormalizeName(a.source()));
    for (const auto& e : a.entities()) {
      const uint32_t k = Intern(&index, &c, articledb::NormalizeName(e.name()));
      if (std::find(x.entities.begin(), x.entities.end(), k) == x.entities.end()) {
        x.entities.push_back(k);
      }
    }
    c.articles.push_back(std::move(x));
  }
  return c;
}

Blocks Build(const Corpus& c, Layout layout, bool time_ordered) {
  std::vector<uint64_t> docno(c.articles.size());
  std::iota(docno.begin(), docno.end(), 1);
  if (time_ordered) {
    std::vector<size_t> order(c.articles.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return c.articles[x].time < c.articles[y].time; });
    for (size_t r = 0; r < order.size(); ++r) docno[order[r]] = r + 1;
  }
  std::map<std::tuple<char, uint32_t, uint32_t>, std::vector<Posting>> m;
  for (size_t i = 0; i < c.articles.size(); ++i) {
    const Article& a = c.articles[i];
    const Posting p{a.time, docno[i]};
    m[{'D', 0, BucketOf(layout.date, a.time)}].push_back(p);
    m[{'S', a.source, BucketOf(layout.source, a.time)}].push_back(p);
    const uint32_t eb = BucketOf(layout.entity, a.time);
    for (uint32_t e : a.entities) m[{'E', e, eb}].push_back(p);
  }
  Blocks b;
  for (auto& [k, v] : m) {
    std::sort(v.begin(), v.end());
    std::string key(1, std::get<0>(k));
    if (std::get<0>(k) != 'D') articledb::keys::AppendName(&key, c.names[std::get<1>(k)]);
    const uint32_t bucket = std::get<2>(k);
    for (int sh = 24; sh >= 0; sh -= 8) key.push_back(static_cast<char>((bucket >> sh) & 0xff));
    b.keys.push_back(std::move(key));
    b.types.push_back(std::get<0>(k));
    b.name_bytes.push_back(std::get<0>(k) == 'D' ? 0 : c.names[std::get<1>(k)].size() + 2);
    b.lists.push_back(std::move(v));
  }
  return b;
}

// ---- codecs ----

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
const uint8_t* GetVarint(const uint8_t* p, uint64_t* v) {
  uint64_t r = 0;
  for (int s = 0;; s += 7) {
    const uint8_t b = *p++;
    r |= static_cast<uint64_t>(b & 0x7f) << s;
    if (b < 0x80) break;
  }
  *v = r;
  return p;
}
uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

// Plain delta + varint in microseconds (no chunks: the lower bound of the plain scheme).
void EncodeVarintUs(const std::vector<Posting>& v, std::string* out) {
  out->clear();
  PutVarint(out, v.size());
  int64_t pt = 0;
  uint64_t pd = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    PutVarint(out, i == 0 ? ZigZag(v[i].time) : static_cast<uint64_t>(v[i].time - pt));
    PutVarint(out, ZigZag(static_cast<int64_t>(v[i].docno - pd)));
    pt = v[i].time;
    pd = v[i].docno;
  }
}
void DecodeVarintUs(const std::string& in, std::vector<Posting>* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  uint64_t n = 0, a = 0, b = 0;
  p = GetVarint(p, &n);
  out->resize(n);
  int64_t t = 0;
  uint64_t d = 0;
  for (size_t i = 0; i < n; ++i) {
    p = GetVarint(p, &a);
    p = GetVarint(p, &b);
    t = i == 0 ? UnZigZag(a) : t + static_cast<int64_t>(a);
    d += static_cast<uint64_t>(UnZigZag(b));
    (*out)[i] = Posting{t, d};
  }
}

int64_t Unit(const std::vector<Posting>& v) {
  for (int64_t u : {int64_t{1000000}, int64_t{1000}}) {
    if (std::all_of(v.begin(), v.end(), [u](const Posting& p) { return p.time % u == 0; })) return u;
  }
  return 1;
}

// Stream VByte: header varints (count, unit, first time, first docno), then per chunk of
// 128 a flag byte (0: Stream VByte columns, 1: varint fallback) and the columns.
void EncodeSvb(const std::vector<Posting>& v, std::string* out) {
  out->clear();
  const int64_t unit = Unit(v);
  PutVarint(out, v.size());
  PutVarint(out, static_cast<uint64_t>(unit));
  uint32_t td[128], dd[128];
  uint8_t buf[2 * (128 * 4 + 32)];
  for (size_t b = 0; b < v.size(); b += 128) {
    const size_t e = std::min(v.size(), b + 128);
    PutVarint(out, ZigZag(v[b].time / unit));
    PutVarint(out, v[b].docno);
    bool fits = true;
    const uint32_t n = static_cast<uint32_t>(e - b - 1);
    for (size_t i = b + 1; i < e; ++i) {
      const uint64_t t = static_cast<uint64_t>(v[i].time / unit - v[i - 1].time / unit);
      const uint64_t d = ZigZag(static_cast<int64_t>(v[i].docno - v[i - 1].docno));
      if (t > UINT32_MAX || d > UINT32_MAX) fits = false;
      td[i - b - 1] = static_cast<uint32_t>(t);
      dd[i - b - 1] = static_cast<uint32_t>(d);
    }
    if (!fits) {
      out->push_back(1);
      for (size_t i = b + 1; i < e; ++i) {
        PutVarint(out, static_cast<uint64_t>(v[i].time / unit - v[i - 1].time / unit));
        PutVarint(out, ZigZag(static_cast<int64_t>(v[i].docno - v[i - 1].docno)));
      }
      continue;
    }
    out->push_back(0);
    size_t len = streamvbyte_encode(td, n, buf);
    len += streamvbyte_encode(dd, n, buf + len);
    out->append(reinterpret_cast<const char*>(buf), len);
  }
}
void DecodeSvb(const std::string& in, std::vector<Posting>* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  uint64_t n = 0, unit = 0, a = 0, b = 0;
  p = GetVarint(p, &n);
  p = GetVarint(p, &unit);
  out->resize(n);
  Posting* o = out->data();
  uint32_t td[128], dd[128];
  for (size_t c = 0; c < n; c += 128) {
    const size_t e = std::min<size_t>(n, c + 128);
    p = GetVarint(p, &a);
    p = GetVarint(p, &b);
    int64_t t = UnZigZag(a);
    uint64_t d = b;
    o[c] = Posting{t * static_cast<int64_t>(unit), d};
    const uint32_t k = static_cast<uint32_t>(e - c - 1);
    if (*p++ == 1) {
      for (size_t i = c + 1; i < e; ++i) {
        p = GetVarint(p, &a);
        p = GetVarint(p, &b);
        t += static_cast<int64_t>(a);
        d += static_cast<uint64_t>(UnZigZag(b));
        o[i] = Posting{t * static_cast<int64_t>(unit), d};
      }
      continue;
    }
    p += streamvbyte_decode(p, td, k);
    p += streamvbyte_decode(p, dd, k);
    for (uint32_t i = 0; i < k; ++i) {
      t += td[i];
      d += static_cast<uint64_t>(UnZigZag(dd[i]));
      o[c + 1 + i] = Posting{t * static_cast<int64_t>(unit), d};
    }
  }
}

struct Codec {
  const char* name;
  void (*encode)(const std::vector<Posting>&, std::string*);
  void (*decode)(const std::string&, std::vector<Posting>*);
};

void EncodeBlockV(const std::vector<Posting>& v, std::string* out) {
  articledb::index::EncodeBlock(v, out);
}
void DecodeBlockV(const std::string& in, std::vector<Posting>* out) {
  if (!articledb::index::DecodeBlock(in, out)) articledb::bench::Fail("block does not decode");
}

const Codec kCodecs[] = {
    {"varint-us", EncodeVarintUs, DecodeVarintUs},
    {"varint", EncodeBlockV, DecodeBlockV},
    {"streamvbyte", EncodeSvb, DecodeSvb},
};

struct Encoded {
  std::vector<std::string> blocks;
  uint64_t postings = 0;
  uint64_t bytes = 0;
};

Encoded EncodeAll(const Blocks& b, const Codec& codec) {
  Encoded e;
  std::vector<Posting> back;
  for (const auto& list : b.lists) {
    std::string s;
    codec.encode(list, &s);
    codec.decode(s, &back);
    if (back != list) articledb::bench::Fail(std::string(codec.name) + " does not round-trip");
    e.bytes += s.size();
    e.postings += list.size();
    e.blocks.push_back(std::move(s));
  }
  return e;
}

double CpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Bytes of one SST file holding `kv` (sorted), written as the index column family's
// bottom level is (4 KiB blocks, zstd, prefix Bloom filters): what the layout costs on disk.
uint64_t SstBytes(const std::vector<std::pair<std::string, std::string>>& kv) {
  rocksdb::Options o;
  o.compression = rocksdb::kZSTD;
  o.prefix_extractor.reset(articledb::keys::NewIndexPrefixExtractor());
  rocksdb::BlockBasedTableOptions t;
  t.block_size = 4096;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.whole_key_filtering = false;
  t.format_version = 5;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  rocksdb::SstFileWriter w(rocksdb::EnvOptions(), o);
  const std::string path = "/tmp/articledb_posting_codec_bench.sst";
  if (!w.Open(path).ok()) articledb::bench::Fail("cannot write " + path);
  for (const auto& [k, v] : kv) {
    if (!w.Put(k, v).ok()) articledb::bench::Fail("SST put failed");
  }
  rocksdb::ExternalSstFileInfo info;
  if (!w.Finish(&info).ok()) articledb::bench::Fail("SST finish failed");
  std::remove(path.c_str());
  return info.file_size;
}

uint64_t V1SstBytes(const Blocks& b) {
  std::vector<std::pair<std::string, std::string>> kv;
  for (size_t i = 0; i < b.lists.size(); ++i) {
    const std::string prefix = b.keys[i].substr(0, b.keys[i].size() - 4);
    for (const Posting& p : b.lists[i]) {
      std::string k = prefix;
      articledb::keys::AppendTime(&k, p.time);
      articledb::keys::AppendDocno(&k, p.docno);
      kv.emplace_back(std::move(k), "");
    }
  }
  std::sort(kv.begin(), kv.end());
  return SstBytes(kv);
}

void Report(const char* what, const Blocks& b) {
  uint64_t postings = 0, v1 = 0;
  std::map<char, std::pair<uint64_t, uint64_t>> per_type;  // keys, postings
  uint64_t key_bytes = 0;
  for (size_t i = 0; i < b.lists.size(); ++i) {
    postings += b.lists[i].size();
    v1 += b.lists[i].size() * (1 + b.name_bytes[i] + 16);
    key_bytes += 1 + b.name_bytes[i] + 4;
    per_type[b.types[i]].first++;
    per_type[b.types[i]].second += b.lists[i].size();
  }
  std::printf("%s: %llu postings in %zu blocks (", what, static_cast<unsigned long long>(postings),
              b.lists.size());
  for (auto& [t, kp] : per_type) {
    std::printf("%c: %llu keys, %.1f postings/key; ", t, static_cast<unsigned long long>(kp.first),
                static_cast<double>(kp.second) / static_cast<double>(kp.first));
  }
  const double n = static_cast<double>(postings);
  if (g_v1) {
    const uint64_t sst = V1SstBytes(b);
    std::printf(")\n  v1-keys      %6.2f bytes/posting raw keys; SST %.2f bytes/posting, %.2f MB\n",
                static_cast<double>(v1) / n, static_cast<double>(sst) / n,
                static_cast<double>(sst) / 1e6);
  } else {
    std::printf(")\n");
  }
  for (const Codec& c : kCodecs) {
    const Encoded e = EncodeAll(b, c);
    std::vector<std::pair<std::string, std::string>> kv;
    for (size_t i = 0; i < b.lists.size(); ++i) kv.emplace_back(b.keys[i], e.blocks[i]);
    std::sort(kv.begin(), kv.end());
    const uint64_t sst = SstBytes(kv);
    std::printf("  %-12s %6.2f bytes/posting values, %6.2f with raw keys; SST %.2f bytes/posting, "
                "%.2f MB\n",
                c.name, static_cast<double>(e.bytes) / n,
                static_cast<double>(e.bytes + key_bytes) / n, static_cast<double>(sst) / n,
                static_cast<double>(sst) / 1e6);
  }
}

// Per-UTC-day counters ('#' | type | name | day -> count(8)): how many keys and bytes
// they add, against the month blocks whose headers already hold a count per month.
void ReportDayCounters(const Corpus& c) {
  std::map<std::string, int64_t> counts;
  for (const Article& a : c.articles) {
    const uint32_t day = DayBucket(a.time);
    auto add = [&](char type, const std::string* name) {
      std::string k = "#";
      k.push_back(type);
      if (name != nullptr) articledb::keys::AppendName(&k, *name);
      for (int sh = 24; sh >= 0; sh -= 8) k.push_back(static_cast<char>((day >> sh) & 0xff));
      ++counts[k];
    };
    add('D', nullptr);
    add('S', &c.names[a.source]);
    for (uint32_t e : a.entities) add('E', &c.names[e]);
  }
  std::vector<std::pair<std::string, std::string>> kv;
  uint64_t dkeys = 0;
  for (const auto& [k, n] : counts) {
    std::string v(8, '\0');
    for (int i = 0; i < 8; ++i) v[static_cast<size_t>(i)] = static_cast<char>((static_cast<uint64_t>(n) >> (8 * i)) & 0xff);
    kv.emplace_back(k, v);
    dkeys += k[1] == 'D';
  }
  const uint64_t sst = SstBytes(kv);
  std::printf("  per-day counters: %zu keys ('D': %llu), SST %.2f MB\n", kv.size(),
              static_cast<unsigned long long>(dkeys), static_cast<double>(sst) / 1e6);
}

// The 'D' index alone: month against day buckets.
void ReportDate(const Blocks& month, const Blocks& day) {
  for (const auto* b : {&month, &day}) {
    uint64_t keys = 0, postings = 0, bytes = 0, maxp = 0;
    std::string s;
    double merge_ns = 0;
    for (size_t i = 0; i < b->lists.size(); ++i) {
      if (b->types[i] != 'D') continue;
      ++keys;
      postings += b->lists[i].size();
      maxp = std::max<uint64_t>(maxp, b->lists[i].size());
      articledb::index::EncodeBlock(b->lists[i], &s);
      bytes += s.size() + 5;
      // What a compaction pays to fold one new posting into this block.
      const std::string add = articledb::index::AddOperand({b->lists[i].back().time, 1ULL << 40});
      const std::string_view base = s, op = add;
      std::string out;
      articledb::index::ApplyOperands(&base, {&op, 1}, &out);  // warm (first calls fault)
      constexpr int kRepeat = 10;
      const double t0 = CpuNanos();
      for (int r = 0; r < kRepeat; ++r) articledb::index::ApplyOperands(&base, {&op, 1}, &out);
      merge_ns += (CpuNanos() - t0) / kRepeat;
    }
    std::printf("  D by %-5s %7llu keys, %8.1f postings/key (max %llu), %.2f bytes/posting with keys, "
                "merge of one posting into a block %.1f us on average\n",
                b == &month ? "month" : "day", static_cast<unsigned long long>(keys),
                static_cast<double>(postings) / static_cast<double>(keys),
                static_cast<unsigned long long>(maxp),
                static_cast<double>(bytes) / static_cast<double>(postings),
                merge_ns / static_cast<double>(keys) / 1000);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus_spec = "reuters";
  bool time_ordered = false;
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--corpus=", 9) == 0) {
      corpus_spec = argv[i] + 9;
    } else if (std::strncmp(argv[i], "--reuters=", 10) == 0) {
      g_reuters = argv[i] + 10;
    } else if (std::strcmp(argv[i], "--time-ordered-docnos") == 0) {
      time_ordered = true;
    } else {
      rest.push_back(argv[i]);
    }
  }
  const Corpus corpus = Load(corpus_spec);
  static Blocks month = Build(corpus, {Width::kMonth, Width::kMonth, Width::kMonth}, time_ordered);
  std::printf("corpus %s (%zu articles, docnos %s)\n", corpus_spec.c_str(), corpus.articles.size(),
              time_ordered ? "in time order" : "in import order");
  Report("D/S/E by month", month);
  ReportDayCounters(corpus);
  g_v1 = false;
  for (Layout l : {Layout{Width::kDay, Width::kMonth, Width::kMonth},
                   Layout{Width::kMonth, Width::kMonth, Width::kYear},
                   Layout{Width::kDay, Width::kMonth, Width::kYear},
                   Layout{Width::kMonth, Width::kYear, Width::kYear}}) {
    const Blocks b = Build(corpus, l, time_ordered);
    const std::string what = std::string("D by ") + WidthName(l.date) + ", S by " +
                             WidthName(l.source) + ", E by " + WidthName(l.entity);
    Report(what.c_str(), b);
    if (l.date == Width::kDay && l.entity == Width::kMonth) ReportDate(month, b);
  }

  static std::vector<Encoded> encoded;
  for (const Codec& c : kCodecs) encoded.push_back(EncodeAll(month, c));
  for (size_t k = 0; k < std::size(kCodecs); ++k) {
    benchmark::RegisterBenchmark(
        (std::string("decode/") + kCodecs[k].name).c_str(), [k](benchmark::State& state) {
          std::vector<Posting> out;
          out.reserve(1 << 16);
          uint64_t sum = 0;
          for (auto _ : state) {
            for (const std::string& s : encoded[k].blocks) {
              kCodecs[k].decode(s, &out);
              sum += out.back().docno;
            }
          }
          benchmark::DoNotOptimize(sum);
          state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * encoded[k].postings));
          state.counters["ns/posting"] = benchmark::Counter(
              static_cast<double>(state.iterations() * encoded[k].postings),
              benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
          state.counters["bytes/posting"] =
              static_cast<double>(encoded[k].bytes) / static_cast<double>(encoded[k].postings);
        });
  }
  int bargc = static_cast<int>(rest.size());
  benchmark::Initialize(&bargc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
