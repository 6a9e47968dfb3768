#include "feedmark/write/hugo.h"

#include <array>

namespace feedmark::hugo {
namespace {

constexpr std::string_view kLocalFolder = "media/";

bool is_hex16(std::string_view s) {
  if (s.size() != 16) {
    return false;
  }
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

// The attributes that hold a saved image (extract/images: an <img>'s
// src, a <video>'s poster), as the sanitizer writes them.
constexpr std::array<std::string_view, 2> kImageAttributes = {" src=\"",
                                                              " poster=\""};

// Calls `edit(value)` for each image attribute value of the sanitizer's
// output, which may return a replacement. That output is strict: "<" and
// ">" are escaped in text and values, '"' in values, so a tag runs from a
// "<" to the next ">", and ' src="' inside one starts an attribute.
template <class Edit>
std::string edit_image_values(std::string_view html, Edit edit) {
  std::string out;
  out.reserve(html.size() + 64);
  std::size_t at = 0;
  while (at < html.size()) {
    const std::size_t open = html.find('<', at);
    if (open == std::string_view::npos) {
      break;
    }
    const std::size_t close = html.find('>', open);
    if (close == std::string_view::npos) {
      break;
    }
    std::string_view tag = html.substr(open, close - open);
    out.append(html.substr(at, open - at));
    std::size_t done = 0;
    for (std::size_t i = 0; i < tag.size(); ++i) {
      for (std::string_view name : kImageAttributes) {
        if (tag.substr(i).starts_with(name)) {
          const std::size_t start = i + name.size();
          const std::size_t end = tag.find('"', start);
          if (end == std::string_view::npos) {
            continue;
          }
          const std::string value = edit(tag.substr(start, end - start));
          out.append(tag.substr(done, start - done));
          out += value;
          done = end;
          i = end;
          break;
        }
      }
    }
    out.append(tag.substr(done));
    at = close;
  }
  out.append(html.substr(at));
  return out;
}

}  // namespace

std::string escape_shortcodes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '{' && !out.empty() && out.back() == '{') {
      out += "&#123;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape_shortcodes(std::string_view text) {
  constexpr std::string_view kEscaped = "{&#123;";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i).starts_with(kEscaped)) {
      out += "{{";
      i += kEscaped.size();
      // "{{{" was "{&#123;{": the third brace stands as it is.
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string media_folder(std::string_view site_root, std::string_view feed_id) {
  std::string folder(site_root);
  if (folder.empty() || folder.back() != '/') {
    folder += '/';
  }
  folder += feed_id;
  folder += '/';
  folder += kLocalFolder;
  return folder;
}

std::string site_media_path(std::string_view path, std::string_view folder) {
  if (!path.starts_with(kLocalFolder)) {
    return std::string(path);
  }
  return std::string(folder) + std::string(path.substr(kLocalFolder.size()));
}

// "/news/5f1c…/media/x.png" is "media/x.png": a path from the root whose
// folder is a feed's (16 hex digits) media folder.
std::string local_media_path(std::string_view path) {
  const std::size_t media = path.rfind("/media/");
  if (!path.starts_with('/') || media == std::string_view::npos || media < 17 ||
      !is_hex16(path.substr(media - 16, 16)) || path[media - 17] != '/') {
    return std::string(path);
  }
  return std::string(path.substr(media + 1));
}

std::string site_media_paths(std::string_view html, std::string_view folder) {
  if (html.find(" src=\"media/") == std::string_view::npos &&
      html.find(" poster=\"media/") == std::string_view::npos) {
    return std::string(html);
  }
  return edit_image_values(html, [&](std::string_view value) {
    return site_media_path(value, folder);
  });
}

std::string local_media_paths(std::string_view html) {
  if (html.find("/media/") == std::string_view::npos) {
    return std::string(html);
  }
  return edit_image_values(
      html, [](std::string_view value) { return local_media_path(value); });
}

std::string site_root_of(const std::filesystem::path& archive) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(archive, ec), ec);
  if (ec) {
    return "/";
  }
  for (fs::path dir = absolute; dir.has_relative_path();
       dir = dir.parent_path()) {
    if (dir.filename() != "content") {
      continue;
    }
    const fs::path site = dir.parent_path();
    for (const char* config : {"hugo.toml", "hugo.yaml", "hugo.json",
                               "config.toml", "config.yaml", "config.json"}) {
      if (fs::exists(site / config, ec)) {
        std::string root = "/";
        for (const fs::path& part : absolute.lexically_relative(dir)) {
          if (part != ".") {
            root += part.string() + "/";
          }
        }
        return root;
      }
    }
  }
  return "/";
}

}  // namespace feedmark::hugo
