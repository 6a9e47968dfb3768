#include "feedmark/write/write.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "feedmark/extract/sanitize.h"

namespace feedmark {
namespace {

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

// CommonMark §6.2: &name; &#123; &#x1F; would be decoded by a renderer, so
// a literal "&amp;" in a title must become "\&amp;"; "AT&T" stays as it is.
bool starts_entity_reference(std::string_view s) {
  std::size_t i = 1;
  if (i < s.size() && s[i] == '#') {
    ++i;
    const bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    i += hex;
    const std::size_t digits_start = i;
    while (i < s.size() &&
           (hex ? is_hex(s[i]) : (s[i] >= '0' && s[i] <= '9'))) {
      ++i;
    }
    return i > digits_start && i < s.size() && s[i] == ';';
  }
  const std::size_t name_start = i;
  while (i < s.size() && is_alnum(s[i])) {
    ++i;
  }
  return i > name_start && i < s.size() && s[i] == ';';
}

// CommonMark §4.6, kind 6: a line starting with one of these tags is an HTML
// block, so the body line is passed through whole.
bool starts_html_block(std::string_view body) {
  static constexpr std::array<std::string_view, 40> kBlockTags = {
      "address", "article",  "aside",    "blockquote", "caption", "center",
      "col",     "colgroup", "dd",       "details",    "dialog",  "div",
      "dl",      "dt",       "fieldset", "figcaption", "figure",  "footer",
      "form",    "h1",       "h2",       "h3",         "h4",      "h5",
      "h6",      "header",   "hr",       "li",         "main",    "nav",
      "ol",      "p",        "section",  "summary",    "table",   "tbody",
      "td",      "th",       "tr",       "ul"};
  if (!body.starts_with('<')) {
    return false;
  }
  for (std::string_view tag : kBlockTags) {
    if (body.substr(1).starts_with(tag) && body.size() > tag.size() + 1) {
      const char next = body[tag.size() + 1];
      if (next == ' ' || next == '>' || next == '/') {
        return true;
      }
    }
  }
  return false;
}

std::string render_header(const Article& article) {
  std::string header;
  if (article.published) {
    header +=
        fmt::format("<div><i>{}</i></div>", format_rfc1123(*article.published));
  }
  if (!article.image.empty()) {
    header += "<img src=\"";
    append_html_escaped(header, article.image, true);
    header += "\" width=\"100%\">";
    if (!article.caption.empty()) {
      header += "<div><small style=\"color: #999;\">";
      append_html_escaped(header, article.caption);
      header += "</small></div>";
    }
  }
  return header;
}

std::atomic<unsigned> temp_counter{0};

}  // namespace

std::string escape_markdown_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
      case '[':
      case ']':
      case '*':
      case '_':
      case '`':
      case '<':
      case '~':
        out += '\\';
        break;
      case '&':
        if (starts_entity_reference(text.substr(i))) {
          out += '\\';
        }
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

std::string render_article(const Article& article, std::int64_t captured_ms) {
  std::string line = render_header(article);
  line += article.body_html;
  // The last line must be one HTML block for Markdown to leave it alone; a
  // line starting "<img" or with text would be read as Markdown.
  const bool wrap = !line.empty() && !starts_html_block(line);
  return fmt::format("<!--{}-->\n[{}]({})\n------\n\n{}{}{}\n", captured_ms,
                     escape_markdown_text(article.title), article.link,
                     wrap ? "<div>" : "", line, wrap ? "</div>" : "");
}

std::string_view article_content(std::string_view rendered) {
  const auto newline = rendered.find('\n');
  return newline == std::string_view::npos ? std::string_view()
                                           : rendered.substr(newline + 1);
}

namespace {

long env_number(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? 0 : std::strtol(value, nullptr, 10);
}

/// The FEEDMARK_FAULT_* counters (see write.h); 0 when unset.
struct FaultSeams {
  long fail_write = env_number("FEEDMARK_FAULT_WRITE");
  /// "N-": the Nth write and every later one
  bool fail_after = std::string_view(std::getenv("FEEDMARK_FAULT_WRITE")
                                         ? std::getenv("FEEDMARK_FAULT_WRITE")
                                         : "")
                        .ends_with('-');
  long stop_after_commit = env_number("FEEDMARK_FAULT_STOP");
  std::atomic<long> writes{0};
  std::atomic<long> commits{0};
};

FaultSeams& fault_seams() {
  static FaultSeams seams;
  return seams;
}

bool injected_write_failure() {
  FaultSeams& seams = fault_seams();
  if (seams.fail_write <= 0) {
    return false;
  }
  const long n = ++seams.writes;
  return n == seams.fail_write || (seams.fail_after && n > seams.fail_write);
}

Result<void> write_all(int fd, std::string_view content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return fail("write", "", std::strerror(n == 0 ? ENOSPC : errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

Result<StagedFile> StagedFile::write(const std::filesystem::path& path,
                                     std::string_view content,
                                     Durability durability) {
  if (injected_write_failure()) {
    return fail("write", path.string(), std::strerror(ENOSPC));
  }
  std::filesystem::path temp =
      path.parent_path() / fmt::format(".tmp-{}-{}-{}.part", ::getpid(),
                                       temp_counter++,
                                       path.filename().string());
  const int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail("write", path.string(), std::strerror(errno));
  }
  StagedFile staged(path, std::move(temp));  // deletes the temp on failure
  Result<void> written = write_all(fd, content);
  if (written && durability == Durability::kSynced && ::fdatasync(fd) != 0) {
    written = fail("write", "", std::strerror(errno));
  }
  if (::close(fd) != 0 && written) {
    written = fail("write", "", std::strerror(errno));
  }
  if (!written) {
    return fail("write", path.string(), written.error().message);
  }
  return staged;
}

Result<void> StagedFile::commit() {
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return fail("write", path_.string(), std::strerror(errno));
  }
  temp_.clear();
  return {};
}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : path_(std::move(other.path_)), temp_(std::exchange(other.temp_, {})) {}

StagedFile::~StagedFile() {
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
  }
}

Result<void> write_file_atomically(const std::filesystem::path& path,
                                   std::string_view content,
                                   Durability durability) {
  Result<StagedFile> staged = StagedFile::write(path, content, durability);
  if (!staged) {
    return tl::unexpected(staged.error());
  }
  return staged->commit();
}

Result<void> sync_file_system(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return fail("write", dir.string(), std::strerror(errno));
  }
  const int status = ::syncfs(fd);
  const int error = errno;
  ::close(fd);
  if (status != 0) {
    return fail("write", dir.string(), std::strerror(error));
  }
  return {};
}

void after_commit_for_tests() {
  FaultSeams& seams = fault_seams();
  if (seams.stop_after_commit > 0 &&
      ++seams.commits == seams.stop_after_commit) {
    ::raise(SIGSTOP);
  }
}

}  // namespace feedmark
