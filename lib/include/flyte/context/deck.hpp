#pragma once

/// Decks: HTML pages a task adds to, rendered into one `deck.html` next to its
/// outputs (CONTRACT §5; flytekit's `Deck`, `TimelineDeck`, `_output_deck`).
///
/// Everything a deck renders passes through flyte::redact(), so a secret the
/// task printed into a deck never reaches the Flyte UI.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace flyte {

/// `text` with &, <, >, " and ' replaced by entities, safe in element content
/// and in quoted attribute values.
std::string html_escape(std::string_view text);

/// A named page of HTML. The html is the user's and is inserted as html, not
/// escaped (it is meant to carry tables, plots, markdown renderings).
/// Thread-safe: a task may append from several threads.
class Deck {
 public:
  explicit Deck(std::string name, std::string html = "");
  Deck(const Deck& other);
  Deck& operator=(const Deck& other);
  virtual ~Deck() = default;

  const std::string& name() const noexcept { return name_; }
  /// The page body (for a TimelineDeck: the table followed by appended html).
  virtual std::string html() const;
  /// Adds `html` on a new line, like flytekit's `Deck.append`; returns *this
  /// so calls chain.
  Deck& append(std::string_view html);
  /// Replaces everything this deck shows (DeckSet::add of a same-named deck).
  virtual void replace_content(std::string html);

 protected:
  mutable std::mutex mutex_;
  std::string body_locked() const;

 private:
  std::string name_;
  std::string html_;
};

/// One timed section of a TimelineDeck.
struct TimelineEntry {
  std::string name;
  double wall_time_s = 0;
  double process_time_s = 0;  // CPU time of the whole process (Python's process_time)
};

/// flytekit's "Timeline" deck: how long each part of the run took. Rendered as
/// a table with columns Name, Wall Time(s), Process Time(s); names escaped.
class TimelineDeck : public Deck {
 public:
  /// Scope guard returned by time_section(); records one row when it ends.
  class Section {
   public:
    Section(Section&& other) noexcept;
    Section& operator=(Section&&) = delete;
    Section(const Section&) = delete;
    Section& operator=(const Section&) = delete;
    ~Section();
    /// Records now instead of at scope end; later calls do nothing.
    void stop() noexcept;

   private:
    friend class TimelineDeck;
    Section(TimelineDeck* deck, std::string name);
    TimelineDeck* deck_;
    std::string name_;
    std::chrono::steady_clock::time_point wall_start_;
    double cpu_start_s_;
  };

  explicit TimelineDeck(std::string name = "Timeline");
  TimelineDeck(const TimelineDeck& other);

  /// Times the enclosing scope. The deck must outlive the returned Section.
  [[nodiscard]] Section time_section(std::string name);
  /// Adds a row measured elsewhere.
  void add_entry(TimelineEntry entry);
  std::vector<TimelineEntry> entries() const;

  std::string html() const override;
  /// Drops the recorded rows too: the replacement is the whole content.
  void replace_content(std::string html) override;

 private:
  std::vector<TimelineEntry> entries_;
};

/// The decks of one task run, in order of first creation. Thread-safe; the
/// references it returns stay valid as long as the DeckSet lives.
class DeckSet {
 public:
  /// Starts with the `default` deck; the timeline deck appears on first use.
  DeckSet();
  DeckSet(const DeckSet&) = delete;
  DeckSet& operator=(const DeckSet&) = delete;

  /// The deck named `name`, created (empty, at the end) if there is none.
  Deck& deck(std::string_view name);
  /// Adds `deck`; if a deck of that name exists, its content is replaced by
  /// `deck`'s and it keeps its place (a later deck with the same name
  /// replaces the earlier content).
  Deck& add(const Deck& deck);
  /// flytekit's `default_deck`: the deck named "default".
  Deck& default_deck();
  /// The deck named "Timeline", created on first use. It is the only deck of
  /// that name: deck("Timeline") returns it and add() of a deck named
  /// "Timeline" replaces its content (rows included).
  TimelineDeck& timeline_deck();
  std::vector<std::string> names() const;
  bool contains(std::string_view name) const;

  /// One self-contained deck.html: a tab per deck, inline CSS and JS only (no
  /// network resources, so it renders offline and under a strict CSP), names
  /// escaped, user html as html, everything redacted.
  std::string render_html(std::string_view title = "Flyte Deck") const;

 private:
  Deck* find_locked(std::string_view name) const;
  TimelineDeck& timeline_locked();
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Deck>> decks_;
  TimelineDeck* timeline_ = nullptr;
};

inline constexpr std::string_view kDefaultDeckName = "default";
inline constexpr std::string_view kTimelineDeckName = "Timeline";
inline constexpr std::string_view kDeckFileName = "deck.html";

}  // namespace flyte
