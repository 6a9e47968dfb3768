#pragma once

// What Hugo needs of the files feedmark writes for it (SPEC "Formats";
// docs/decisions.md "Hugo"): feed text that never runs as a shortcode, and
// saved images whose paths resolve from an article's page whatever the
// site's URL style.

#include <filesystem>
#include <string>
#include <string_view>

namespace feedmark::hugo {

/// Hugo reads "{{<" and "{{%" anywhere in a content file, attribute values
/// included, as a shortcode call. Every "{{" of feed text is written
/// "{&#123;", which HTML and Markdown both show as "{{".
std::string escape_shortcodes(std::string_view text);
std::string unescape_shortcodes(std::string_view text);

/// The folder of saved images as the site serves it: the archive's path
/// below the site's content folder, then the feed's folder
/// ("/news/5f1c…/media/"). Hugo publishes an article at "<id>/" (its
/// default) or "<id>.html" (uglyURLs), so no relative path resolves from
/// both; a path from the site's root does (relativeURLs = true, as the
/// shipped site sets, makes it relative again in the built pages).
std::string media_folder(std::string_view site_root, std::string_view feed_id);

/// The sanitizer's HTML with each saved image's `src` or `poster`
/// ("media/…") moved to `folder`, and back.
std::string site_media_paths(std::string_view html, std::string_view folder);
std::string local_media_paths(std::string_view html);
/// The same for one path (the front matter's `image`).
std::string site_media_path(std::string_view path, std::string_view folder);
std::string local_media_path(std::string_view path);

/// Where an archive sits in a Hugo site: "/" when it is the content folder
/// itself (or no site is found), "/news/" for `site/content/news` (a
/// folder named "content" beside a hugo.toml, hugo.yaml, hugo.json or
/// config.*).
std::string site_root_of(const std::filesystem::path& archive);

}  // namespace feedmark::hugo
