#include "flyte/context/deck.hpp"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <utility>

#include "flyte/context/redaction.hpp"

namespace flyte {
namespace {

double process_cpu_seconds() noexcept {
  timespec ts{};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/// Escaped and redacted: the order matters, a secret containing '<' would no
/// longer match after escaping.
std::string safe_text(std::string_view text) {
  return html_escape(redact(text));
}

constexpr std::string_view kStyle = R"(
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0; color: #1f2328; }
.deck-tabs { display: flex; flex-wrap: wrap; border-bottom: 1px solid #d0d7de; padding: 0 8px; background: #f6f8fa; }
.deck-tabs label { padding: 8px 16px; cursor: pointer; border-bottom: 2px solid transparent; }
input.deck-tab { display: none; }
.deck-panel { display: none; padding: 16px; overflow-x: auto; }
table.timeline { border-collapse: collapse; }
table.timeline th, table.timeline td { border: 1px solid #d0d7de; padding: 4px 12px; text-align: left; }
table.timeline td.num { text-align: right; font-variant-numeric: tabular-nums; }
)";

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// ------------------------------------------------------------------------ Deck

Deck::Deck(std::string name, std::string html) : name_(std::move(name)), html_(std::move(html)) {}

Deck::Deck(const Deck& other) : name_(other.name_), html_(other.body_locked()) {}

Deck& Deck::operator=(const Deck& other) {
  if (this == &other) return *this;
  std::string body = other.body_locked();
  std::lock_guard lock(mutex_);
  name_ = other.name_;
  html_ = std::move(body);
  return *this;
}

std::string Deck::body_locked() const {
  std::lock_guard lock(mutex_);
  return html_;
}

std::string Deck::html() const {
  return body_locked();
}

Deck& Deck::append(std::string_view html) {
  std::lock_guard lock(mutex_);
  if (!html_.empty()) html_ += '\n';
  html_ += html;
  return *this;
}

void Deck::replace_content(std::string html) {
  std::lock_guard lock(mutex_);
  html_ = std::move(html);
}

// ---------------------------------------------------------------- TimelineDeck

TimelineDeck::TimelineDeck(std::string name) : Deck(std::move(name)) {}

TimelineDeck::TimelineDeck(const TimelineDeck& other) : Deck(other) {
  std::lock_guard lock(other.mutex_);
  entries_ = other.entries_;
}

TimelineDeck::Section TimelineDeck::time_section(std::string name) {
  return Section(this, std::move(name));
}

void TimelineDeck::add_entry(TimelineEntry entry) {
  std::lock_guard lock(mutex_);
  entries_.push_back(std::move(entry));
}

std::vector<TimelineEntry> TimelineDeck::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

std::string TimelineDeck::html() const {
  const auto rows = entries();
  std::string out =
      "<table class=\"timeline\">\n<thead><tr><th>Name</th><th>Wall Time(s)</th>"
      "<th>Process Time(s)</th></tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{:.6f}</td><td class=\"num\">{:.6f}</td></tr>\n",
        html_escape(row.name), row.wall_time_s, row.process_time_s);
  }
  out += "</tbody>\n</table>";
  const std::string extra = body_locked();
  if (!extra.empty()) out += "\n" + extra;
  return out;
}

void TimelineDeck::replace_content(std::string html) {
  {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }
  Deck::replace_content(std::move(html));
}

TimelineDeck::Section::Section(TimelineDeck* deck, std::string name)
    : deck_(deck),
      name_(std::move(name)),
      wall_start_(std::chrono::steady_clock::now()),
      cpu_start_s_(process_cpu_seconds()) {}

TimelineDeck::Section::Section(Section&& other) noexcept
    : deck_(std::exchange(other.deck_, nullptr)),
      name_(std::move(other.name_)),
      wall_start_(other.wall_start_),
      cpu_start_s_(other.cpu_start_s_) {}

TimelineDeck::Section::~Section() {
  stop();
}

void TimelineDeck::Section::stop() noexcept {
  if (deck_ == nullptr) return;
  TimelineDeck* deck = std::exchange(deck_, nullptr);
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start_;
  try {
    deck->add_entry({std::move(name_), wall.count(), process_cpu_seconds() - cpu_start_s_});
  } catch (...) {
    // A lost timeline row must not fail the task.
  }
}

// --------------------------------------------------------------------- DeckSet

DeckSet::DeckSet() {
  decks_.push_back(std::make_unique<Deck>(std::string(kDefaultDeckName)));
}

Deck* DeckSet::find_locked(std::string_view name) const {
  for (const auto& deck : decks_) {
    if (deck->name() == name) return deck.get();
  }
  return nullptr;
}

TimelineDeck& DeckSet::timeline_locked() {
  if (timeline_ == nullptr) {
    auto timeline = std::make_unique<TimelineDeck>(std::string(kTimelineDeckName));
    timeline_ = timeline.get();
    decks_.push_back(std::move(timeline));
  }
  return *timeline_;
}

Deck& DeckSet::deck(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (name == kTimelineDeckName) return timeline_locked();
  if (Deck* found = find_locked(name)) return *found;
  decks_.push_back(std::make_unique<Deck>(std::string(name)));
  return *decks_.back();
}

Deck& DeckSet::add(const Deck& deck) {
  std::string html = deck.html();
  std::lock_guard lock(mutex_);
  Deck* target = deck.name() == kTimelineDeckName ? &timeline_locked() : find_locked(deck.name());
  if (target != nullptr) {
    target->replace_content(std::move(html));
    return *target;
  }
  decks_.push_back(std::make_unique<Deck>(deck.name(), std::move(html)));
  return *decks_.back();
}

Deck& DeckSet::default_deck() {
  return deck(kDefaultDeckName);
}

TimelineDeck& DeckSet::timeline_deck() {
  std::lock_guard lock(mutex_);
  return timeline_locked();
}

std::vector<std::string> DeckSet::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  out.reserve(decks_.size());
  for (const auto& deck : decks_) out.push_back(deck->name());
  return out;
}

bool DeckSet::contains(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return find_locked(name) != nullptr;
}

std::string DeckSet::render_html(std::string_view title) const {
  std::vector<std::pair<std::string, std::string>> pages;
  {
    std::lock_guard lock(mutex_);
    for (const auto& deck : decks_) pages.emplace_back(deck->name(), deck->html());
  }

  // CSS-only tabs (radio buttons): every panel is reachable without scripts.
  std::string selectors;
  std::string tabs;
  std::string panels;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    selectors += fmt::format(
        "#deck-tab-{0}:checked ~ .deck-panels #deck-panel-{0} {{ display: block; }}\n"
        "#deck-tab-{0}:checked ~ .deck-tabs label[for=deck-tab-{0}] {{ border-bottom-color: "
        "#0969da; font-weight: 600; }}\n",
        i);
    tabs += fmt::format(
        "<input class=\"deck-tab\" type=\"radio\" name=\"deck\" id=\"deck-tab-{0}\"{1}>", i,
        i == 0 ? " checked" : "");
    const std::string name = safe_text(pages[i].first);
    panels += fmt::format(
        "<section class=\"deck-panel\" id=\"deck-panel-{0}\" data-deck=\"{1}\">\n<h2>{1}</h2>\n"
        "{2}\n</section>\n",
        i, name, redact(pages[i].second));
  }
  std::string labels;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    labels += fmt::format("<label for=\"deck-tab-{}\">{}</label>", i, safe_text(pages[i].first));
  }

  // The radio inputs must be siblings of .deck-panels for the `~` selectors;
  // the labels may live anywhere.
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{0}</title>\n<style>{1}{2}</style>\n</head>\n<body>\n"
      "{3}\n<nav class=\"deck-tabs\">{4}</nav>\n<div class=\"deck-panels\">\n{5}</div>\n"
      "</body>\n</html>\n",
      safe_text(title), kStyle, selectors, tabs, labels, panels);
  // Last line of defence: a value registered after it was appended is still masked.
  return redact(out);
}

}  // namespace flyte
