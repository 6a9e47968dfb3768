#include "feedmark/cli/feedlist.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <pugixml.hpp>
#include <utility>

#include "feedmark/decode/decode.h"
#include "feedmark/extract/item_filter.h"
#include "feedmark/extract/selector.h"
#include "feedmark/fetch/fetch.h"
#include "feedmark/util/dates.h"
#include "feedmark/util/text.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr const char* kStage = "config";

/// A setting's key and the field it fills.
struct SettingKey {
  std::string_view name;
  std::optional<std::string> FeedSettings::*field;
};

constexpr SettingKey kSettingKeys[] = {
    {"encoding", &FeedSettings::encoding},
    {"tz", &FeedSettings::zone},
    {"user-agent", &FeedSettings::user_agent},
    {"image-proxy", &FeedSettings::image_proxy},
    {"save-images", &FeedSettings::save_images},
    {"full-text", &FeedSettings::full_text},
    {"full-text-selector", &FeedSettings::full_text_selector},
    {"include", &FeedSettings::include},
    {"exclude", &FeedSettings::exclude},
    {"id", &FeedSettings::id},
    {"cacert", &FeedSettings::cacert},
    {"cookies", &FeedSettings::cookies},
};

const SettingKey* find_setting_key(std::string_view name) {
  for (const SettingKey& key : kSettingKeys) {
    if (key.name == name) {
      return &key;
    }
  }
  return nullptr;
}

/// True if `text` starts with a known key and '=': where a setting begins.
bool starts_setting(std::string_view text) {
  return std::any_of(std::begin(kSettingKeys), std::end(kSettingKeys),
                     [text](const SettingKey& key) {
                       return text.size() > key.name.size() &&
                              text.starts_with(key.name) &&
                              text[key.name.size()] == '=';
                     });
}

/// Letters, digits, '-' and '_': what could be meant as a key. A URL before
/// its "?a=1" is not.
bool is_key_like(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

std::size_t find_space(std::string_view text) {
  const auto it = std::find_if(text.begin(), text.end(), is_ascii_space);
  return it == text.end() ? std::string_view::npos
                          : static_cast<std::size_t>(it - text.begin());
}

/// "origin:line" for the byte at `offset` of `text`; `origin` if unknown.
std::string location(const std::string& origin, std::string_view text,
                     std::ptrdiff_t offset) {
  if (offset < 0) {
    return origin;
  }
  return fmt::format("{}:{}", origin,
                     line_number_at(text, static_cast<std::size_t>(offset)));
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
// One letter is left to be a path ("C:"); to list a file whose name holds a
// colon, write it as "./name:x".
bool has_scheme(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon < 2 ||
      !std::isalpha(static_cast<unsigned char>(text[0]))) {
    return false;
  }
  return std::all_of(text.begin(), text.begin() + colon, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' ||
           c == '-' || c == '.';
  });
}

/// The source as the archive will know it: a URL as written, or a path
/// resolved against `base_dir`.
Result<std::string> resolve_source(std::string_view text,
                                   const std::string& where,
                                   const fs::path& base_dir) {
  const Source source = classify_source(std::string(text));
  if (source.kind == Source::Kind::kStdin) {
    return fail(kStage, where, "stdin (\"-\") cannot be listed");
  }
  if (source.kind == Source::Kind::kUrl) {
    return source.location;
  }
  if (has_scheme(source.location)) {
    return fail(kStage, where,
                "not an http(s) URL or a file path: " + source.location);
  }
  const fs::path path(source.location);
  return path.is_relative() ? (base_dir / path).lexically_normal().string()
                            : source.location;
}

// A file a setting names (cacert=, cookies=), relative to the list's
// folder, must be there to read: a typo is exit 2, not a TLS or a 403
// error on every run.
std::string readable_file(std::string& text, const fs::path& base_dir) {
  fs::path path(text);
  if (path.is_relative()) {
    path = (base_dir / path).lexically_normal();
  }
  text = path.string();
  std::ifstream in(path);
  std::error_code ec;
  if (!in || fs::is_directory(path, ec)) {
    return fmt::format("cannot read {}", text);
  }
  return {};
}

Result<void> apply_setting(FeedSettings& settings, const SettingKey& key,
                           std::string_view value, const std::string& where,
                           const fs::path& base_dir) {
  std::string text(value);
  std::string problem;
  if (text.empty()) {
    problem = fmt::format("empty value for \"{}\"", key.name);
  } else if (settings.*key.field) {
    problem = fmt::format("\"{}\" is set twice", key.name);
  } else if (key.name == "encoding" && canonical_charset(text).empty()) {
    problem = fmt::format("unknown encoding \"{}\"", text);
  } else if (key.name == "tz" && !known_time_zone(text)) {
    problem = fmt::format("unknown time zone \"{}\"", text);
  } else if (key.name == "save-images" && text != "yes" && text != "no") {
    problem = fmt::format("save-images is yes or no, not \"{}\"", text);
  } else if (key.name == "full-text" && text != "never" && text != "auto" &&
             text != "always") {
    problem =
        fmt::format("full-text is never, auto or always, not \"{}\"", text);
  } else if (key.name == "id" && text != "guid" && text != "link" &&
             text != "title") {
    problem = fmt::format("id is guid, link or title, not \"{}\"", text);
  } else if (key.name == "include" || key.name == "exclude") {
    if (auto compiled = ItemFilter::compile(key.name, text); !compiled) {
      problem = compiled.error().message;
    }
  } else if (key.name == "cacert" || key.name == "cookies") {
    problem = readable_file(text, base_dir);
  } else if (key.name == "full-text-selector") {
    if (Result<Selector> parsed = Selector::parse(text); !parsed) {
      problem =
          fmt::format("bad full-text-selector: {}", parsed.error().message);
    }
  }
  if (!problem.empty()) {
    return fail(kStage, where, problem);
  }
  settings.*key.field = text;
  return {};
}

/// Where the value starting `text` ends. Only a user agent, a selector and
/// a pattern hold spaces ("Mozilla/5.0 (X11; Linux x86_64)", "div.story
/// p", "climate change|heat wave"), so they
/// run up to the next whitespace followed by "known-key="; other values
/// end at whitespace.
std::size_t value_end(const SettingKey& key, std::string_view text) {
  if (key.name != "user-agent" && key.name != "full-text-selector" &&
      key.name != "include" && key.name != "exclude") {
    return std::min(find_space(text), text.size());
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_ascii_space(text[i]) && starts_setting(text.substr(i + 1))) {
      return i;
    }
  }
  return text.size();
}

/// The key that starts `text` ("tz=..."), with its '=' removed from `text`.
Result<const SettingKey*> take_key(std::string_view& text,
                                   const std::string& where) {
  const std::size_t equals = text.find('=');
  const std::string_view word = text.substr(0, find_space(text));
  if (equals > word.size() || !is_key_like(text.substr(0, equals))) {
    return fail(kStage, where,
                fmt::format("expected key=value, got \"{}\"", word));
  }
  const std::string_view name = text.substr(0, equals);
  const SettingKey* key = find_setting_key(name);
  if (key == nullptr) {
    return fail(kStage, where,
                fmt::format("unknown setting \"{}\" (known: encoding, tz, "
                            "user-agent, image-proxy, save-images, "
                            "full-text, full-text-selector, include, "
                            "exclude, id, cacert, cookies)",
                            name));
  }
  text.remove_prefix(equals + 1);
  return key;
}

/// The settings after a line's source: "key=value" pairs.
Result<FeedSettings> parse_settings(std::string_view text,
                                    const std::string& where,
                                    const fs::path& base_dir) {
  FeedSettings settings;
  text = trim(text);
  while (!text.empty()) {
    const auto key = take_key(text, where);
    if (!key) {
      return tl::unexpected(key.error());
    }
    const std::size_t end = value_end(**key, text);
    auto applied = apply_setting(settings, **key, trim(text.substr(0, end)),
                                 where, base_dir);
    if (!applied) {
      return tl::unexpected(applied.error());
    }
    text = trim(text.substr(end));
  }
  return settings;
}

/// A line without its trailing comment. Only whitespace then '#' starts one:
/// a '#' inside a source is a URL fragment ("https://x/feed#atom"). In a
/// selector, "#" and a name is an id ("full-text-selector=main #story"), so
/// a comment after one starts with "# ".
std::string_view strip_comment(std::string_view line) {
  const std::size_t selector = line.find("full-text-selector=");
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] != '#' || !is_ascii_space(line[i - 1])) {
      continue;
    }
    const bool names_an_id = selector != std::string_view::npos &&
                             i > selector && i + 1 < line.size() &&
                             is_key_like(line.substr(i + 1, 1));
    if (!names_an_id) {
      return trim(line.substr(0, i));
    }
  }
  return line;
}

Result<FeedEntry> parse_line(std::string_view line, const std::string& where,
                             const fs::path& base_dir) {
  const std::size_t space = std::min(find_space(line), line.size());
  auto source = resolve_source(line.substr(0, space), where, base_dir);
  if (!source) {
    return tl::unexpected(source.error());
  }
  auto settings = parse_settings(line.substr(space), where, base_dir);
  if (!settings) {
    return tl::unexpected(settings.error());
  }
  return FeedEntry{std::move(*source), std::move(*settings)};
}

Result<std::vector<FeedEntry>> parse_plain_text(std::string_view text,
                                                const std::string& origin,
                                                const fs::path& base_dir) {
  std::vector<FeedEntry> entries;
  for (std::size_t number = 1; !text.empty(); ++number) {
    const std::size_t newline = std::min(text.find('\n'), text.size());
    // trim() also drops the '\r' of a CRLF line end.
    const std::string_view line = strip_comment(trim(text.substr(0, newline)));
    text.remove_prefix(std::min(newline + 1, text.size()));
    if (line.empty() || line.front() == '#') {
      continue;
    }
    auto entry =
        parse_line(line, fmt::format("{}:{}", origin, number), base_dir);
    if (!entry) {
      return tl::unexpected(entry.error());
    }
    entries.push_back(std::move(*entry));
  }
  return entries;
}

/// Every <outline> under the root, at any depth, in document order.
struct OutlineCollector : pugi::xml_tree_walker {
  std::vector<pugi::xml_node> outlines;
  bool for_each(pugi::xml_node& node) override {
    if (node.type() == pugi::node_element && iequals(node.name(), "outline")) {
      outlines.push_back(node);
    }
    return true;
  }
};

/// The trimmed xmlUrl; some exporters write "xmlurl".
std::string_view xml_url(pugi::xml_node outline) {
  for (const pugi::xml_attribute attribute : outline.attributes()) {
    if (iequals(attribute.name(), "xmlUrl")) {
      return trim(attribute.value());
    }
  }
  return {};
}

Result<std::vector<FeedEntry>> opml_entries(pugi::xml_node root,
                                            std::string_view text,
                                            const std::string& origin,
                                            const fs::path& base_dir) {
  OutlineCollector collector;
  root.traverse(collector);
  std::vector<FeedEntry> entries;
  for (const pugi::xml_node outline : collector.outlines) {
    const std::string_view url = xml_url(outline);
    if (url.empty()) {
      continue;  // a folder, or a link that is not a feed
    }
    const std::string where = location(origin, text, outline.offset_debug());
    auto source = resolve_source(url, where, base_dir);
    if (!source) {
      return tl::unexpected(source.error());
    }
    entries.push_back(FeedEntry{std::move(*source), {}});
  }
  return entries;
}

Result<std::vector<FeedEntry>> parse_opml(std::string_view text,
                                          const std::string& origin,
                                          const fs::path& base_dir) {
  pugi::xml_document xml;
  const pugi::xml_parse_result parsed = xml.load_buffer(
      text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return fail(kStage, location(origin, text, parsed.offset),
                fmt::format("not well-formed XML at byte {}: {}", parsed.offset,
                            parsed.description()));
  }
  const pugi::xml_node root = xml.document_element();
  if (!iequals(root.name(), "opml")) {
    return fail(
        kStage, origin,
        fmt::format("not an OPML document (root element <{}>)", root.name()));
  }
  return opml_entries(root, text, origin, base_dir);
}

}  // namespace

Result<std::vector<FeedEntry>> parse_feed_list(std::string_view text,
                                               const std::string& origin,
                                               const fs::path& base_dir) {
  if (text.starts_with(kUtf8Bom)) {
    text.remove_prefix(kUtf8Bom.size());
  }
  if (trim(text).starts_with('<')) {
    return parse_opml(text, origin, base_dir);
  }
  return parse_plain_text(text, origin, base_dir);
}

Result<std::vector<FeedEntry>> read_feed_list(const fs::path& file) {
  const auto read = read_local_source({Source::Kind::kFile, file.string()});
  if (!read) {
    return fail(kStage, file.string(), read.error().message);
  }
  return parse_feed_list(read->body, file.string(), file.parent_path());
}

}  // namespace feedmark
