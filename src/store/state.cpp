// `.state.json`: a feed folder's cache of validators, the last body's
// fingerprint, the current items and the month counts of its index.
#include <atomic>
#include <nlohmann/json.hpp>

#include "store/json_file.h"
#include "feedmark/store/archive.h"
#include "feedmark/util/parallel.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kStateFile = ".state.json";
// 2: current items with fingerprints, month counts, no article history.
constexpr int kStateVersion = 2;

json optional_time(const std::optional<UnixTime>& time) {
  return time ? json(*time) : json(nullptr);
}

std::optional<UnixTime> time_from(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return std::nullopt;
  }
  return it->get<UnixTime>();
}

ArticleEntry entry_from_json(const json& j) {
  ArticleEntry e;
  e.title_md = j.at("title").get<std::string>();
  e.published = time_from(j, "published");
  e.captured_ms = j.at("captured_ms").get<std::int64_t>();
  e.digest = j.at("digest").get<std::string>();
  e.size = j.value("size", std::int64_t{-1});  // absent before 2026-12-03
  return e;
}

// One item per line: a state kept in git shows which items changed.
std::string current_item_line(const CurrentItem& item) {
  const ArticleEntry& e = item.entry;
  json j = {{"id", item.id},
            {"fingerprint", item.fingerprint},
            {"title", e.title_md},
            {"published", optional_time(e.published)},
            {"captured_ms", e.captured_ms},
            {"digest", e.digest},
            {"size", e.size}};
  if (item.image_tries > 0) {
    j["image_tries"] = item.image_tries;
  }
  if (item.page_tries > 0) {
    j["page_tries"] = item.page_tries;
  }
  if (!item.raw.empty()) {
    j["raw"] = item.raw;
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Version 1 listed every article ("articles", by id) and the current ids.
std::vector<CurrentItem> current_items_of_version_1(const json& j) {
  std::vector<CurrentItem> current;
  const json& articles = j.at("articles");
  for (const std::string& id : j.value("current", std::vector<std::string>{})) {
    if (const auto it = articles.find(id); it != articles.end()) {
      current.push_back({id, "", entry_from_json(*it), 0, 0, ""});
    }
  }
  return current;
}

CurrentItem current_item_from_json(const json& item) {
  return {item.at("id").get<std::string>(),
          item.at("fingerprint").get<std::string>(),
          entry_from_json(item),
          item.value("image_tries", 0u),
          item.value("page_tries", 0u),
          item.value("raw", "")};
}

// The state as save_feed_state writes it: the fields, then the current
// items one per line, last. Read in two parts, the items' lines on every
// core (5,000 lines were a fifth of a same-document run); nullopt when the
// text is not in that form (an older or hand-edited file: read whole).
struct StateParts {
  json head;                            ///< the fields, with "current": []
  std::vector<std::string_view> lines;  ///< one JSON object each
};

std::optional<StateParts> split_state(std::string_view text) {
  constexpr std::string_view kCurrent = "\n \"current\": [";
  const std::size_t at = text.find(kCurrent);
  if (at == std::string_view::npos || !text.ends_with("\n ]\n}\n")) {
    return std::nullopt;
  }
  StateParts parts;
  parts.head =
      json::parse(std::string(text.substr(0, at)) + "\n \"current\": []\n}\n",
                  nullptr, false);
  if (parts.head.is_discarded() || !parts.head.is_object()) {
    return std::nullopt;
  }
  std::string_view rest = text.substr(at + kCurrent.size());
  rest.remove_suffix(std::string_view("\n ]\n}\n").size());
  while (!rest.empty()) {
    if (!rest.starts_with("\n  {")) {
      return std::nullopt;
    }
    rest.remove_prefix(3);
    const std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(line.size());
    if (line.ends_with(',') == rest.empty()) {
      return std::nullopt;  // a comma after every line but the last
    }
    if (line.ends_with(',')) {
      line.remove_suffix(1);
    }
    parts.lines.push_back(line);
  }
  return parts;
}

std::optional<std::vector<CurrentItem>> current_items_of(
    const std::vector<std::string_view>& lines) {
  std::vector<CurrentItem> items(lines.size());
  std::atomic<bool> damaged{false};
  parallel_for(lines.size(), 0, [&](std::size_t i) {
    const json item = json::parse(lines[i], nullptr, false);
    try {
      if (item.is_discarded()) {
        damaged = true;
      } else {
        items[i] = current_item_from_json(item);
      }
    } catch (const json::exception&) {
      damaged = true;
    }
  });
  if (damaged) {
    return std::nullopt;
  }
  return items;
}

}  // namespace

std::optional<FeedState> read_state_file(const fs::path& dir) {
  const std::optional<std::string> text = read_whole_file(dir / kStateFile);
  if (!text) {
    return std::nullopt;
  }
  std::optional<StateParts> parts = split_state(*text);
  json whole;
  if (!parts) {
    whole = json::parse(*text, nullptr, false);
    if (whole.is_discarded() || !whole.is_object()) {
      return std::nullopt;
    }
  }
  const json& j = parts ? parts->head : whole;
  try {
    FeedState state;
    state.key = j.value("key", "");
    state.title = j.value("title", "");
    state.link = j.value("link", "");
    state.etag = j.value("etag", "");
    state.last_modified = j.value("last_modified", "");
    state.next_fetch = time_from(j, "next_fetch");
    state.deferred_since = time_from(j, "deferred_since");
    if (j.value("version", 1) < kStateVersion) {
      state.current = current_items_of_version_1(j);
      return state;
    }
    state.body = j.value("body", "");
    state.raw_context = j.value("context", "");
    state.format = j.value("format", "seed");
    if (parts) {
      std::optional<std::vector<CurrentItem>> current =
          current_items_of(parts->lines);
      if (!current) {
        return std::nullopt;  // a damaged cache is rebuilt from the files
      }
      state.current = std::move(*current);
    } else {
      for (const json& item : j.at("current")) {
        state.current.push_back(current_item_from_json(item));
      }
    }
    if (const auto months = j.find("months"); months != j.end()) {
      state.months = months->get<MonthCounts>();
    }
    return state;
  } catch (const json::exception&) {
    return std::nullopt;  // a damaged cache is rebuilt from the files
  }
}

FeedState load_feed_state(const fs::path& dir) {
  return read_state_file(dir).value_or(FeedState{});
}

Result<void> save_feed_state(const fs::path& dir, const FeedState& state) {
  const auto field = [](const char* key, const json& value) {
    return json(key).dump() + ": " +
           value.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  std::string out = "{\n";
  for (const std::string& line :
       {field("version", kStateVersion), field("key", state.key),
        field("title", state.title), field("link", state.link),
        field("etag", state.etag), field("last_modified", state.last_modified),
        field("next_fetch", optional_time(state.next_fetch)),
        field("deferred_since", optional_time(state.deferred_since)),
        field("body", state.body)}) {
    out += " " + line + ",\n";
  }
  if (!state.raw_context.empty()) {
    out += " " + field("context", state.raw_context) + ",\n";
  }
  // Only once it is not seed: the states of seed archives stay as they were.
  if (state.format != "seed") {
    out += " " + field("format", state.format) + ",\n";
  }
  if (state.months) {
    out += " " + field("months", *state.months) + ",\n";
  }
  out += " \"current\": [";
  std::vector<std::string> lines(state.current.size());
  parallel_for(lines.size(), 0, [&](std::size_t i) {
    lines[i] = current_item_line(state.current[i]);
  });
  const char* separator = "\n  ";
  for (const std::string& line : lines) {
    out += separator;
    out += line;
    separator = ",\n  ";
  }
  out += state.current.empty() ? "]\n}\n" : "\n ]\n}\n";
  return write_if_changed(dir / kStateFile, out, true);
}

bool article_in_place(const fs::path& dir, const CurrentItem& item) {
  std::error_code ec;
  return item.entry.size >= 0 && !due_for_another_try(item) &&
         fs::file_size(dir / (item.id + ".md"), ec) ==
             static_cast<std::uintmax_t>(item.entry.size) &&
         !ec;
}

bool current_articles_intact(const fs::path& dir, const FeedState& state) {
  if (state.current.empty()) {
    return false;
  }
  // One stat per article: 5,000 of them are a tenth of a same-document
  // run, so they are spread over every core, in 16 slices.
  std::atomic<bool> all{true};
  parallel_for_in_slices(state.current.size(), 16, [&](std::size_t i) {
    if (all && !article_in_place(dir, state.current[i])) {
      all = false;
    }
  });
  return all;
}

}  // namespace feedmark
