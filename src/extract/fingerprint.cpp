#include "feedmark/extract/extract.h"
#include "feedmark/util/sha256.h"

namespace feedmark {
namespace {

void add_time(Fingerprint& f, const std::optional<UnixTime>& time) {
  f.add(time ? 1LL : 0LL).add(static_cast<long long>(time.value_or(0)));
}

}  // namespace

// Every field of Item, in declaration order: a field added to Item must be
// added here, or a change of it alone would not reach the archive.
std::string item_fingerprint(const Item& item, const ExtractOptions& options) {
  Fingerprint f;
  f.add(FEEDMARK_VERSION).add(options.image_proxy);
  // Saving images changes where the article points for them.
  f.add(options.saved_images != nullptr ? "save-images" : "");
  f.add(options.full_text);
  f.add(options.rendering);
  f.add(item.guid).add(item.title).add(item.link).add(item.base);
  add_time(f, item.published);
  add_time(f, item.updated);
  f.add(item.author);
  f.add(static_cast<long long>(item.categories.size()));
  for (const std::string& category : item.categories) {
    f.add(category);
  }
  f.add(item.summary_html).add(item.content_html);
  f.add(static_cast<long long>(item.enclosures.size()));
  for (const Enclosure& e : item.enclosures) {
    f.add(e.url).add(e.type).add(e.length ? *e.length + 1 : 0LL);
  }
  f.add(static_cast<long long>(item.media.size()));
  for (const MediaImage& m : item.media) {
    f.add(static_cast<long long>(m.kind)).add(m.url).add(m.caption);
    f.add(static_cast<long long>(m.width));
  }
  return f.hex();
}

}  // namespace feedmark
