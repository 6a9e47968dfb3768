#include "feedmark/cli/cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "feedmark/store/archive.h"
#include "feedmark/store/catalogue.h"
#include "feedmark/run/pipeline.h"
#include "feedmark/cli/discover_command.h"
#include "feedmark/cli/extract_command.h"
#include "feedmark/cli/feedlist.h"
#include "feedmark/cli/fetch_command.h"
#include "feedmark/cli/format_flags.h"
#include "feedmark/cli/network_flags.h"
#include "feedmark/cli/parse_command.h"
#include "feedmark/cli/progress.h"
#include "feedmark/cli/shard.h"
#include "feedmark/write/hugo.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;

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
  std::string shard;  ///< --shard K/N
};

struct IndexCommand {
  std::string archive;
  bool wait = false;
  FormatFlags format;
};

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
  if (command.format.format || !command.format.template_path.empty()) {
    // A new format: the articles are converted before the indexes list them.
    Result<ArticleRenderer> renderer = make_renderer(command.format);
    if (!renderer) {
      streams.report_error(renderer.error());
      return kExitUsage;
    }
    if (renderer->format() == ArticleFormat::kHugo) {
      renderer->set_site_root(hugo::site_root_of(command.archive));
    }
    if (Result<std::size_t> converted =
            convert_articles(command.archive, *renderer);
        !converted) {
      streams.report_error(converted.error());
      return kExitSourceFailed;
    }
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

CLI::App* add_fetch(CLI::App& app, FetchCommand& fetch, Streams& streams) {
  CLI::App* cmd =
      app.add_subcommand("fetch", "Archive every source as Markdown");
  cmd->add_option("sources", fetch.sources,
                  "http(s) URLs, feed files, - for stdin");
  cmd->add_option("--feeds", fetch.feed_lists,
                  "A feed list: OPML, or a source a line (repeatable)")
      ->option_text("FILE");
  cmd->add_option("-a,--archive", fetch.archive,
                  "Archive root (default: $FEEDMARK_ARCHIVE or ./archive)")
      ->option_text("DIR");
  cmd->add_option("-j,--jobs", fetch.network.jobs,
                  "Connections open at once, over all hosts (1-256, default "
                  "8); an HTTP/2 host's feeds, pages and images share one")
      ->check(CLI::Range(1, 256))
      ->option_text("N");
  add_network(*cmd, fetch.network);
  cmd->add_option(
         "--feed-url", fetch.options.feed_url,
         "The feed's identity and base URL when reading a file or stdin")
      ->option_text("URL");
  cmd->add_option("--tz", fetch.options.zone,
                  "IANA zone for dates that carry none (default UTC)")
      ->option_text("ZONE");
  cmd->add_option("--image-proxy", fetch.options.image_proxy,
                  "Rewrite image URLs: {url}, {url_noscheme}, {url_encoded}")
      ->option_text("TEMPLATE");
  cmd->add_flag("--save-images", fetch.options.images.save,
                "Keep a copy of every image an article shows in media/");
  cmd->add_option("--max-image-size", fetch.options.images.max_size,
                  "Do not save an image larger than this (default 10485760, "
                  "10 MiB)")
      ->check(CLI::PositiveNumber)
      ->option_text("BYTES");
  cmd->add_flag("--allow-private-networks",
                fetch.options.images.allow_private_networks,
                "Let images and article pages come from loopback, private "
                "and link-local addresses");
  cmd->add_option("--full-text", fetch.options.full_text.mode,
                  "Archive each article's page: never (default), auto (short "
                  "or cut bodies), always")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, FullText>{{"never", FullText::kNever},
                                          {"auto", FullText::kAuto},
                                          {"always", FullText::kAlways}}))
      ->option_text("never|auto|always");
  add_format_flags(*cmd, fetch.format, true);
  cmd->add_option("--shard", fetch.shard,
                  "Archive only shard K of N of the feeds (K from 0)")
      ->option_text("K/N");
  cmd->add_flag("--dry-run", fetch.options.dry_run,
                "Write nothing; print what would be written");
  cmd->add_flag("--json", fetch.json,
                "Print a JSON object per written article");
  cmd->add_flag("-0,--null", fetch.null, "End printed paths with NUL");
  cmd->add_flag("--wait", fetch.wait,
                "Wait for the archive lock instead of failing");
  cmd->add_option("--progress", fetch.progress,
                  "Progress bar on stderr: auto (default: on a terminal), "
                  "always, never")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, ProgressMode>{{"auto", ProgressMode::kAuto},
                                              {"always", ProgressMode::kAlways},
                                              {"never", ProgressMode::kNever}}))
      ->option_text("auto|always|never");
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
                  "Base URL of a file or stdin")
      ->option_text("URL");
  cmd->add_option("--tz", parse.zone,
                  "IANA zone for dates that carry none (default UTC)")
      ->option_text("ZONE");
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
                  "The page's URL, for a file or stdin")
      ->option_text("URL");
  add_network(*cmd, extract.network);
  add_verbosity(*cmd, streams);
  return cmd;
}

struct DiscoverFlags {
  DiscoverCommand command;
  NetworkFlags network;
};

CLI::App* add_discover(CLI::App& app, DiscoverFlags& discover,
                       Streams& streams) {
  CLI::App* cmd = app.add_subcommand(
      "discover", "Print the feeds a web page links, one URL a line");
  cmd->add_option("source", discover.command.source,
                  "An http(s) URL, an HTML file, or - for stdin (default)");
  cmd->add_option("--base", discover.command.base,
                  "The page's URL, for a file or stdin")
      ->option_text("URL");
  add_network(*cmd, discover.network);
  add_verbosity(*cmd, streams);
  return cmd;
}

CLI::App* add_index(CLI::App& app, IndexCommand& index, Streams& streams) {
  CLI::App* cmd = app.add_subcommand(
      "index", "Rebuild every index.md from the article files");
  cmd->add_option("-a,--archive", index.archive,
                  "Archive root (default: $FEEDMARK_ARCHIVE or ./archive)")
      ->option_text("DIR");
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
  job.options.images.ca_file = s.cacert.value_or("");
  job.options.images.cookie_file = s.cookies.value_or("");
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
  if (fetch.options.renderer.format() == ArticleFormat::kHugo) {
    fetch.options.renderer.set_site_root(
        hugo::site_root_of(fetch.options.archive));
  }
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
  if (!fetch.shard.empty()) {
    Result<Shard> shard = Shard::parse(fetch.shard);
    if (!shard) {
      return tl::unexpected(shard.error());
    }
    std::erase_if(plan.jobs, [&](const FeedJob& job) {
      return !shard->holds(feed_id(shard_key(job.source, fetch.options)));
    });
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
             CLI::App* discover_cmd, FetchCommand& fetch,
             const ParseCommand& parse, ExtractFlags& extract,
             DiscoverFlags& discover, IndexCommand& index, Streams& streams) {
  if (discover_cmd->parsed()) {
    discover.command.http = http_options(discover.network, 0);
    discover.command.user_agent = discover.network.user_agent;
    return run_discover(discover.command, streams);
  }
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
  DiscoverFlags discover;
  CLI::App* fetch_cmd = add_fetch(app, fetch, streams);
  CLI::App* parse_cmd = add_parse(app, parse, streams);
  CLI::App* extract_cmd = add_extract(app, extract, streams);
  CLI::App* discover_cmd = add_discover(app, discover, streams);
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
  return dispatch(fetch_cmd, parse_cmd, extract_cmd, discover_cmd, fetch, parse,
                  extract, discover, index, streams);
}

}  // namespace feedmark
