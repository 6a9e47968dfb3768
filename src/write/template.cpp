// --template FILE (SPEC "Formats"): an article rendered by a Mustache
// template of the user's, with kainjow-mustache (Debian's
// libkainjow-mustache-dev, header-only).

#include <kainjow/mustache.hpp>

#include "feedmark/util/dates.h"
#include "feedmark/write/format.h"
#include "feedmark/write/front_matter.h"

namespace feedmark {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

// A field and, for front matter written by the template, its YAML form
// (`title: {{{title_yaml}}}`); nothing when it is not known, so that
// `{{#author}}…{{/author}}` leaves the line out.
void set_text(data& d, const std::string& key, const std::string& value) {
  if (!value.empty()) {
    d.set(key, value);
    d.set(key + "_yaml", yaml_quoted(value));
  }
}

data template_data(const PreparedArticle& p, std::int64_t captured_ms) {
  const Article& a = *p.article;
  data d;
  set_text(d, "id", a.id);
  set_text(d, "feed_id", p.feed->id);
  set_text(d, "title", a.title);
  set_text(d, "link", a.link);
  set_text(d, "source", a.link);
  set_text(d, "feed", p.feed->title);
  set_text(d, "feed_link", p.feed->link);
  set_text(d, "author", a.author);
  set_text(d, "image", a.image);
  set_text(d, "caption", a.caption);
  if (a.published) {
    d.set("published", format_iso8601(*a.published));
  }
  const std::string captured = format_iso8601_ms(captured_ms);
  d.set("date", a.published ? format_iso8601(*a.published) : captured);
  d.set("captured", captured);
  d.set("created", captured);
  d.set("lastmod", captured);
  d.set("captured_ms", std::to_string(captured_ms));
  if (!a.tags.empty()) {
    data tags(data::type::list);
    std::string yaml = "[";
    for (const std::string& tag : a.tags) {
      tags.push_back(data(tag));
      yaml += (yaml.size() > 1 ? ", " : "") + yaml_quoted(tag);
    }
    d.set("tags", tags);
    d.set("tags_yaml", yaml + "]");
  }
  set_text(d, "header_html", p.header_html);
  set_text(d, "body_html", a.body_html);
  set_text(d, "body_markdown", p.body_markdown);
  return d;
}

}  // namespace

Result<ArticleRenderer> ArticleRenderer::from_template(const std::string& path,
                                                       std::string text,
                                                       ArticleFormat format) {
  const mustache parsed(text);
  if (!parsed.is_valid()) {
    return fail("config", path,
                "not a Mustache template: " + parsed.error_message());
  }
  ArticleRenderer renderer(format);
  renderer.template_wants_markdown_ =
      text.find("body_markdown") != std::string::npos;
  renderer.template_ = std::make_shared<const std::string>(std::move(text));
  return renderer;
}

// Parsed for each article: a template is small, and one parsed object
// would be shared by every thread of the run.
std::string ArticleRenderer::render_template(const PreparedArticle& p,
                                             std::int64_t captured_ms) const {
  mustache parsed(*template_);
  return parsed.render(template_data(p, captured_ms));
}

}  // namespace feedmark
