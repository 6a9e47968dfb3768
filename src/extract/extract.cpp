#include "feedmark/extract/extract.h"

#include <algorithm>
#include <array>

#include "feedmark/extract/sanitize.h"
#include "feedmark/util/sha256.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"

namespace feedmark {
namespace {

// SPEC "Image": media:content/media:group images by width, then
// media:thumbnail, then an image enclosure, then itunes:image.
const MediaImage* best_media_image(const Item& item) {
  const MediaImage* best = nullptr;
  for (const MediaImage& m : item.media) {
    if (best == nullptr || m.kind < best->kind ||
        (m.kind == best->kind && m.width > best->width)) {
      best = &m;
    }
  }
  return best;
}

const std::string& body_of(const Item& item) {
  return item.content_html.empty() ? item.summary_html : item.content_html;
}

// The lead image's URL in the header: its saved copy, else through the
// image proxy.
std::string lead_image_shown(const std::string& url,
                             const ExtractOptions& options, Article& article) {
  if (options.saved_images == nullptr) {
    return apply_image_proxy(options.image_proxy, url);
  }
  article.images.push_back(url);
  std::string local = options.saved_images->local_path(url);
  if (local.empty()) {
    return apply_image_proxy(options.image_proxy, url);
  }
  article.local_images.push_back(local);
  return local;
}

// The body's images after the lead image, each URL once: a picture shown
// twice is saved once.
void add_images_shown(SanitizedHtml&& body, Article& article) {
  for (std::vector<std::string>* list : {&body.images, &body.local_images}) {
    std::vector<std::string>& into =
        list == &body.images ? article.images : article.local_images;
    for (std::string& url : *list) {
      if (std::find(into.begin(), into.end(), url) == into.end()) {
        into.push_back(std::move(url));
      }
    }
  }
}

}  // namespace

namespace {

std::string guid_key(const Item& item) {
  return std::string(trim(item.guid));
}

// The link as written may differ from the one an older version keyed on
// ("http://Example.org" vs "http://example.org/"): key on the canonical
// form, so ids stay put.
std::string link_key(const Item& item) {
  return item.link.empty() ? std::string() : url_key(item.link);
}

std::string title_key(const Item& item) {
  return item.published ? item.title + " " + format_iso8601(*item.published)
                        : std::string();
}

}  // namespace

std::string item_key(const Item& item, IdPolicy policy) {
  using Key = std::string (*)(const Item&);
  const std::array<Key, 3> order =
      policy == IdPolicy::kLink
          ? std::array<Key, 3>{link_key, guid_key, title_key}
      : policy == IdPolicy::kTitle
          ? std::array<Key, 3>{title_key, guid_key, link_key}
          : std::array<Key, 3>{guid_key, link_key, title_key};
  for (Key key : order) {
    if (std::string k = key(item); !k.empty()) {
      return k;
    }
  }
  if (!item.title.empty()) {
    return item.title;
  }
  // Nothing names the item: its content does, so that two such items do not
  // share one file.
  return item.content_html.empty() ? item.summary_html : item.content_html;
}

Article extract_article(const Item& item, const ExtractOptions& options) {
  Article article;
  article.id = short_hash(item_key(item, options.id_policy));
  article.title = item.title.empty() ? "(untitled)" : item.title;
  article.link = item.link;
  article.published = item.published ? item.published : item.updated;
  article.author = item.author;
  article.tags = item.categories;
  const MediaImage* media = best_media_image(item);
  SanitizeOptions sanitize{item.base,
                           media ? SanitizeOptions::LeadImage::kIgnore
                                 : SanitizeOptions::LeadImage::kTake,
                           options.image_proxy, options.saved_images};
  SanitizedHtml body = sanitize_html(body_of(item), sanitize);
  const std::string& image = media ? media->url : body.image_url;
  if (!image.empty()) {
    article.image = lead_image_shown(image, options, article);
    article.caption = media ? media->caption : std::move(body.image_caption);
  }
  article.body_html = std::move(body.html);
  if (options.saved_images != nullptr) {
    add_images_shown(std::move(body), article);
  }
  return article;
}

ItemView view_item(const Item& item) {
  ItemView view;
  view.id = short_hash(item_key(item));
  const MediaImage* media = best_media_image(item);
  const bool content_is_body = !item.content_html.empty();
  const auto lead = [&](bool is_body) {
    return !media && is_body ? SanitizeOptions::LeadImage::kFind
                             : SanitizeOptions::LeadImage::kIgnore;
  };
  SanitizedHtml summary =
      sanitize_html(item.summary_html, {item.base, lead(!content_is_body), {}});
  SanitizedHtml content =
      sanitize_html(item.content_html, {item.base, lead(content_is_body), {}});
  view.summary_html = std::move(summary.html);
  view.content_html = std::move(content.html);
  if (media) {
    view.image = media->url;
    view.caption = media->caption;
  } else {
    SanitizedHtml& body = content_is_body ? content : summary;
    view.image = std::move(body.image_url);
    view.caption = std::move(body.image_caption);
  }
  return view;
}

}  // namespace feedmark
