#include "feedmark/cli/cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "feedmark/archive/archive.h"
#include "feedmark/archive/catalogue.h"
#include "feedmark/archive/pipeline.h"
#include "feedmark/cli/extract_command.h"
#include "feedmark/cli/feedlist.h"
#include "feedmark/cli/fetch_command.h"
#include "feedmark/cli/format_flags.h"
#include "feedmark/cli/progress.h"
#include "feedmark/decode/decode.h"
#include "feedmark/extract/extract.h"
#include "feedmark/parse/parse.h"
#include "feedmark/util/parallel.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // keys in the SPEC's order

/// The network flags `fetch` and `parse` share.
struct NetworkFlags {
  unsigned jobs = 8;
  double timeout_s = 30;
  std::uint64_t max_size = kDefaultMaxSize;
  unsigned retries = 2;
  std::string user_agent = std::string("feedmark/") + FEEDMARK_VERSION;
};

struct FetchCommand {
  std::vector<std::string> sources;
  std::vector<std::string> feed_lists;
  std::string archive;
  ArchiveOptions options;
  FormatFlags format;
  NetworkFlags network;
  bool json = false;
  bool null = false;
  bool wait = false;
  ProgressMode progress = ProgressMode::kAuto;
};

struct ParseCommand {
  std::vector<std::string> sources;
  std::string base;
  std::string zone;
  NetworkFlags network;
};

struct IndexCommand {
  std::string archive;
  bool wait = false;
  FormatFlags format;
};

HttpOptions http_options(const NetworkFlags& flags, std::int64_t now_ms) {
  HttpOptions http;
  http.jobs = flags.jobs;
  http.timeout = std::chrono::milliseconds(
      static_cast<std::int64_t>(flags.timeout_s * 1000));
  http.max_size = flags.max_size;
  http.retries = flags.retries;
  http.now = now_ms / 1000;
  return http;
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

// `parse` prints feeds in the order given, so it downloads every URL first.
std::map<std::string, Result<Response>> download_urls(
    const ParseCommand& command) {
  std::vector<HttpRequest> requests;
  for (const std::string& text : command.sources) {
    if (classify_source(text).kind == Source::Kind::kUrl) {
      HttpRequest& request = requests.emplace_back();
      request.url = text;
      request.user_agent = command.network.user_agent;
    }
  }
  std::map<std::string, Result<Response>> responses;
  fetch_all(requests, http_options(command.network, 0),
            [&](std::size_t i, Result<HttpResult> result) {
              if (!result) {
                responses.emplace(requests[i].url,
                                  tl::unexpected(result.error()));
              } else if (result->kind != HttpResult::Kind::kFetched) {
                responses.emplace(requests[i].url,
                                  fail("fetch", requests[i].url,
                                       fmt::format("HTTP {}, nothing to parse",
                                                   result->response.status)));
              } else {
                responses.emplace(requests[i].url, std::move(result->response));
              }
            });
  return responses;
}

Result<Response> read_response(
    const std::string& text, const ParseCommand& command,
    std::map<std::string, Result<Response>>& downloads) {
  const Source source = classify_source(text);
  if (source.kind == Source::Kind::kUrl) {
    Result<Response>& downloaded = downloads.at(text);
    const bool again =
        std::count(command.sources.begin(), command.sources.end(), text) > 1;
    return again ? downloaded : std::move(downloaded);
  }
  Result<Response> response =
      read_local_source(source, command.network.max_size);
  if (response) {
    response->final_url = command.base;
  }
  return response;
}

Result<Feed> read_feed(Result<Response> response, const std::string& text,
                       const ParseCommand& command) {
  if (!response) {
    return tl::unexpected(response.error());
  }
  Result<Document> document = decode_response(std::move(*response), text);
  if (!document) {
    return tl::unexpected(document.error());
  }
  return parse_feed(std::move(*document), text, {command.zone});
}

int run_parse(const ParseCommand& command, const Streams& streams) {
  bool failed = false;
  std::map<std::string, Result<Response>> downloads = download_urls(command);
  for (const std::string& text : command.sources) {
    const Result<Feed> feed =
        read_feed(read_response(text, command, downloads), text, command);
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
    // Warnings only under -v: cron mails any output, and a feed that needs
    // repairs usually needs them on every run.
    if (streams.verbose) {
      for (const std::string& warning : feed->warnings) {
        streams.report(fmt::format("{}: warning: {}", text, warning));
      }
    }
  }
  if (!flush_output(streams)) {
    return kExitSourceFailed;
  }
  return failed ? kExitSourceFailed : kExitOk;
}

// ---------------------------------------------------------------- index

int run_index(const IndexCommand& command, const Streams& streams) {
  std::error_code ec;
  if (!fs::is_directory(command.archive, ec)) {
    streams.report_error(
        {"index", command.archive, "no such archive directory"});
    return kExitSourceFailed;
  }
  Result<ArchiveLock> lock =
      ArchiveLock::acquire(command.archive, command.wait);
  if (!lock) {
    streams.report_error(lock.error());
    return lock.error().stage == "lock" ? kExitLocked : kExitUsage;
  }
  const Result<int> feeds =
      rebuild_indexes(command.archive, command.format.format);
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
  command.add_flag("-q,--quiet", streams.quiet,
                   "Only errors on stderr (beats -v; no progress bar)");
  command.add_flag("-v,--verbose", streams.verbose,
                   "A report line per feed on stderr");
}

void add_network(CLI::App& command, NetworkFlags& flags) {
  command
      .add_option("--timeout", flags.timeout_s,
                  "Whole-transfer limit per attempt, in seconds")
      ->check(CLI::Range(0.001, 86400.0));
  command
      .add_option("--max-size", flags.max_size,
                  "Abort a response larger than this many bytes")
      ->check(CLI::PositiveNumber);
  command
      .add_option("--retries", flags.retries,
                  "Retries of connect errors and 5xx, with backoff")
      ->check(CLI::Range(0, 10));
  command.add_option("--user-agent", flags.user_agent, "The User-Agent header");
}

CLI::App* add_fetch(CLI::App& app, FetchCommand& fetch, Streams& streams) {
  CLI::App* cmd =
      app.add_subcommand("fetch", "Archive every source as Markdown");
  cmd->add_option("sources", fetch.sources,
                  "http(s) URLs, feed files, - for stdin");
  cmd->add_option("--feeds", fetch.feed_lists,
                  "A feed list: OPML, or a source a line (repeatable)");
  cmd->add_option("-a,--archive", fetch.archive,
                  "Archive root (default: $FEEDMARK_ARCHIVE or ./archive)");
  cmd->add_option("-j,--jobs", fetch.network.jobs, "Feeds downloaded at once")
      ->check(CLI::Range(1, 256));
  add_network(*cmd, fetch.network);
  cmd->add_option(
      "--feed-url", fetch.options.feed_url,
      "The feed's identity and base URL when reading a file or stdin");
  cmd->add_option("--tz", fetch.options.zone, "Zone for dates that carry none");
  cmd->add_option("--image-proxy", fetch.options.image_proxy,
                  "Rewrite image URLs: {url}, {url_noscheme}, {url_encoded}");
  cmd->add_flag("--save-images", fetch.options.images.save,
                "Keep a copy of every image an article shows in media/");
  cmd->add_option("--max-image-size", fetch.options.images.max_size,
                  "Do not save an image larger than this many bytes")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--allow-private-networks",
                fetch.options.images.allow_private_networks,
                "Let images and article pages come from loopback, private "
                "and link-local addresses");
  cmd->add_option("--full-text", fetch.options.full_text.mode,
                  "Archive each article's page: never, auto (short or cut "
                  "bodies), always")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, FullText>{{"never", FullText::kNever},
                                          {"auto", FullText::kAuto},
                                          {"always", FullText::kAlways}}));
  add_format_flags(*cmd, fetch.format, true);
  cmd->add_flag("--dry-run", fetch.options.dry_run,
                "Write nothing; print what would be written");
  cmd->add_flag("--json", fetch.json,
                "Print a JSON object per written article");
  cmd->add_flag("-0,--null", fetch.null, "End printed paths with NUL");
  cmd->add_flag("--wait", fetch.wait,
                "Wait for the archive lock instead of failing");
  cmd->add_option("--progress", fetch.progress,
                  "Progress bar on stderr: auto (on a terminal), always, never")
      ->transform(CLI::CheckedTransformer(std::map<std::string, ProgressMode>{
          {"auto", ProgressMode::kAuto},
          {"always", ProgressMode::kAlways},
          {"never", ProgressMode::kNever}}));
  add_verbosity(*cmd, streams);
  return cmd;
}

CLI::App* add_parse(CLI::App& app, ParseCommand& parse, Streams& streams) {
  CLI::App* cmd =
      app.add_subcommand("parse", "Print parsed feeds as JSON Lines");
  cmd->add_option("sources", parse.sources,
                  "http(s) URLs, feed files, - for stdin")
      ->required();
  cmd->add_option("--feed-url,--base", parse.base,
                  "Base URL of a file or stdin");
  cmd->add_option("--tz", parse.zone, "Zone for dates that carry none");
  add_network(*cmd, parse.network);
  add_verbosity(*cmd, streams);
  return cmd;
}

struct ExtractFlags {
  ExtractCommand command;
  NetworkFlags network;
};

CLI::App* add_extract(CLI::App& app, ExtractFlags& extract, Streams& streams) {
  CLI::App* cmd = app.add_subcommand(
      "extract", "Print the article of one web page as a JSON line");
  cmd->add_option("source", extract.command.source,
                  "An http(s) URL, an HTML file, or - for stdin (default)");
  cmd->add_option("--base", extract.command.base,
                  "The page's URL, for a file or stdin");
  add_network(*cmd, extract.network);
  add_verbosity(*cmd, streams);
  return cmd;
}

CLI::App* add_index(CLI::App& app, IndexCommand& index, Streams& streams) {
  CLI::App* cmd = app.add_subcommand(
      "index", "Rebuild every index.md from the article files");
  cmd->add_option("-a,--archive", index.archive,
                  "Archive root (default: $FEEDMARK_ARCHIVE or ./archive)");
  cmd->add_flag("--wait", index.wait,
                "Wait for the archive lock instead of failing");
  add_format_flags(*cmd, index.format, false);
  add_verbosity(*cmd, streams);
  return cmd;
}

Result<void> check_zone(const std::string& zone) {
  if (!known_time_zone(zone)) {
    return fail("config", "--tz", fmt::format("unknown time zone: {}", zone));
  }
  return {};
}

/// The command line's sources, then each feed list's, without repeats.
Result<std::vector<FeedEntry>> gather_sources(const FetchCommand& fetch) {
  std::vector<FeedEntry> entries;
  for (const std::string& source : fetch.sources) {
    entries.push_back({source, {}});
  }
  for (const std::string& list : fetch.feed_lists) {
    Result<std::vector<FeedEntry>> listed = read_feed_list(list);
    if (!listed) {
      return tl::unexpected(listed.error());
    }
    std::move(listed->begin(), listed->end(), std::back_inserter(entries));
  }
  std::set<std::string> seen;
  std::erase_if(entries, [&](const FeedEntry& e) {
    return !seen.insert(e.source).second;
  });
  if (entries.empty()) {
    return fail("config", "fetch", "no sources: give URLs, files or --feeds");
  }
  return entries;
}

FeedJob job_for(const FeedEntry& entry, const FetchCommand& fetch) {
  FeedJob job{classify_source(entry.source), fetch.options,
              entry.settings.user_agent.value_or(fetch.network.user_agent)};
  const FeedSettings& s = entry.settings;
  job.options.zone = s.zone.value_or(job.options.zone);
  job.options.image_proxy = s.image_proxy.value_or(job.options.image_proxy);
  job.options.encoding = s.encoding.value_or("");
  if (s.save_images) {
    job.options.images.save = *s.save_images == "yes";
  }
  if (s.full_text) {
    job.options.full_text.mode = *s.full_text == "always" ? FullText::kAlways
                                 : *s.full_text == "auto" ? FullText::kAuto
                                                          : FullText::kNever;
  }
  job.options.full_text.selector = s.full_text_selector.value_or("");
  if (s.id) {
    job.options.id_policy = *s.id == "link"    ? IdPolicy::kLink
                            : *s.id == "title" ? IdPolicy::kTitle
                                               : IdPolicy::kGuid;
  }
  // Checked when the list was read: compiling again cannot fail.
  const auto pattern = [](const char* name,
                          const std::optional<std::string>& p) {
    return p ? ItemFilter::compile(name, *p).value_or(nullptr) : nullptr;
  };
  job.options.filter =
      ItemFilter(pattern("include", s.include), pattern("exclude", s.exclude));
  job.options.images.user_agent = job.user_agent;
  return job;
}

Result<void> check_archive_dir(const fs::path& archive) {
  std::error_code ec;
  if (!fs::create_directories(archive, ec) && !fs::is_directory(archive, ec)) {
    return fail("config", archive.string(),
                fmt::format("cannot use as the archive: {}",
                            ec ? ec.message() : "not a directory"));
  }
  return {};
}

// Checks everything that would fail every source alike, so it is one usage
// error (exit 2) rather than one failure per feed.
Result<FetchPlan> prepare_fetch(FetchCommand& fetch) {
  Result<std::int64_t> now = capture_time_ms();
  if (!now) {
    return tl::unexpected(now.error());
  }
  fetch.options.captured_ms = *now;
  fetch.options.max_size = fetch.network.max_size;
  fetch.options.archive =
      fetch.archive.empty() ? default_archive() : fetch.archive;
  if (auto zone = check_zone(fetch.options.zone); !zone) {
    return tl::unexpected(zone.error());
  }
  Result<std::vector<FeedEntry>> entries = gather_sources(fetch);
  if (!entries) {
    return tl::unexpected(entries.error());
  }
  if (!fetch.options.feed_url.empty() && entries->size() > 1) {
    return fail("config", "--feed-url", "names one feed; give it one source");
  }
  Result<ArticleRenderer> renderer = make_renderer(fetch.format);
  if (!renderer) {
    return tl::unexpected(renderer.error());
  }
  fetch.options.renderer = std::move(*renderer);
  if (!fetch.options.dry_run) {
    if (auto dir = check_archive_dir(fetch.options.archive); !dir) {
      return tl::unexpected(dir.error());
    }
  }
  fetch.options.images.http = http_options(fetch.network, *now);
  FetchPlan plan;
  for (const FeedEntry& entry : *entries) {
    plan.jobs.push_back(job_for(entry, fetch));
  }
  plan.archive = fetch.options.archive;
  plan.format = fetch.options.renderer.format();
  plan.dry_run = fetch.options.dry_run;
  plan.http = http_options(fetch.network, *now);
  plan.json = fetch.json;
  plan.null = fetch.null;
  plan.wait = fetch.wait;
  plan.progress = fetch.progress;
  return plan;
}

int dispatch(CLI::App* fetch_cmd, CLI::App* parse_cmd, CLI::App* extract_cmd,
             FetchCommand& fetch, const ParseCommand& parse,
             ExtractFlags& extract, IndexCommand& index, Streams& streams) {
  if (extract_cmd->parsed()) {
    extract.command.http = http_options(extract.network, 0);
    extract.command.user_agent = extract.network.user_agent;
    return run_extract(extract.command, streams);
  }
  if (fetch_cmd->parsed()) {
    Result<FetchPlan> plan = prepare_fetch(fetch);
    if (!plan) {
      streams.report_error(plan.error());
      return kExitUsage;
    }
    return run_fetch(*plan, streams);
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
  ExtractFlags extract;
  CLI::App* fetch_cmd = add_fetch(app, fetch, streams);
  CLI::App* parse_cmd = add_parse(app, parse, streams);
  CLI::App* extract_cmd = add_extract(app, extract, streams);
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
  // A cron job says -q for good; a -v added by hand to see more must not
  // bring back the lines it silences.
  if (streams.quiet) {
    streams.verbose = false;
    if (fetch.progress == ProgressMode::kAuto) {
      fetch.progress = ProgressMode::kNever;
    }
  }
  return dispatch(fetch_cmd, parse_cmd, extract_cmd, fetch, parse, extract,
                  index, streams);
}

}  // namespace feedmark
