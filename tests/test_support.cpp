#include "test_support.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "cmark_escapes.h"
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

namespace feedmark::test {
namespace {

std::atomic<int> failed_assertions{0};

struct FailureCounter : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (!stats.assertionResult.isOk()) {
      ++failed_assertions;
    }
    return true;
  }
};

// Tests talk to servers on 127.0.0.1 only; a proxy configured on the
// machine running them must not get in between (a test sets its own), and
// the CAs they trust are the ones they make (CURL_CA_BUNDLE would hide a
// test's SSL_CERT_FILE).
const bool proxies_cleared = [] {
  for (const char* name :
       {"http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY",
        "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "CURL_CA_BUNDLE",
        "SSL_CERT_FILE", "SSL_CERT_DIR"}) {
    ::unsetenv(name);
  }
  return true;
}();

/// argv and envp for execve, built before fork: between fork and exec a
/// child of a threaded process (the test's HTTP server) may call only
/// async-signal-safe functions, and setenv allocates (a child once hung
/// there on an allocator lock another thread held).
class ExecArgs {
 public:
  ExecArgs(const std::vector<std::string>& args,
           const std::map<std::string, std::string>& env) {
    strings_.emplace_back(FEEDMARK_BINARY);
    strings_.insert(strings_.end(), args.begin(), args.end());
    argc_ = strings_.size();
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view entry(*e);
      const std::string name(entry.substr(0, entry.find('=')));
      if (name != "SOURCE_DATE_EPOCH" && name != "FEEDMARK_ARCHIVE" &&
          !env.contains(name)) {
        strings_.emplace_back(entry);
      }
    }
    for (const auto& [name, value] : env) {
      strings_.push_back(name + "=" + value);
    }
    for (std::size_t i = 0; i < strings_.size(); ++i) {
      (i < argc_ ? argv_ : envp_).push_back(strings_[i].data());
    }
    argv_.push_back(nullptr);
    envp_.push_back(nullptr);
  }
  [[noreturn]] void exec() const {
    ::execve(FEEDMARK_BINARY, argv_.data(), envp_.data());
    ::_exit(127);
  }

 private:
  std::vector<std::string> strings_;
  std::size_t argc_ = 0;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
};

int exit_status(int raw) {
  if (WIFEXITED(raw)) {
    return WEXITSTATUS(raw);
  }
  return 128 + WTERMSIG(raw);
}

// Feeds stdin and drains stdout and stderr together, so no pipe fills up.
// feedmark may stop reading early (past --max-size): the write then fails
// with EPIPE instead of killing the test with SIGPIPE.
void pump(int in_fd, const std::string& input, int out_fd, int err_fd,
          RunResult& result) {
  static const bool ignoring_sigpipe = std::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
  (void)ignoring_sigpipe;
  std::size_t written = 0;
  if (input.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  char buffer[65536];
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3] = {
        {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    ::poll(fds, 3, -1);
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? out_fd : err_fd;
      if (fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) {
          ::close(fd);
          fd = -1;
        } else {
          (i == 0 ? result.out : result.err)
              .append(buffer, static_cast<std::size_t>(n));
        }
      }
    }
    if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n =
          ::write(in_fd, input.data() + written, input.size() - written);
      written += n > 0 ? static_cast<std::size_t>(n) : input.size();
      if (written >= input.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  if (in_fd >= 0) {
    ::close(in_fd);
  }
}

}  // namespace

CATCH_REGISTER_LISTENER(FailureCounter)

TempDir::TempDir() : failures_at_start_(failed_assertions.load()) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "feedmark-test-XXXXXX")
          .string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (failed_assertions.load() != failures_at_start_) {
    std::cerr << "kept for inspection: " << path_ << "\n";
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(FEEDMARK_FIXTURES) / name;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

RunResult run_feedmark(const std::vector<std::string>& args,
                       const std::string& input,
                       const std::map<std::string, std::string>& env) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
      ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const ExecArgs exec_args(args, env);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    exec_args.exec();
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  RunResult result;
  pump(in[1], input, out[0], err[0], result);
  int raw = 0;
  rusage usage{};
  ::wait4(pid, &raw, 0, &usage);
  result.status = exit_status(raw);
  result.peak_kib = usage.ru_maxrss;
  return result;
}

RunResult fetch_as_example_feed(const std::filesystem::path& feed,
                                const std::filesystem::path& archive,
                                const std::vector<std::string>& extra,
                                const std::map<std::string, std::string>& env) {
  std::vector<std::string> args = {"fetch",      feed.string(),
                                   "-a",         archive.string(),
                                   "--feed-url", "https://example.com/feed.xml",
                                   "-v"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_feedmark(args, {}, env);
}

int spawn_feedmark(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env,
                   const std::filesystem::path& stdout_path) {
  const ExecArgs exec_args(args, env);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(stdout_path.empty() ? null
                               : ::open(stdout_path.c_str(),
                                        O_WRONLY | O_CREAT | O_TRUNC, 0644),
           1);
    ::dup2(null, 2);
    exec_args.exec();
  }
  return pid;
}

static std::string rss_item(int i, const std::string& title) {
  return fmt::format(
      "<item><title>{}</title><link>https://example.com/a/{}.html</link>"
      "<guid isPermaLink=\"false\">item-{}</guid>"
      "<pubDate>Wed, 30 Mar 2022 17:{:02}:00 GMT</pubDate>"
      "<description>&lt;p&gt;Paragraph {} of a body long enough to take a "
      "while.&lt;/p&gt;&lt;figure&gt;&lt;img src=\"/i/{}.jpg\"&gt;"
      "&lt;figcaption&gt;Picture "
      "{}&lt;/figcaption&gt;&lt;/figure&gt;</description></item>",
      title, i, i, i % 60, i, i, i);
}

std::string rss_feed(int items, const std::string& changed_title) {
  std::string feed =
      "<?xml version=\"1.0\"?><rss "
      "version=\"2.0\"><channel><title>Generated</title>"
      "<link>https://example.com/</link><description>d</description>";
  for (int i = 0; i < items; ++i) {
    feed += rss_item(i, i == 1 && !changed_title.empty()
                            ? changed_title
                            : fmt::format("Item {}", i));
  }
  return feed + "</channel></rss>";
}

std::vector<std::string> markdown_files(const std::filesystem::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().extension() == ".md") {
      files.push_back(std::filesystem::relative(e.path(), dir).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

double growth_when_multiplied(const std::function<void(std::size_t)>& run,
                              std::size_t n) {
  const auto best_of_three = [&](std::size_t size) {
    auto best = std::chrono::steady_clock::duration::max();
    for (int i = 0; i < 3; ++i) {
      const auto start = std::chrono::steady_clock::now();
      run(size);
      best = std::min(best, std::chrono::steady_clock::now() - start);
    }
    return std::chrono::duration<double>(best).count();
  };
  // Another process taking the CPU during one timing inflates the ratio
  // (10.3 was seen for linear work with a fuzzer busy on the other core),
  // so the smallest ratio counts. A slow small run could deflate one, but
  // not from quadratic's 64 to under kLinearGrowthLimit.
  double smallest = std::numeric_limits<double>::max();
  for (int attempt = 0; attempt < 3 && smallest >= kLinearGrowthLimit;
       ++attempt) {
    const double small = best_of_three(n);
    smallest = std::min(
        smallest, best_of_three(kGrowthFactor * n) / std::max(small, 1e-6));
  }
  return smallest;
}

const std::vector<std::string>& hostile_titles() {
  static const std::vector<std::string> titles = {"He said \"hi\"",
                                                  "Breaking: a colon",
                                                  "# hash first",
                                                  "---",
                                                  "tab\there",
                                                  "中文标题：俄军入侵乌克兰",
                                                  "emoji 🚀 launch",
                                                  "*star first",
                                                  "&amp; first",
                                                  "yes",
                                                  "no",
                                                  "null",
                                                  "a 'single' quote",
                                                  "back\\slash",
                                                  "<b>markup</b> in title"};
  return titles;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

}  // namespace feedmark::test

#include <cmark-gfm.h>

namespace feedmark::test {
namespace {}  // namespace

std::string unescape_html(std::string_view s) {
  return unescape_cmark_html(s);
}

std::string render_commonmark(const std::string& markdown) {
  char* html = cmark_markdown_to_html(markdown.data(), markdown.size(),
                                      CMARK_OPT_DEFAULT | CMARK_OPT_UNSAFE);
  std::string out(html);
  std::free(html);
  return out;
}

RenderedLink first_rendered_link(const std::string& markdown) {
  const std::string html = render_commonmark(markdown);
  const auto open = html.find("<a href=\"");
  if (open == std::string::npos) {
    return {};
  }
  const auto href_end = html.find('"', open + 9);
  const auto text_start = html.find('>', href_end) + 1;
  const auto text_end = html.find("</a>", text_start);
  return {unescape_html(html.substr(text_start, text_end - text_start)),
          unescape_html(html.substr(open + 9, href_end - open - 9))};
}

}  // namespace feedmark::test
