#include "page_metadata.h"

#include <nlohmann/json.hpp>

#include "feedmark/html/fragment.h"
#include "feedmark/util/text.h"
#include "page_nodes.h"

namespace feedmark::page {
namespace {

using html::attribute;
using html::child;
using html::is_element;
using html::tag_of;
using json = nlohmann::json;

// The text a <script> or <title> holds (no elements inside: raw text).
std::string raw_text(const GumboNode* node) {
  std::string text;
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    if (html::is_text(child(nodes, i))) {
      text += child(nodes, i)->v.text.text;
    }
  }
  return text;
}

/// <meta> values by lowercased name or property, the first of each.
using Metas = std::unordered_map<std::string, std::string>;

void collect(const GumboNode* node, Metas& metas, std::vector<std::string>& ld,
             std::string& title_tag, int depth) {
  if (!is_element(node) || depth > 300) {
    return;
  }
  const GumboTag tag = tag_of(node);
  if (tag == GUMBO_TAG_META) {
    const std::string_view content = attribute(node, "content");
    for (const char* key : {"property", "name", "itemprop", "http-equiv"}) {
      if (const std::string_view k = attribute(node, key); !k.empty()) {
        metas.try_emplace(ascii_lowercase(trim(k)), std::string(trim(content)));
      }
    }
    return;
  }
  if (tag == GUMBO_TAG_SCRIPT &&
      ascii_lowercase(attribute(node, "type")) == "application/ld+json") {
    ld.push_back(raw_text(node));
    return;
  }
  if (tag == GUMBO_TAG_TITLE && title_tag.empty()) {
    title_tag = collapse_whitespace(raw_text(node));
    return;
  }
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    collect(child(nodes, i), metas, ld, title_tag, depth + 1);
  }
}

std::string first_meta(const Metas& metas,
                       std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (const auto it = metas.find(key);
        it != metas.end() && !it->second.empty()) {
      return it->second;
    }
  }
  return {};
}

// JSON-LD nests a few levels ("author": [{"name": …}]); a block nested
// deeper, or larger, than any real one is skipped before it is parsed.
constexpr int kMaxJsonDepth = 32;
constexpr std::size_t kMaxJsonBytes = std::size_t{1} << 20;

bool plausible_json_ld(std::string_view text) {
  if (text.size() > kMaxJsonBytes) {
    return false;
  }
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      i += c == '\\';
      in_string = c != '"';
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return false;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string string_of(const json& j, int depth = 0) {
  if (depth > 3) {
    return {};
  }
  if (j.is_string()) {
    return collapse_whitespace(j.get<std::string>());
  }
  if (j.is_object()) {
    for (const char* key : {"name", "url", "@id"}) {
      if (const auto it = j.find(key); it != j.end() && it->is_string()) {
        return collapse_whitespace(it->get<std::string>());
      }
    }
  }
  if (j.is_array() && !j.empty()) {
    std::string joined;
    for (const json& e : j) {
      const std::string one = string_of(e, depth + 1);
      if (!one.empty() && joined.find(one) == std::string::npos) {
        joined += joined.empty() ? "" : ", ";
        joined += one;
      }
      if (!j.front().is_object() || !j.front().contains("name")) {
        break;  // images: the first
      }
    }
    return joined;
  }
  return {};
}

bool is_article_type(const json& type) {
  const auto one = [](const json& t) {
    if (!t.is_string()) {
      return false;
    }
    const std::string s = t.get<std::string>();
    return s.find("Article") != std::string::npos || s == "BlogPosting" ||
           s == "Report" || s == "LiveBlogPosting";
  };
  if (type.is_array()) {
    return std::any_of(type.begin(), type.end(), one);
  }
  return one(type);
}

// The article object of a JSON-LD block: itself, in an array, or in an
// @graph.
const json* find_article(const json& j, int depth = 0) {
  if (depth > 4) {
    return nullptr;
  }
  if (j.is_object()) {
    if (const auto t = j.find("@type"); t != j.end() && is_article_type(*t)) {
      return &j;
    }
    if (const auto g = j.find("@graph"); g != j.end()) {
      return find_article(*g, depth + 1);
    }
  }
  if (j.is_array()) {
    for (const json& e : j) {
      if (const json* found = find_article(e, depth + 1)) {
        return found;
      }
    }
  }
  return nullptr;
}

std::size_t word_count(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = is_ascii_space(c);
    words += !space && !in_word;
    in_word = !space;
  }
  return words;
}

// "Headline | Site", "Site - Headline": the page's <h1> when the title
// holds it, else the side of the last separator with 3 words or more
// (Readability.js's rule, simplified); CJK titles count as words.
std::string title_without_site(const std::string& title,
                               const std::string& h1) {
  if (!h1.empty() && h1.size() < title.size() &&
      title.find(h1) != std::string::npos) {
    return h1;
  }
  for (std::string_view sep :
       {" | ", " - ", " \u2013 ", " \u2014 ", " \u00bb ", " :: ", " / ", "_"}) {
    const std::size_t at = title.rfind(sep);
    if (at == std::string::npos || at == 0) {
      continue;
    }
    const std::string first = title.substr(0, at);
    const std::string last = title.substr(at + sep.size());
    for (const std::string* side : {&first, &last}) {
      if (word_count(*side) >= 3 ||
          (!side->empty() && static_cast<unsigned char>((*side)[0]) >= 0xE0)) {
        return *side;
      }
    }
  }
  return title;
}

// The first <h1>'s text.
std::string first_h1(const GumboNode* node, int depth = 0) {
  if (!is_element(node) || depth > 100) {
    return {};
  }
  if (tag_of(node) == GUMBO_TAG_H1) {
    return PageStats::text_of(node);
  }
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    if (std::string found = first_h1(child(nodes, i), depth + 1);
        !found.empty()) {
      return found;
    }
  }
  return {};
}

void read_json_ld(const std::vector<std::string>& blocks, PageMetadata& m) {
  for (const std::string& text : blocks) {
    if (!plausible_json_ld(text)) {
      continue;
    }
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) {
      continue;
    }
    const json* article = find_article(j);
    if (article == nullptr) {
      continue;
    }
    const json& a = *article;
    const auto get = [&](const char* key) {
      const auto it = a.find(key);
      return it == a.end() ? std::string() : string_of(*it);
    };
    if (m.title.empty()) {
      m.title = get("headline");
      if (m.title.empty()) {
        m.title = get("name");
      }
    }
    if (m.byline.empty()) {
      m.byline = get("author");
    }
    if (!m.published) {
      m.published = parse_date(get("datePublished"));
    }
    if (m.image.empty()) {
      m.image = get("image");
    }
    if (m.article_body.empty()) {
      if (const auto it = a.find("articleBody");
          it != a.end() && it->is_string()) {
        m.article_body = it->get<std::string>();
      }
    }
    return;
  }
}

}  // namespace

PageMetadata read_metadata(const GumboNode* root, const GumboNode* head,
                           const GumboNode* body) {
  Metas metas;
  std::vector<std::string> ld;
  std::string title_tag;
  collect(head, metas, ld, title_tag, 0);
  collect(body, metas, ld, title_tag, 0);
  PageMetadata m;
  read_json_ld(ld, m);
  if (m.title.empty()) {
    m.title = first_meta(metas, {"og:title", "twitter:title", "dc.title",
                                 "dcterm:title", "title"});
  }
  if (m.title.empty()) {
    m.title = title_without_site(title_tag, first_h1(body));
  }
  m.title = collapse_whitespace(m.title);
  if (m.byline.empty()) {
    m.byline = first_meta(metas, {"author", "dc.creator", "byl",
                                  "parsely-author", "sailthru.author"});
    const std::string article_author = first_meta(metas, {"article:author"});
    if (m.byline.empty() && !article_author.starts_with("http")) {
      m.byline = article_author;
    }
  }
  if (!m.published) {
    m.published = parse_date(
        first_meta(metas, {"article:published_time", "og:published_time",
                           "datepublished", "pubdate", "publishdate", "date",
                           "dc.date", "dc.date.issued", "sailthru.date"}));
  }
  if (m.image.empty()) {
    m.image = first_meta(metas, {"og:image", "og:image:url", "twitter:image",
                                 "twitter:image:src", "image"});
  }
  m.language = std::string(trim(attribute(root, "lang")));
  if (m.language.empty()) {
    m.language = first_meta(metas, {"content-language", "og:locale"});
  }
  return m;
}

}  // namespace feedmark::page
