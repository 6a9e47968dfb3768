#include "feedmark/run/raw_items.h"

#include <algorithm>
#include <atomic>

#include "feedmark/util/parallel.h"
#include "feedmark/util/sha256.h"
#include "feedmark/util/text.h"

namespace feedmark {
namespace {

constexpr std::size_t npos = std::string_view::npos;

// XML's white space between items: a form feed is not, and the decoder
// replaces it (with a warning) where a small document would not hold it.
bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
}

bool ends_name(char c) {
  return is_ascii_space(c) || c == '/' || c == '>';
}

// The '>' that ends a tag whose name ends at `from`; a '>' inside a quoted
// attribute value (`title="a > b"`) does not.
std::size_t end_of_tag(std::string_view body, std::size_t from) {
  for (std::size_t at = from;;) {
    at = body.find_first_of("\"'>", at);
    if (at == npos || body[at] == '>') {
      return at;
    }
    const std::size_t close = body.find(body[at], at + 1);
    if (close == npos) {
      return npos;
    }
    at = close + 1;
  }
}

std::string_view name_of_start_tag(std::string_view tag) {
  std::size_t end = 1;
  while (end < tag.size() && !ends_name(tag[end])) {
    ++end;
  }
  return tag.substr(1, end - 1);
}

// One pass over the markup: comments, CDATA sections and processing
// instructions are skipped whole (an `<item>` in a CDATA body is text), the
// elements open before the first item are kept on a stack, and each item
// element is one raw item.
class Cutter {
 public:
  explicit Cutter(std::string_view body) : body_(body) {}

  std::optional<RawItems> cut() {
    std::size_t pos = 0;
    while ((pos = body_.find('<', pos)) != npos) {
      pos = step(pos);
      if (pos == npos) {
        return std::nullopt;
      }
    }
    if (in_item_ || raw_.items.empty() || !stack_.empty() || channels_ > 1) {
      return std::nullopt;  // an item or the root left open, no item, or
                            // two channels
    }
    raw_.suffix = body_.substr(last_end_);
    return std::move(raw_);
  }

 private:
  // Reads the markup at `lt`; returns where to go on, npos to give up.
  std::size_t step(std::size_t lt) {
    const std::string_view rest = body_.substr(lt);
    for (const auto& [open, close] :
         {std::pair{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<?", "?>"}}) {
      if (rest.starts_with(open)) {
        const std::size_t end =
            body_.find(close, lt + std::string_view(open).size());
        return end == npos ? npos : end + std::string_view(close).size();
      }
    }
    if (rest.starts_with("<!")) {
      return declaration(lt);
    }
    const bool closing = rest.starts_with("</");
    const std::size_t name_begin = lt + (closing ? 2 : 1);
    std::size_t name_end = name_begin;
    while (name_end < body_.size() && !ends_name(body_[name_end])) {
      ++name_end;
    }
    const std::size_t gt = end_of_tag(body_, name_end);
    if (name_end == name_begin || gt == npos) {
      return npos;  // "< " or an open tag: not XML a run could skip through
    }
    const std::string_view name =
        body_.substr(name_begin, name_end - name_begin);
    const std::size_t next = gt + 1;
    if (closing) {
      return end_tag(name, next) ? next : npos;
    }
    const bool empty = body_[gt - 1] == '/';
    return start_tag(lt, name, next, empty) ? next : npos;
  }

  // A DOCTYPE before the root, its quoted parts skipped ("-//N//DTD"
  // "http://x/a>b.dtd"); one with an internal subset ("[ <!ENTITY …> ]")
  // declares what items may use, and is not cut.
  std::size_t declaration(std::size_t lt) {
    const std::size_t gt = end_of_tag(body_, lt + 2);
    if (root_seen_ || gt == npos ||
        body_.substr(lt, gt - lt).find('[') != npos) {
      return npos;
    }
    return gt + 1;
  }

  // Outside the items, every end tag closes the element open last, and
  // the root closes once: the ancestors are then those of the items.
  bool end_tag(std::string_view name, std::size_t next) {
    if (in_item_) {
      if (name == item_name_) {
        in_item_ = false;
        add_item(item_begin_, next);
      }
      return true;
    }
    if (stack_.empty() || name_of_start_tag(stack_.back()) != name) {
      return false;
    }
    stack_.pop_back();
    return true;
  }

  bool start_tag(std::size_t lt, std::string_view name, std::size_t next,
                 bool empty) {
    if (in_item_) {
      return name != item_name_;  // an item inside an item
    }
    const bool item = item_name_.empty() ? (name == "item" || name == "entry")
                                         : name == item_name_;
    if (root_seen_ && stack_.empty()) {
      return false;  // a second root
    }
    if (!item) {
      open_element(lt, name, next, empty);
      return true;
    }
    if (raw_.items.empty()) {
      if (stack_.empty()) {
        return false;  // an item as the root
      }
      item_name_ = name;
      raw_.ancestors = stack_;
      raw_.prefix = body_.substr(0, lt);
    } else if (!is_blank(body_.substr(last_end_, lt - last_end_))) {
      return false;
    }
    if (empty) {
      add_item(lt, next);
    } else {
      in_item_ = true;
      item_begin_ = lt;
    }
    return true;
  }

  void open_element(std::size_t lt, std::string_view name, std::size_t next,
                    bool empty) {
    // The parser reads the first <channel> of the root alone: items in a
    // second one are none, though their ancestors' tags read the same.
    if (stack_.size() == 1 &&
        (name == "channel" || name.ends_with(":channel"))) {
      ++channels_;
    }
    if (!root_seen_) {
      root_seen_ = true;
      raw_.head = body_.substr(0, lt);
    }
    if (!empty) {
      stack_.push_back(body_.substr(lt, next - lt));
    }
  }

  void add_item(std::size_t begin, std::size_t end) {
    raw_.items.push_back(body_.substr(begin, end - begin));
    raw_.offsets.push_back(begin);
    last_end_ = end;
  }

  const std::string_view body_;
  RawItems raw_;
  std::vector<std::string_view> stack_;
  std::string_view item_name_;
  bool root_seen_ = false;
  int channels_ = 0;
  bool in_item_ = false;
  std::size_t item_begin_ = 0;
  std::size_t last_end_ = 0;
};

// Each item's digest, on every core; false if an item binds a namespace
// prefix.
bool hash_items(RawItems& raw) {
  raw.digests.assign(raw.items.size(), std::string());
  std::atomic<bool> binds{false};
  parallel_for_in_slices(raw.items.size(), 16, [&](std::size_t i) {
    raw.digests[i] = Fingerprint().add(raw.items[i]).hex();
    if (raw.items[i].find("xmlns:") != npos) {
      binds = true;
    }
  });
  if (binds) {
    return false;
  }
  Fingerprint frame;
  frame.add(raw.head);
  for (std::string_view tag : raw.ancestors) {
    frame.add(tag);
  }
  raw.frame = frame.hex();
  return true;
}

}  // namespace

std::optional<RawItems> cut_items(std::string_view body) {
  std::optional<RawItems> raw = Cutter(body).cut();
  if (raw && !hash_items(*raw)) {
    return std::nullopt;
  }
  return raw;
}

}  // namespace feedmark
