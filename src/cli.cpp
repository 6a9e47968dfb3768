#include "feedmark/cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "feedmark/archive.h"
#include "feedmark/decode.h"
#include "feedmark/extract.h"
#include "feedmark/parallel.h"
#include "feedmark/parse.h"
#include "feedmark/pipeline.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // keys in the SPEC's order

/// Where results and diagnostics go, and how much of the latter.
struct Streams {
  std::FILE* out;
  std::FILE* err;
  bool quiet = false;
  bool verbose = false;

  void report(const std::string& line) const {
    fmt::print(err, "feedmark: {}\n", line);
  }
  void report_error(const Error& error) const { report(describe(error)); }
};

struct FetchCommand {
  std::vector<std::string> sources;
  std::string archive;
  ArchiveOptions options;
  bool json = false;
  bool null = false;
};

struct ParseCommand {
  std::vector<std::string> sources;
  std::string base;
  std::string zone;
};

struct IndexCommand {
  std::string archive;
};

// ---------------------------------------------------------------- fetch

json article_json(const ArticleRecord& record) {
  const Article& a = record.article;
  return {{"path", record.path.string()},
          {"feed_id", record.feed_id},
          {"id", a.id},
          {"status", record.updated ? "updated" : "new"},
          {"title", a.title},
          {"link", a.link},
          {"published",
           a.published ? json(format_iso8601(*a.published)) : json(nullptr)},
          {"image", a.image.empty() ? json(nullptr) : json(a.image)},
          {"caption", a.caption.empty() ? json(nullptr) : json(a.caption)}};
}

void print_written(const FetchCommand& command, const FeedOutcome& outcome,
                   const Streams& streams) {
  for (const ArticleRecord& record : outcome.written) {
    const char end = command.null ? '\0' : '\n';
    if (command.json) {
      fmt::print(streams.out, "{}{}",
                 article_json(record).dump(-1, ' ', false,
                                           json::error_handler_t::replace),
                 end);
    } else {
      fmt::print(streams.out, "{}{}", record.path.string(), end);
    }
  }
}

void print_feed_report(const std::string& source, const FeedOutcome& outcome,
                       const Streams& streams) {
  if (!streams.quiet) {
    for (const std::string& warning : outcome.warnings) {
      streams.report(fmt::format("{}: warning: {}", source, warning));
    }
  }
  if (streams.verbose) {
    const auto updated =
        std::count_if(outcome.written.begin(), outcome.written.end(),
                      [](const ArticleRecord& r) { return r.updated; });
    streams.report(fmt::format(
        "{}: ok, {} items, {} new, {} updated, feed {}", source, outcome.items,
        outcome.written.size() - updated, updated, outcome.feed_id));
  }
}

Result<FeedOutcome> archive_one(const Source& source,
                                const ArchiveOptions& options) {
  if (source.kind == Source::Kind::kUrl) {
    return fail("fetch", source.location, "fetching URLs is not supported yet");
  }
  return archive_local_source(source, options);
}

int run_fetch(const FetchCommand& command, const Streams& streams) {
  bool failed = false;
  for (const std::string& text : command.sources) {
    const Source source = classify_source(text);
    Result<FeedOutcome> outcome = archive_one(source, command.options);
    if (!outcome) {
      streams.report_error(outcome.error());
      failed = true;
      continue;
    }
    print_written(command, *outcome, streams);
    print_feed_report(text, *outcome, streams);
  }
  std::error_code ec;
  if (!command.options.dry_run &&
      fs::is_directory(command.options.archive, ec)) {
    if (auto root = write_root_index(command.options.archive); !root) {
      streams.report_error(root.error());
      failed = true;
    }
  }
  std::fflush(streams.out);
  return failed ? kExitSourceFailed : kExitOk;
}

// ---------------------------------------------------------------- parse

json nullable(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json nullable_date(const std::optional<UnixTime>& t) {
  return t ? json(format_iso8601(*t)) : json(nullptr);
}

json feed_json(const std::string& source, const Feed& feed) {
  return {{"type", "feed"},
          {"source", source},
          {"format", format_name(feed.format)},
          {"title", nullable(feed.title)},
          {"link", nullable(feed.link)},
          {"description", nullable(feed.description)},
          {"language", nullable(feed.language)},
          {"updated", nullable_date(feed.updated)},
          {"image", nullable(feed.image)},
          {"encoding", feed.encoding},
          {"well_formed", feed.well_formed}};
}

json item_json(const Item& item) {
  const ItemView view = view_item(item);
  json enclosures = json::array();
  for (const Enclosure& e : item.enclosures) {
    enclosures.push_back(
        {{"url", e.url},
         {"type", nullable(e.type)},
         {"length", e.length ? json(*e.length) : json(nullptr)}});
  }
  return {{"type", "item"},
          {"id", view.id},
          {"guid", nullable(item.guid)},
          {"title", nullable(item.title)},
          {"link", nullable(item.link)},
          {"published", nullable_date(item.published)},
          {"updated", nullable_date(item.updated)},
          {"author", nullable(item.author)},
          {"categories", item.categories},
          {"image", nullable(view.image)},
          {"caption", nullable(view.caption)},
          {"enclosures", std::move(enclosures)},
          {"summary_html", nullable(view.summary_html)},
          {"content_html", nullable(view.content_html)}};
}

Result<Feed> read_feed(const std::string& text, const ParseCommand& command) {
  const Source source = classify_source(text);
  if (source.kind == Source::Kind::kUrl) {
    return fail("fetch", text, "fetching URLs is not supported yet");
  }
  Result<Response> response = read_local_source(source);
  if (!response) {
    return tl::unexpected(response.error());
  }
  response->final_url = command.base;
  Result<Document> document = decode_response(std::move(*response), text);
  if (!document) {
    return tl::unexpected(document.error());
  }
  return parse_feed(std::move(*document), text, {command.zone});
}

int run_parse(const ParseCommand& command, const Streams& streams) {
  bool failed = false;
  for (const std::string& text : command.sources) {
    const Result<Feed> feed = read_feed(text, command);
    if (!feed) {
      streams.report_error(feed.error());
      failed = true;
      continue;
    }
    const auto dump = [](const json& j) {
      return j.dump(-1, ' ', false, json::error_handler_t::replace);
    };
    fmt::print(streams.out, "{}\n", dump(feed_json(text, *feed)));
    std::vector<std::string> lines(feed->items.size());
    parallel_for(lines.size(), 0, [&](std::size_t i) {
      lines[i] = dump(item_json(feed->items[i]));
    });
    for (const std::string& line : lines) {
      fmt::print(streams.out, "{}\n", line);
    }
    if (!streams.quiet) {
      for (const std::string& warning : feed->warnings) {
        streams.report(fmt::format("{}: warning: {}", text, warning));
      }
    }
  }
  std::fflush(streams.out);
  return failed ? kExitSourceFailed : kExitOk;
}

// ---------------------------------------------------------------- index

int run_index(const IndexCommand& command, const Streams& streams) {
  const Result<int> feeds = rebuild_indexes(command.archive);
  if (!feeds) {
    streams.report_error(feeds.error());
    return kExitSourceFailed;
  }
  if (streams.verbose) {
    streams.report(fmt::format("{}: rebuilt the index of {} feeds",
                               command.archive, *feeds));
  }
  return kExitOk;
}

// ---------------------------------------------------------------- options

std::string default_archive() {
  const char* env = std::getenv("FEEDMARK_ARCHIVE");
  return env && *env ? env : "archive";
}

/// SOURCE_DATE_EPOCH (seconds) replaces the clock, for reproducible output.
Result<std::int64_t> capture_time_ms() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (epoch == nullptr || *epoch == '\0') {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  char* end = nullptr;
  errno = 0;
  const long long seconds = std::strtoll(epoch, &end, 10);
  constexpr long long kMaxSeconds =
      std::numeric_limits<std::int64_t>::max() / 1000;
  if (*end != '\0' || end == epoch || errno == ERANGE || seconds < 0 ||
      seconds > kMaxSeconds) {
    return fail("config", "SOURCE_DATE_EPOCH",
                fmt::format("not a number of seconds: {}", epoch));
  }
  return static_cast<std::int64_t>(seconds) * 1000;
}

void add_verbosity(CLI::App& command, Streams& streams) {
  command.add_flag("-q,--quiet", streams.quiet, "Only errors on stderr");
  command.add_flag("-v,--verbose", streams.verbose,
                   "A report line per feed on stderr");
}

CLI::App* add_fetch(CLI::App& app, FetchCommand& fetch, Streams& streams) {
  CLI::App* cmd =
      app.add_subcommand("fetch", "Archive every source as Markdown");
  cmd->add_option("sources", fetch.sources, "Feed files, - for stdin")
      ->required();
  cmd->add_option("-a,--archive", fetch.archive,
                  "Archive root (default: $FEEDMARK_ARCHIVE or ./archive)");
  cmd->add_option(
      "--feed-url", fetch.options.feed_url,
      "The feed's identity and base URL when reading a file or stdin");
  cmd->add_option("--tz", fetch.options.zone, "Zone for dates that carry none");
  cmd->add_option("--image-proxy", fetch.options.image_proxy,
                  "Rewrite image URLs: {url}, {url_noscheme}, {url_encoded}");
  cmd->add_flag("--dry-run", fetch.options.dry_run,
                "Write nothing; print what would be written");
  cmd->add_flag("--json", fetch.json,
                "Print a JSON object per written article");
  cmd->add_flag("-0,--null", fetch.null, "End printed paths with NUL");
  add_verbosity(*cmd, streams);
  return cmd;
}

CLI::App* add_parse(CLI::App& app, ParseCommand& parse, Streams& streams) {
  CLI::App* cmd =
      app.add_subcommand("parse", "Print parsed feeds as JSON Lines");
  cmd->add_option("sources", parse.sources, "Feed files, - for stdin")
      ->required();
  cmd->add_option("--feed-url,--base", parse.base,
                  "Base URL of a file or stdin");
  cmd->add_option("--tz", parse.zone, "Zone for dates that carry none");
  add_verbosity(*cmd, streams);
  return cmd;
}

CLI::App* add_index(CLI::App& app, IndexCommand& index, Streams& streams) {
  CLI::App* cmd = app.add_subcommand(
      "index", "Rebuild every index.md from the article files");
  cmd->add_option("-a,--archive", index.archive,
                  "Archive root (default: $FEEDMARK_ARCHIVE or ./archive)");
  add_verbosity(*cmd, streams);
  return cmd;
}

Result<void> check_zone(const std::string& zone) {
  if (!known_time_zone(zone)) {
    return fail("config", "--tz", fmt::format("unknown time zone: {}", zone));
  }
  return {};
}

// Checks everything that would fail every source alike, so it is one usage
// error (exit 2) rather than one failure per feed.
Result<void> prepare_fetch(FetchCommand& fetch) {
  Result<std::int64_t> now = capture_time_ms();
  if (!now) {
    return tl::unexpected(now.error());
  }
  fetch.options.captured_ms = *now;
  fetch.options.archive =
      fetch.archive.empty() ? default_archive() : fetch.archive;
  if (!fetch.options.feed_url.empty() && fetch.sources.size() > 1) {
    return fail("config", "--feed-url", "names one feed; give it one source");
  }
  if (auto zone = check_zone(fetch.options.zone); !zone) {
    return zone;
  }
  std::error_code ec;
  if (!fetch.options.dry_run &&
      !fs::create_directories(fetch.options.archive, ec) &&
      !fs::is_directory(fetch.options.archive, ec)) {
    return fail("config", fetch.options.archive.string(),
                fmt::format("cannot use as the archive: {}",
                            ec ? ec.message() : "not a directory"));
  }
  return {};
}

int dispatch(CLI::App* fetch_cmd, CLI::App* parse_cmd, FetchCommand& fetch,
             const ParseCommand& parse, IndexCommand& index,
             const Streams& streams) {
  if (fetch_cmd->parsed()) {
    if (auto ready = prepare_fetch(fetch); !ready) {
      streams.report_error(ready.error());
      return kExitUsage;
    }
    return run_fetch(fetch, streams);
  }
  if (parse_cmd->parsed()) {
    if (auto zone = check_zone(parse.zone); !zone) {
      streams.report_error(zone.error());
      return kExitUsage;
    }
    return run_parse(parse, streams);
  }
  if (index.archive.empty()) {
    index.archive = default_archive();
  }
  return run_index(index, streams);
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::FILE* out, std::FILE* err) {
  CLI::App app{"feedmark archives RSS and Atom feeds as Markdown.", "feedmark"};
  app.set_version_flag("--version",
                       std::string("feedmark ") + FEEDMARK_VERSION);
  app.require_subcommand(1, 1);
  Streams streams{out, err};
  FetchCommand fetch;
  ParseCommand parse;
  IndexCommand index;
  CLI::App* fetch_cmd = add_fetch(app, fetch, streams);
  CLI::App* parse_cmd = add_parse(app, parse, streams);
  add_index(app, index, streams);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream o, e2;
    const int code = app.exit(e, o, e2);
    std::fputs(o.str().c_str(), out);
    if (code == 0) {
      return kExitOk;
    }
    fmt::print(err, "feedmark: {}\nRun 'feedmark --help' for usage.\n",
               e.what());
    return kExitUsage;
  }
  return dispatch(fetch_cmd, parse_cmd, fetch, parse, index, streams);
}

}  // namespace feedmark
