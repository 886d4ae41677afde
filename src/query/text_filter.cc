// The text filter operator (text_filter.h).
#include "query/text_filter.h"

#include <rocksdb/db.h>

#include <string>
#include <utility>

#include "store/keys.h"
#include "store/record_codec.h"
#include "store/store.h"
#include "text/matcher.h"

namespace articledb::query {
namespace {

class TextFilter final : public PostingIterator {
 public:
  TextFilter(const store::ReadView& view, IteratorPtr inner,
             std::shared_ptr<const text::QueryNode> query)
      : view_(view), ro_(view.options()), inner_(std::move(inner)), query_(std::move(query)) {}

  bool Next() override {
    if (done_) return false;
    return inner_->Next() ? Settle() : Finish(inner_->status());
  }
  bool SeekTo(const Pos& target) override {
    if (done_) return false;
    return inner_->SeekTo(target) ? Settle() : Finish(inner_->status());
  }
  const Pos& pos() const override { return inner_->pos(); }
  uint64_t Cost() const override { return inner_->Cost(); }
  Status status() const override { return status_; }

 private:
  bool Finish(Status s) {
    done_ = true;
    status_ = std::move(s);
    return false;
  }

  // Moves `inner_` on to its first position whose record matches (where it is, if that
  // one does).
  bool Settle() {
    // Matches() analyses with per-language analysers that are costly to make: one set
    // per thread, shared by the queries it runs (one Matches call at a time).
    thread_local text::Matcher matcher;
    while (true) {
      const Pos& p = inner_->pos();
      if (checked_ && p == last_match_) return true;  // SeekTo stayed on a match
      key_ = keys::DocnoKey(p.docno);
      record_.Reset();
      const rocksdb::Status st =
          view_.db()->Get(ro_, view_.cf(store::kRecords), store::ToSlice(key_), &record_);
      if (st.IsNotFound()) {
        return Finish(Status::Corruption("index entry points to missing record " +
                                         std::to_string(p.docno) + "; run verify"));
      }
      if (!st.ok()) return Finish(store::FromRocks(st, "reading records"));
      if (!ParseRecord(store::ToView(record_), &article_)) {
        return Finish(Status::Corruption("record " + std::to_string(p.docno) +
                                         " cannot be parsed; run verify"));
      }
      if (matcher.Matches(*query_, article_)) {
        checked_ = true;
        last_match_ = p;
        return true;
      }
      if (!inner_->Next()) return Finish(inner_->status());
    }
  }

  const store::ReadView& view_;
  rocksdb::ReadOptions ro_;
  IteratorPtr inner_;
  std::shared_ptr<const text::QueryNode> query_;
  std::string key_;
  rocksdb::PinnableSlice record_;
  Article article_;
  Pos last_match_{0, 0};
  bool checked_ = false;
  bool done_ = false;
  Status status_;
};

}  // namespace

IteratorPtr NewTextFilter(const store::ReadView& view, IteratorPtr inner,
                          std::shared_ptr<const text::QueryNode> query) {
  return std::make_unique<TextFilter>(view, std::move(inner), std::move(query));
}

}  // namespace articledb::query
